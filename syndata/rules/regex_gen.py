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

import operator
import re

import numpy as np
from numpy.typing import NDArray

from syndata.errors import RegexNotGeneratable
from syndata.rules.regex_codes import (
    _CHUNK_CELLS,
    _MAX_WIDTH,
    _SELF_CHECK_ROWS,
    _as_strings,
    _sre,
)
from syndata.rules.regex_nodes import _Node
from syndata.rules.regex_parse import _Builder

__all__ = ["RegexGenerator", "compile_regex"]


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

    def generate(self, n: int, rng: np.random.Generator) -> NDArray[np.str_]:
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
