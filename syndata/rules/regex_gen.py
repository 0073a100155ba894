r"""Random strings that fully match a regular expression, generated in bulk.

``compile_regex(pattern)`` parses the pattern with Python's own regex parser and turns it
into a small tree of generator nodes. Every node draws all rows at once: it returns a
``uint32`` matrix of code points of shape ``(rows, max_width)`` in which each row's value is
left-aligned and padded with zeros. Fixed-width pieces are stacked side by side; after a
variable-width piece (a repeat, an alternation) the rows are joined with numpy's vectorised
string concatenation, which drops the padding. The final matrix is viewed as a numpy
unicode array without copying. Python loops run over the pattern's nodes only, never over
rows; large requests are generated in chunks of rows to bound memory.

Supported: literals, ``.`` (printable ASCII), character classes with ranges, negated
classes (complement within printable ASCII), ``\d \w \s \D \W \S`` (ASCII), all
quantifiers (greedy, lazy and possessive alike; ``*``, ``+`` and ``{m,}`` stop at
``m + max_repeat``), groups of every kind, alternation (each branch equally likely),
``^``/``\A`` at the start and ``$``/``\Z`` at the end, and ``\b``/``\B`` where the
characters on both sides are known to be word or non-word characters.
Backreferences, lookaround assertions and conditional groups raise
``RegexNotGeneratable``, as does any pattern whose values could not be guaranteed to match.
"""

from __future__ import annotations

import functools
import importlib
import operator
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["RegexGenerator", "RegexNotGeneratable", "compile_regex"]


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


class RegexNotGeneratable(ValueError):
    """A regular expression whose matching values cannot be generated.

    The message names the pattern, the offending construct (with its position where it can
    be found) and how to fix the pattern. ``pattern``, ``construct`` and ``position`` hold
    the same facts for programs.
    """

    def __init__(
        self,
        pattern: str,
        problem: str,
        fix: str,
        *,
        construct: str | None = None,
        position: int | None = None,
    ) -> None:
        self.pattern = pattern
        self.construct = construct
        self.position = position
        where = ""
        if construct is not None and position is not None:
            where = f" ({construct} at position {position})"
        elif construct is not None:
            where = f" ({construct})"
        elif position is not None:
            where = f" (at position {position})"
        super().__init__(f"cannot generate values for regex '{pattern}': {problem}{where}; {fix}")


# --------------------------------------------------------------------------- nodes

_Kinds = frozenset[str]  # subset of {"w", "n"}: word / non-word characters


class _Node:
    """One piece of the pattern.

    ``generate`` returns a fresh, C-contiguous ``(n, max_width)`` matrix of code points in
    which each row's value is left-aligned and followed by zeros only.
    """

    min_width: int = 0
    max_width: int = 0

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.uint32]:
        raise NotImplementedError

    def capacity(self) -> int | None:
        raise NotImplementedError

    def first_kinds(self) -> _Kinds:
        """Word-ness of the first character, when the node produces any."""
        return frozenset()

    def last_kinds(self) -> _Kinds:
        """Word-ness of the last character, when the node produces any."""
        return frozenset()


class _Chars(_Node):
    """One character drawn uniformly from a set."""

    def __init__(self, codes: NDArray[np.uint32], flags: int) -> None:
        self.codes = codes
        self.flags = flags
        self.min_width = self.max_width = 1
        self.contiguous = int(codes[-1]) - int(codes[0]) + 1 == codes.size
        self._kinds: _Kinds | None = None

    def draw(self, shape: tuple[int, ...], rng: np.random.Generator) -> NDArray[np.uint32]:
        size = self.codes.size
        if size == 1:
            return np.full(shape, self.codes[0], dtype=np.uint32)
        if self.contiguous:
            return rng.integers(
                int(self.codes[0]), int(self.codes[-1]) + 1, size=shape, dtype=np.uint32
            )
        return self.codes[rng.integers(0, size, size=shape, dtype=np.uint32)]

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.uint32]:
        return self.draw((n, 1), rng)

    def capacity(self) -> int | None:
        return int(self.codes.size)

    def first_kinds(self) -> _Kinds:
        if self._kinds is None:
            self._kinds = _word_kinds(self.codes, self.flags)
        return self._kinds

    last_kinds = first_kinds


