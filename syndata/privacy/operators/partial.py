"""The ``partial`` operator: keep the first/last characters, mask the rest (``***-**-6789``).

A value no longer than the kept part is masked entirely, so the whole of it is never
revealed. The work is vectorised on blocks of a (rows x characters) matrix of code points.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import Field

from syndata.privacy.operators.base import MaskContext, Operator, Params
from syndata.privacy.operators.values import CHUNK, ObjectArray, as_text, fill


class PartialParams(Params):
    """``partial``: keep the first/last characters, mask the rest with ``char``."""

    keep_first: int = Field(0, ge=0, description="characters kept at the start (>= 0)")
    keep_last: int = Field(4, ge=0, description="characters kept at the end (>= 0)")
    char: str = Field("*", min_length=1, max_length=1, description="the one masking character")
    keep_chars: str = Field(" -./()@+_:", description="separators left in place in the masked part")


def partial(
    values: pd.Series,
    keep_first: int = 0,
    keep_last: int = 4,
    char: str = "*",
    keep_chars: str = " -./()@+_:",
) -> pd.Series:
    """Keep ``keep_first``/``keep_last`` characters, replace the others with ``char``.

    Characters in ``keep_chars`` (separators) stay in place: ``123-45-6789`` becomes
    ``***-**-6789``. A value no longer than ``keep_first + keep_last`` is masked entirely;
    so the output equals the input only for values with nothing to mask (empty, or made
    only of separators and ``char``). Non-text values are masked as their text.
    """
    present = values.notna().to_numpy()
    text = as_text(values[present])
    lengths = np.fromiter((len(t) for t in text), dtype=np.int64, count=len(text))
    keep = np.array([ord(c) for c in keep_chars], dtype=np.uint32)
    masked = np.empty(len(text), dtype=object)
    for rows in _blocks(lengths):
        masked[rows] = _partial_block(
            text[rows], lengths[rows], keep_first, keep_last, ord(char), keep
        )
    with_nul = np.flatnonzero([("\0" in t) for t in text])  # numpy strings drop trailing NULs
    for row in with_nul:
        masked[row] = _partial_text(text[row], keep_first, keep_last, char, keep_chars)
    return fill(values, present, masked)


def _partial_text(text: str, keep_first: int, keep_last: int, char: str, keep_chars: str) -> str:
    """``partial`` of one text (the reference the vectorised version follows)."""
    kept = len(text) > keep_first + keep_last
    return "".join(
        c if c in keep_chars or (kept and (i < keep_first or i >= len(text) - keep_last)) else char
        for i, c in enumerate(text)
    )


def _blocks(lengths: npt.NDArray[np.int64], cells: int = 1 << 23) -> Iterable[slice]:
    """Row slices whose (rows x longest text) character matrix stays under ``cells``."""
    start = 0
    while start < len(lengths):
        stop = min(start + CHUNK, len(lengths))
        longest = max(1, int(lengths[start:stop].max()))
        stop = min(stop, start + max(1, cells // longest))
        yield slice(start, stop)
        start = stop


def _partial_block(
    texts: ObjectArray,
    lengths: npt.NDArray[np.int64],
    keep_first: int,
    keep_last: int,
    char: int,
    keep: npt.NDArray[np.uint32],
) -> ObjectArray:
    """``partial`` of some texts, on their matrix of code points."""
    block = np.asarray(texts, dtype=str)
    width = block.dtype.itemsize // 4
    if width == 0:
        return texts
    codes = block.view(np.uint32).reshape(len(block), width).copy()
    position = np.arange(width)[None, :]
    long_enough = (lengths > keep_first + keep_last)[:, None]
    kept_end = (position < keep_first) | (position >= (lengths - keep_last)[:, None])
    maskable = (position < lengths[:, None]) & ~(long_enough & kept_end) & ~np.isin(codes, keep)
    codes[maskable] = char
    return codes.view(f"<U{width}").ravel().astype(object)


class Partial(Operator):
    """``partial``: see ``partial``; the report counts the values that changed."""

    params_model = PartialParams
    options: PartialParams

    def counts_changed(self) -> bool:
        """Values with nothing to mask stay as they are."""
        return True

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """Each value with its middle masked."""
        o = self.options
        return partial(values, o.keep_first, o.keep_last, o.char, o.keep_chars)
