"""The regex generator's alphabet: code points, Python's parser codes, code-point matrices.

Values are drawn as ``uint32`` matrices of code points, one row per value, left-aligned
and padded with zeros (see :mod:`syndata.rules.regex_gen`); the helpers here stack, join
and view such matrices.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray


def _load_parser() -> Any:
    """Python's regex parser module (``re._parser``; ``sre_parse`` before Python 3.11)."""
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - Python < 3.11
        return importlib.import_module("sre_parse")


_sre: Any = _load_parser()

_LITERAL = _sre.LITERAL
_NOT_LITERAL = _sre.NOT_LITERAL
_ANY = _sre.ANY
_IN = _sre.IN
_NEGATE = _sre.NEGATE
_RANGE = _sre.RANGE
_CATEGORY = _sre.CATEGORY
_BRANCH = _sre.BRANCH
_SUBPATTERN = _sre.SUBPATTERN
_MAX_REPEAT = _sre.MAX_REPEAT
_MIN_REPEAT = _sre.MIN_REPEAT
_POSSESSIVE_REPEAT = getattr(_sre, "POSSESSIVE_REPEAT", None)
_ATOMIC_GROUP = getattr(_sre, "ATOMIC_GROUP", None)
_AT = _sre.AT
_ASSERT = _sre.ASSERT
_ASSERT_NOT = _sre.ASSERT_NOT
_GROUPREF = _sre.GROUPREF
_GROUPREF_EXISTS = _sre.GROUPREF_EXISTS
_MAXREPEAT = int(_sre.MAXREPEAT)
_REPEATS = tuple(op for op in (_MAX_REPEAT, _MIN_REPEAT, _POSSESSIVE_REPEAT) if op is not None)

_AT_BEGIN = (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING)
_AT_END = (_sre.AT_END, _sre.AT_END_STRING)
_AT_BOUNDARY = _sre.AT_BOUNDARY
_AT_NON_BOUNDARY = _sre.AT_NON_BOUNDARY

#: Flags that change which characters a class or ``\b`` accepts.
_CHAR_FLAGS = re.IGNORECASE | re.ASCII

_strings = getattr(np, "strings", None)  # numpy >= 2: vectorised string functions
_string_add: Any = getattr(_strings, "add", None)

#: Above this many cells (rows x widest value) rows are generated in chunks.
_CHUNK_CELLS = 2_000_000
#: The longest value a pattern may produce.
_MAX_WIDTH = 100_000
#: Rows generated at compile time to confirm that values match the pattern.
_SELF_CHECK_ROWS = 256


def _codes(chars: str) -> NDArray[np.uint32]:
    return np.array(sorted({ord(c) for c in chars}), dtype=np.uint32)


def _text(codes: NDArray[np.uint32]) -> str:
    """Join the code points into one Python string."""
    if codes.size == 0:
        return ""
    return str(np.ascontiguousarray(codes, dtype=np.uint32).view(f"U{codes.size}")[0])


_PRINTABLE = np.arange(0x20, 0x7F, dtype=np.uint32)
_DIGITS = _codes("0123456789")
_WORD = _codes("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_SPACE = _codes(" \t\n\r\x0b\x0c")
_CATEGORY_CODES: dict[Any, NDArray[np.uint32]] = {
    _sre.CATEGORY_DIGIT: _DIGITS,
    _sre.CATEGORY_NOT_DIGIT: np.setdiff1d(_PRINTABLE, _DIGITS),
    _sre.CATEGORY_WORD: _WORD,
    _sre.CATEGORY_NOT_WORD: np.setdiff1d(_PRINTABLE, _WORD),
    _sre.CATEGORY_SPACE: _SPACE,
    _sre.CATEGORY_NOT_SPACE: np.setdiff1d(_PRINTABLE, _SPACE),
}
_CATEGORY_TEXT: dict[Any, str] = {
    _sre.CATEGORY_DIGIT: r"\d",
    _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_WORD: r"\w",
    _sre.CATEGORY_NOT_WORD: r"\W",
    _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S",
}


@functools.cache
def _universes() -> tuple[NDArray[np.uint32], ...]:
    """Where a negated class draws from, tried in order until one has a member."""
    other_ascii = np.array([*range(1, 0x20), 0x7F], dtype=np.uint32)
    latin1 = np.array([c for c in range(0xA0, 0x100) if chr(c).isprintable()], dtype=np.uint32)
    bmp = np.array(
        [c for c in range(0x100, 0x10000) if not 0xD800 <= c <= 0xDFFF and chr(c).isprintable()],
        dtype=np.uint32,
    )
    return _PRINTABLE, other_ascii, latin1, bmp


def _hstack(pieces: list[NDArray[np.uint32]]) -> NDArray[np.uint32]:
    return pieces[0] if len(pieces) == 1 else np.hstack(pieces)


def _join(left: NDArray[np.uint32] | None, right: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """Concatenate two left-aligned matrices row by row; the result is left-aligned."""
    if left is None:
        return right
    if _string_add is None:  # pragma: no cover - numpy < 2
        return _pack(np.hstack([left, right]))
    rows = left.shape[0]
    joined = _string_add(_as_strings(left), _as_strings(right))
    return np.ascontiguousarray(joined).view(np.uint32).reshape(rows, -1)


def _as_strings(mat: NDArray[np.uint32]) -> NDArray[np.str_]:
    """View a left-aligned code-point matrix as a unicode array (no copy if contiguous)."""
    mat = np.ascontiguousarray(mat, dtype=np.uint32)
    return mat.view(f"<U{mat.shape[1]}").reshape(mat.shape[0])


def _pack(mat: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """Push each row's non-zero code points to the left, keeping the width."""
    rows, width = mat.shape
    mask = mat != 0
    pos = np.cumsum(mask, axis=1, dtype=np.int64)
    pos += (np.arange(rows, dtype=np.int64) * width - 1)[:, None]
    out = np.zeros(rows * width, dtype=np.uint32)
    out[pos[mask]] = mat[mask]
    return out.reshape(rows, width)