class _Literal(_Node):
    """A fixed run of characters."""

    def __init__(self, codes: Sequence[int], flags: int) -> None:
        self.codes = np.array(codes, dtype=np.uint32)
        self.flags = flags
        self.min_width = self.max_width = len(codes)

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.uint32]:
        return np.tile(self.codes, (n, 1))

    def capacity(self) -> int | None:
        return 1

    def first_kinds(self) -> _Kinds:
        return _word_kinds(self.codes[:1], self.flags)

    def last_kinds(self) -> _Kinds:
        return _word_kinds(self.codes[-1:], self.flags)


class _Anchor(_Node):
    """A zero-width assertion: ``begin``, ``end``, ``boundary`` or ``non-boundary``."""

    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind
        self.text = text

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.uint32]:
        return np.zeros((n, 0), dtype=np.uint32)

    def capacity(self) -> int | None:
        return 1


class _Seq(_Node):
    """Items one after the other."""

    def __init__(self, items: list[_Node]) -> None:
        self.items = items
        self.min_width = sum(item.min_width for item in items)
        self.max_width = sum(item.max_width for item in items)

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.uint32]:
        # Fixed-width pieces followed by one variable-width piece stay left-aligned when
        # stacked side by side; such runs are then joined with a string concatenation.
        result: NDArray[np.uint32] | None = None
        run: list[NDArray[np.uint32]] = []
        for item in self.items:
            if item.max_width == 0:
                continue
            run.append(item.generate(n, rng))
            if item.min_width != item.max_width:
                result = _join(result, _hstack(run))
                run = []
        if run:
            result = _join(result, _hstack(run))
        return np.zeros((n, 0), dtype=np.uint32) if result is None else result

    def capacity(self) -> int | None:
        total = 1
        for item in self.items:
            cap = item.capacity()
            if cap is None:
                return None
            total *= cap
        return total

    def first_kinds(self) -> _Kinds:
        return _edge_kinds(self.items, last=False)[0]

    def last_kinds(self) -> _Kinds:
        return _edge_kinds(self.items, last=True)[0]


class _Repeat(_Node):
    """``child`` repeated between ``low`` and ``high`` times (uniformly)."""

    def __init__(self, child: _Node, low: int, high: int, bounded: bool) -> None:
        self.child = child
        self.low = low
        self.high = high
        self.bounded = bounded
        self.min_width = low * child.min_width
        self.max_width = high * child.max_width

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.uint32]:
        child, low, high, width = self.child, self.low, self.high, self.child.max_width
        if high == 0 or width == 0:
            return np.zeros((n, 0), dtype=np.uint32)
        if isinstance(child, _Chars):
            mat = child.draw((n, high), rng)
        else:
            mat = child.generate(n * high, rng).reshape(n, high * width)
        if low < high:
            counts = rng.integers(low, high + 1, size=n)
            keep = np.arange(high) < counts[:, None]
            if width > 1:
                keep = np.repeat(keep, width, axis=1)
            np.multiply(mat, keep, out=mat)
        if child.min_width != width and high > 1:
            mat = _pack(mat)  # repetitions of varying width leave gaps between them
        return mat

    def capacity(self) -> int | None:
        if self.child.max_width == 0:
            return 1
        if not self.bounded:
            return None
        cap = self.child.capacity()
        if cap is None:
            return None
        low, high = self.low, self.high
        if cap == 1:
            return high - low + 1
        return (cap ** (high + 1) - cap**low) // (cap - 1)

    def first_kinds(self) -> _Kinds:
        return self.child.first_kinds() if self.high else frozenset()

    def last_kinds(self) -> _Kinds:
        return self.child.last_kinds() if self.high else frozenset()


class _Alt(_Node):
    """One of several branches, chosen uniformly per row."""

    def __init__(self, branches: list[_Node]) -> None:
        self.branches = branches
        self.min_width = min(b.min_width for b in branches)
        self.max_width = max(b.max_width for b in branches)

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.uint32]:
        out = np.zeros((n, self.max_width), dtype=np.uint32)
        choice = rng.integers(0, len(self.branches), size=n)
        for index, branch in enumerate(self.branches):
            if branch.max_width == 0:
                continue
            rows = np.flatnonzero(choice == index)
            if rows.size:
                out[rows, : branch.max_width] = branch.generate(rows.size, rng)
        return out

    def capacity(self) -> int | None:
        total = 0
        for branch in self.branches:
            cap = branch.capacity()
            if cap is None:
                return None
            total += cap
        return total

    def first_kinds(self) -> _Kinds:
        return frozenset().union(*(b.first_kinds() for b in self.branches if b.max_width))

    def last_kinds(self) -> _Kinds:
        return frozenset().union(*(b.last_kinds() for b in self.branches if b.max_width))


