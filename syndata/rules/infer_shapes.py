r"""The shapes of string values as a regex (``CUST-000123`` -> ``CUST-\d{6}``), no value copied.

See ``shape_regex``: literal pieces are only punctuation and runs the same in at least
``LITERAL_MIN_VALUES`` values; counters draw numbers above the real ones when asked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from syndata.errors import RegexNotGeneratable
from syndata.rules.infer_values import sample_values
from syndata.rules.regex_gen import compile_regex

SHAPE_COVERAGE = 0.9  # share of values the chosen shapes must describe
MAX_SHAPES = 5
LITERAL_MIN_VALUES = 10  # a run the same in this many values (or more) is kept literally
MAX_TEXT_LENGTH = 200


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class _Token:
    """One run of a shape: a literal, or ``cls`` repeated ``low..high`` times."""

    cls: str  # a regex character class, or "" for a literal
    low: int = 1
    high: int = 1
    literal: str = ""
    floor: str = ""  # digits only: values are numbers >= floor (same width)
    counter: bool = False

    def render(self) -> str:
        if not self.cls:
            return _escape(self.literal)
        if self.floor:
            width = len(self.floor)
            parts = [_at_least(self.floor)]
            if self.high > width:
                parts.append(_class_repeat(self.cls, width + 1, self.high))
            return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return _class_repeat(self.cls, self.low, self.high)


def _escape(text: str) -> str:
    """``text`` as a regex literal, escaping only what needs it (``-`` stays readable)."""
    return "".join(
        f"\\{c}" if c in _SPECIAL else re.escape(c) if not c.isprintable() else c for c in text
    )


_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def _class_repeat(cls: str, low: int, high: int) -> str:
    if low == high == 1:
        return cls
    return f"{cls}{{{low}}}" if low == high else f"{cls}{{{low},{high}}}"


def _at_least(floor: str) -> str:
    """A regex for strings of ``len(floor)`` digits that are >= ``floor``."""
    head, rest = floor[0], floor[1:]
    if not rest:
        return "9" if head == "9" else f"[{head}-9]"
    tail = f"\\d{{{len(rest)}}}" if len(rest) > 1 else "\\d"
    branches = []
    if head != "9":
        nxt = chr(ord(head) + 1)
        branches.append((nxt if nxt == "9" else f"[{nxt}-9]") + tail)
    branches.append(head + (tail if set(rest) == {"0"} else _at_least(rest)))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_FINE = re.compile(r"[0-9]+|[A-Z]+|[a-z]+|.", re.DOTALL)
_COARSE = re.compile(r"[0-9A-Za-z]+|.", re.DOTALL)
_RUN_CLASS = {"0": r"\d", "A": "[A-Z]", "a": "[a-z]"}


def _fine_kind(text: str) -> str:
    first = text[0]
    if first.isascii() and first.isdigit():
        return "0"
    if first.isascii() and first.isupper():
        return "A"
    if first.isascii() and first.islower():
        return "a"
    return ""


def _coarse_kind(text: str) -> str:
    return "*" if text[0].isascii() and text[0].isalnum() else ""


def _tokenize(value: str, fine: bool) -> tuple[tuple[str, str], ...]:
    pattern, kind = (_FINE, _fine_kind) if fine else (_COARSE, _coarse_kind)
    return tuple((kind(t), t) for t in pattern.findall(value))


def _signature(tokens: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(k if k else "=" + t for k, t in tokens)


def _alnum_class(texts: Iterable[str]) -> str:
    chars = set("".join(texts))
    digits, upper, lower = (
        any(c.isdigit() for c in chars),
        any(c.isupper() for c in chars),
        any(c.islower() for c in chars),
    )
    if digits and not upper and lower and chars <= set("0123456789abcdef"):
        return "[0-9a-f]"
    if digits and upper and not lower and chars <= set("0123456789ABCDEF"):
        return "[0-9A-F]"
    parts = ("0-9" if digits else "") + ("A-Z" if upper else "") + ("a-z" if lower else "")
    return r"\d" if parts == "0-9" else f"[{parts}]"


def _group_tokens(rows: list[tuple[tuple[str, str], ...]], count: int) -> list[_Token]:
    tokens = []
    for position in range(len(rows[0])):
        kind = rows[0][position][0]
        texts = [row[position][1] for row in rows]
        if not kind:
            tokens.append(_Token("", literal=texts[0]))
            continue
        distinct = set(texts)
        if len(distinct) == 1 and count >= LITERAL_MIN_VALUES:
            tokens.append(_Token("", literal=texts[0]))
            continue
        lengths = [len(t) for t in texts]
        cls = _RUN_CLASS[kind] if kind in _RUN_CLASS else _alnum_class(distinct)
        tokens.append(_Token(cls, min(lengths), max(lengths), counter=cls == r"\d"))
    if all(not t.cls for t in tokens):  # identical values: keep the shape, not the value
        tokens = [
            _Token(_alnum_class([t.literal]), len(t.literal), len(t.literal))
            if t.literal.isascii() and t.literal.isalnum()
            else t
            for t in tokens
        ]
    return tokens


def _shapes(values: list[str], fine: bool) -> list[list[_Token]] | None:
    """The few shapes that describe ``SHAPE_COVERAGE`` of the values, or None."""
    groups: dict[tuple[str, ...], list[tuple[tuple[str, str], ...]]] = {}
    for value in values:
        tokens = _tokenize(value, fine)
        groups.setdefault(_signature(tokens), []).append(tokens)
    ranked = sorted(groups.values(), key=len, reverse=True)
    chosen, covered = [], 0
    for rows in ranked[:MAX_SHAPES]:
        chosen.append(rows)
        covered += len(rows)
        if covered >= SHAPE_COVERAGE * len(values):
            return [_group_tokens(rows, len(rows)) for rows in chosen if rows[0]]
    return None


def _generic_shape(values: list[str]) -> list[list[_Token]]:
    lengths = np.array([len(v) for v in values])
    low = int(np.quantile(lengths, 0.01)) if len(lengths) else 1
    high = int(np.quantile(lengths, 0.99)) if len(lengths) else 1
    low, high = max(low, 1), min(max(high, low, 1), MAX_TEXT_LENGTH)
    low = min(low, high)
    chars = Counter("".join(values))
    parts = []
    if any(c.isascii() and c.isdigit() for c in chars):
        parts.append("0-9")
    if any(c.isascii() and c.isupper() for c in chars):
        parts.append("A-Z")
    if any(c.isascii() and c.islower() for c in chars):
        parts.append("a-z")
    others = [
        c for c, _ in chars.most_common() if not (c.isascii() and c.isalnum()) and c.isprintable()
    ][:20]
    body = "".join(parts) + "".join(re.escape(c) if c != " " else " " for c in others)
    return [[_Token(f"[{body or 'a-z'}]", low, high)]]


def _render(shapes: list[list[_Token]]) -> str:
    parts = ["".join(t.render() for t in tokens) for tokens in shapes]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _capacity(pattern: str) -> int | None:
    try:
        return compile_regex(pattern).capacity()
    except RegexNotGeneratable:
        return 0


def shape_regex(
    values: pd.Series | Iterable[str],
    *,
    capacity: int | None = None,
    distinct_from_values: bool = False,
) -> str:
    r"""A regex of the values' shape: ``AB-1234`` -> ``[A-Z]{2}-\d{4}``.

    Runs of digits, upper- and lower-case letters become classes with their observed
    lengths, punctuation stays literal, and a run that is the same in all of at least
    ``LITERAL_MIN_VALUES`` values (a prefix such as ``CUST``) stays literal. The dominant
    shapes (up to ``MAX_SHAPES``, covering ``SHAPE_COVERAGE`` of the values) become
    alternatives. ``capacity`` asks for room for at least that many distinct values;
    ``distinct_from_values`` makes a digit counter of each shape draw only numbers above the
    largest real one, so no generated value equals a real value.
    """
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    series = series.dropna().astype(str)
    texts = [v for v in sample_values(series).tolist() if v]
    if not texts:
        return "[a-z]{1,8}"
    shapes = _shapes(texts, fine=True) or _shapes(texts, fine=False) or _generic_shape(texts)
    if distinct_from_values:  # every value counts here, not a sample
        shapes = [_with_floor(tokens, series) for tokens in shapes]
    if capacity is not None:
        shapes = _widen(shapes, capacity)
    pattern = _render(shapes)
    compile_regex(pattern)  # raises if the shape cannot be generated
    return pattern


def _with_floor(tokens: list[_Token], values: pd.Series) -> list[_Token]:
    """Make the busiest digit counter of a shape draw numbers above every real one."""
    counters = [i for i, t in enumerate(tokens) if t.counter]
    if not counters:
        return tokens
    body = "".join(
        f"({t.render()})" if i in counters else f"(?:{t.render()})" for i, t in enumerate(tokens)
    )
    found = values.str.extract(f"^{body}$", expand=True).dropna()
    if found.empty:
        return tokens
    column = max(range(len(counters)), key=lambda k: found[k].nunique())
    index, seen = counters[column], found[column].unique().tolist()
    token = tokens[index]
    zero_led = any(p.startswith("0") and len(p) > 1 for p in seen)
    if zero_led and token.low != token.high:
        return tokens  # zero-padded to varying widths: no counter to continue
    top = max(int(p) for p in seen) + 1
    floor = str(top).zfill(token.high) if zero_led else str(top)
    width = len(floor)
    if not zero_led and token.low != token.high and top > 10**width // 2:
        floor, width = "1" + "0" * width, width + 1  # a growing counter: continue one digit up
    if (zero_led and width != token.high) or top > 10**width // 2:
        return tokens  # the real values fill the space: no room above them
    return [
        *tokens[:index],
        replace(token, floor=floor, low=len(floor), high=len(floor)),
        *tokens[index + 1 :],
    ]


def _widen(shapes: list[list[_Token]], capacity: int) -> list[list[_Token]]:
    """Lengthen the longest variable run until the pattern holds ``capacity`` values."""
    for _ in range(64):
        room = _capacity(_render(shapes))
        if room is None or room >= capacity:
            return shapes
        best: tuple[int, int, int] | None = None
        for s, tokens in enumerate(shapes):
            for i, token in enumerate(tokens):
                if token.cls and (
                    best is None
                    or token.high > best[2]
                    or (token.high == best[2] and token.counter)
                ):
                    best = (s, i, token.high)
        if best is None:  # only literals: describe the same shape with classes
            shapes = [
                _group_tokens(
                    [
                        tuple(
                            (
                                _fine_kind(t.literal)
                                if t.literal.isascii() and t.literal.isalnum()
                                else "",
                                t.literal,
                            )
                            for t in tokens
                        )
                    ],
                    1,
                )
                for tokens in shapes
            ]
            continue
        s, i, _ = best
        shapes[s] = [
            *shapes[s][:i],
            replace(shapes[s][i], high=shapes[s][i].high + 1),
            *shapes[s][i + 1 :],
        ]
    return shapes
