"""The nodes a regex compiles to: each draws all rows of its piece of the pattern at once."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from syndata.rules.regex_codes import _CHAR_FLAGS, _hstack, _join, _pack, _text

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
        drawn: NDArray[np.uint32] = self.codes[rng.integers(0, size, size=shape, dtype=np.uint32)]
        return drawn

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
        caps = _capacities(self.items)
        return None if caps is None else math.prod(caps)

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
        return int((cap ** (high + 1) - cap**low) // (cap - 1))

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
        caps = _capacities(self.branches)
        return None if caps is None else sum(caps)

    def first_kinds(self) -> _Kinds:
        return frozenset().union(*(b.first_kinds() for b in self.branches if b.max_width))

    def last_kinds(self) -> _Kinds:
        return frozenset().union(*(b.last_kinds() for b in self.branches if b.max_width))


def _capacities(nodes: Iterable[_Node]) -> list[int] | None:
    """The capacity of each node; None when one of them is unbounded."""
    caps = [node.capacity() for node in nodes]
    return None if None in caps else [cap for cap in caps if cap is not None]


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