def _word_kinds(codes: NDArray[np.uint32], flags: int) -> _Kinds:
    """Whether the characters are word characters ("w"), not ("n"), or both."""
    if codes.size == 0:
        return frozenset()
    words = len(re.findall(r"\w", _text(codes), flags & _CHAR_FLAGS))
    if words == codes.size:
        return frozenset("w")
    return frozenset("n") if words == 0 else frozenset("wn")


def _edge_kinds(items: Iterable[_Node], *, last: bool) -> tuple[_Kinds, bool]:
    """Word-ness of the first (or last) character of ``items``, and whether all may be empty."""
    kinds: _Kinds = frozenset()
    for item in reversed(list(items)) if last else items:
        if item.max_width == 0:
            continue
        kinds |= item.last_kinds() if last else item.first_kinds()
        if item.min_width > 0:
            return kinds, False
    return kinds, True


# --------------------------------------------------------------------------- parsing


class _Builder:
    """Turns the parsed pattern into generator nodes, rejecting what cannot be generated."""

    def __init__(self, pattern: str, max_repeat: int) -> None:
        self.pattern = pattern
        self.max_repeat = max_repeat
        self.has_anchor = False

    def fail(
        self, problem: str, fix: str, *, construct: str | None = None, position: int | None = None
    ) -> RegexNotGeneratable:
        if construct is not None and position is None:
            found = self.pattern.find(construct)
            position = found if found >= 0 else None
        return RegexNotGeneratable(
            self.pattern, problem, fix, construct=construct, position=position
        )

    def build(self, parsed: Any, flags: int) -> _Node:
        items: list[_Node] = []
        for op, av in parsed:
            node = self.build_op(op, av, flags)
            parts = node.items if isinstance(node, _Seq) else [node]
            for part in parts:
                prev = items[-1] if items else None
                if isinstance(part, _Literal) and isinstance(prev, _Literal):
                    items[-1] = _Literal([*prev.codes.tolist(), *part.codes.tolist()], prev.flags)
                else:
                    items.append(part)
        if len(items) == 1 and not isinstance(items[0], _Anchor):
            return items[0]
        return _Seq(items)

    def build_op(self, op: Any, av: Any, flags: int) -> _Node:
        if op == _LITERAL:
            if av == 0:
                raise self.fail(
                    "the NUL character cannot be generated",
                    r"remove \x00 from the pattern",
                    construct=r"\x00",
                )
            return _Literal([av], flags)
        if op == _ANY:
            return _Chars(_PRINTABLE, flags)
        if op == _NOT_LITERAL:
            return self.char_set([(_NEGATE, None), (_LITERAL, av)], flags)
        if op == _IN:
            return self.char_set(av, flags)
        if op == _BRANCH:
            return _Alt([self.build(branch, flags) for branch in av[1]])
        if op == _SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            return self.build(sub, (flags | add_flags) & ~del_flags)
        if _ATOMIC_GROUP is not None and op == _ATOMIC_GROUP:
            return self.build(av, flags)
        if op in _REPEATS:
            low, high, sub = av
            child = self.build(sub, flags)
            bounded = high != _MAXREPEAT
            if not bounded:
                high = low + self.max_repeat
            return _Repeat(child, int(low), int(high), bounded)
        if op == _AT:
            return self.anchor(av)
        if op in (_ASSERT, _ASSERT_NOT):
            direction = av[0]
            what = "lookahead" if direction > 0 else "lookbehind"
            opener = {(True, 1): "(?=", (False, 1): "(?!", (True, -1): "(?<=", (False, -1): "(?<!"}[
                (op == _ASSERT, 1 if direction > 0 else -1)
            ]
            raise self.fail(
                f"{what} assertions are not supported",
                f"remove the {what} {opener}...) and express the constraint with "
                "character classes or alternation",
                construct=opener,
            )
        if op == _GROUPREF:
            construct, position = self.find_backref(int(av))
            raise self.fail(
                "backreferences are not supported",
                f"rewrite the pattern without {construct}",
                construct=construct,
                position=position,
            )
        if op == _GROUPREF_EXISTS:
            raise self.fail(
                "conditional groups are not supported",
                "rewrite the pattern with alternation, e.g. (a|b)",
                construct="(?(",
            )
        raise self.fail(
            f"the regex construct {op} is not supported",
            "simplify the pattern to literals, classes, groups, quantifiers and alternation",
        )

    def anchor(self, code: Any) -> _Node:
        self.has_anchor = True
        if code in _AT_BEGIN:
            return _Anchor("begin", "^" if code == _sre.AT_BEGINNING else r"\A")
        if code in _AT_END:
            return _Anchor("end", "$" if code == _sre.AT_END else r"\Z")
        if code == _AT_BOUNDARY:
            return _Anchor("boundary", r"\b")
        if code == _AT_NON_BOUNDARY:
            return _Anchor("non-boundary", r"\B")
        raise self.fail(f"the anchor {code} is not supported", "remove it from the pattern")

    def find_backref(self, group: int) -> tuple[str, int | None]:
        numbered = re.search(rf"\\{group}(?!\d)", self.pattern)
        if numbered:
            return numbered.group(), numbered.start()
        named = re.search(r"\(\?P=\w+\)", self.pattern)
        if named:
            return named.group(), named.start()
        return f"\\{group}", None

    def char_set(self, items: list[tuple[Any, Any]], flags: int) -> _Node:
        negated = bool(items) and items[0][0] == _NEGATE
        members = [item for item in items if item[0] != _NEGATE]
        text = "[" + ("^" if negated else "") + "".join(_item_text(*m) for m in members) + "]"
        if negated:
            rx = re.compile(text, flags & _CHAR_FLAGS)
            codes = np.zeros(0, dtype=np.uint32)
            for universe in _universes():
                found = rx.findall(_text(universe))
                if found:
                    codes = np.array([ord(ch) for ch in found], dtype=np.uint32)
                    break
        else:
            parts = [_member_codes(op, av) for op, av in members]
            codes = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint32)
            codes = codes[codes != 0]
        if codes.size == 0:
            raise self.fail(
                f"the character class {text} matches no character that can be generated",
                "widen the class so that at least one character (other than NUL) matches",
                construct=text,
            )
        if codes.size == 1:
            return _Literal([int(codes[0])], flags)
        return _Chars(codes, flags)

    def check_anchors(self, node: _Node, before: frozenset[str], after: frozenset[str]) -> None:
        """Reject anchors that generated values could violate.

        ``before``/``after`` hold what may sit next to ``node``: "w"/"n" for a word or
        non-word character, "edge" for the start/end of the value.
        """
        if isinstance(node, _Seq):
            items = node.items
            for i, item in enumerate(items):
                left, left_empty = _edge_kinds(items[:i], last=True)
                right, right_empty = _edge_kinds(items[i + 1 :], last=False)
                self.check_anchors(
                    item,
                    left | before if left_empty else left,
                    right | after if right_empty else right,
                )
        elif isinstance(node, _Repeat):
            child = node.child
            repeated = node.high >= 2 and child.max_width > 0
            self.check_anchors(
                child,
                before | child.last_kinds() if repeated else before,
                after | child.first_kinds() if repeated else after,
            )
        elif isinstance(node, _Alt):
            for branch in node.branches:
                self.check_anchors(branch, before, after)
        elif isinstance(node, _Anchor):
            self.check_anchor(node, before, after)

    def check_anchor(self, node: _Anchor, before: frozenset[str], after: frozenset[str]) -> None:
        if node.kind == "begin" and before != {"edge"}:
            raise self.fail(
                f"{node.text} is only supported at the start of the pattern",
                f"remove {node.text} or move it to the start",
                construct=node.text,
            )
        if node.kind == "end" and after != {"edge"}:
            raise self.fail(
                f"{node.text} is only supported at the end of the pattern",
                f"remove {node.text} or move it to the end",
                construct=node.text,
            )
        if node.kind in ("boundary", "non-boundary"):
            left = {side == "w" for side in before}
            right = {side == "w" for side in after}
            known = len(left) == 1 and len(right) == 1
            if node.kind == "boundary":
                ok = known and left != right
            else:
                ok = known and left == right and "edge" not in before | after
            if not ok:
                raise self.fail(
                    f"{node.text} is only supported where the characters on both sides are "
                    "known to be word and non-word characters",
                    f"remove {node.text}, or put it between a class of word characters and "
                    "a class of non-word characters (or the start/end of the value)",
                    construct=node.text,
                )


def _item_text(op: Any, av: Any) -> str:
    """One member of a character class, written back as regex source."""
    if op == _LITERAL:
        return _char_text(av)
    if op == _RANGE:
        return f"{_char_text(av[0])}-{_char_text(av[1])}"
    if op == _CATEGORY:
        return _CATEGORY_TEXT[av]
    raise ValueError(f"unexpected class member {op}")  # pragma: no cover


def _char_text(code: int) -> str:
    if 0x20 <= code < 0x7F:
        return re.escape(chr(code))
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _member_codes(op: Any, av: Any) -> NDArray[np.uint32]:
    if op == _LITERAL:
        return np.array([av], dtype=np.uint32)
    if op == _RANGE:
        return np.arange(av[0], av[1] + 1, dtype=np.uint32)
    return _CATEGORY_CODES[av]


# --------------------------------------------------------------------------- public API


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


def _as_strings(mat: NDArray[np.uint32]) -> np.ndarray:
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


class RegexGenerator:
    """Draws random strings that fully match ``pattern``; build one with ``compile_regex``."""

    def __init__(self, pattern: str, root: _Node, max_repeat: int) -> None:
        self.pattern = pattern
        self.max_repeat = max_repeat
        self._root = root

    def __repr__(self) -> str:
        return f"RegexGenerator({self.pattern!r}, max_repeat={self.max_repeat})"

    @property
    def min_length(self) -> int:
        """The length of the shortest value that can be generated."""
        return self._root.min_width

    @property
    def max_length(self) -> int:
        """The length of the longest value that can be generated."""
        return self._root.max_width

    def generate(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random strings that fully match the pattern, as a ``'<U{k}'`` array.

        The same ``rng`` state always gives the same values.
        """
        n = operator.index(n)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        width = self._root.max_width
        if n == 0 or width == 0:
            return np.zeros(n, dtype="<U1")
        step = max(1, _CHUNK_CELLS // width)
        if n <= step:
            return _as_strings(self._root.generate(n, rng))
        out = np.empty((n, width), dtype=np.uint32)
        for start in range(0, n, step):
            stop = min(start + step, n)
            out[start:stop] = self._root.generate(stop - start, rng)
        return _as_strings(out)

    def capacity(self) -> int | None:
        """How many distinct strings the pattern can produce; ``None`` if unbounded.

        Exact for patterns whose branches and repeats cannot produce the same string in two
        ways; otherwise an upper bound. Unbounded quantifiers (``*``, ``+``, ``{m,}``)
        give ``None``.
        """
        return self._root.capacity()


def compile_regex(pattern: str, *, max_repeat: int = 8) -> RegexGenerator:
    """Compile ``pattern`` into a generator of strings that fully match it.

    ``max_repeat`` caps the unbounded quantifiers ``*``, ``+`` and ``{m,}`` at
    ``m + max_repeat`` repetitions. Raises ``RegexNotGeneratable`` for invalid patterns and
    for constructs that cannot be generated (backreferences, lookaround, conditional groups,
    classes that match nothing, misplaced anchors).
    """
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a str, got {type(pattern).__name__}")
    if isinstance(max_repeat, bool) or operator.index(max_repeat) < 0:
        raise ValueError(f"max_repeat must be an integer >= 0, got {max_repeat!r}")
    try:
        compiled = re.compile(pattern)
        parsed = _sre.parse(pattern, 0)
    except re.error as exc:
        raise RegexNotGeneratable(
            pattern, f"invalid syntax: {exc.msg}", "fix the regular expression", position=exc.pos
        ) from None
    builder = _Builder(pattern, operator.index(max_repeat))
    root = builder.build(parsed, int(parsed.state.flags))
    if builder.has_anchor:
        builder.check_anchors(root, frozenset({"edge"}), frozenset({"edge"}))
    if root.max_width > _MAX_WIDTH:
        raise RegexNotGeneratable(
            pattern,
            f"values can be up to {root.max_width} characters long, more than the "
            f"supported {_MAX_WIDTH}",
            "lower the repeat bounds (or max_repeat)",
        )
    generator = RegexGenerator(pattern, root, operator.index(max_repeat))
    sample = generator.generate(_SELF_CHECK_ROWS, np.random.default_rng(0x5EED))
    for value in sample.tolist():
        if compiled.fullmatch(value) is None:
            raise RegexNotGeneratable(
                pattern,
                f"a generated value {value!r} does not match, because of a construct "
                "whose constraints the generator cannot honour (possessive quantifiers, "
                "atomic groups, flags)",
                "rewrite the pattern with plain quantifiers and groups",
            )
    return generator
