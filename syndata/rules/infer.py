r"""Config rules inferred from real data.

``infer_rule(meta, values)`` returns a rule (a plain, JSON-compatible dict that
``syndata.config`` accepts) which makes values like ``values``; ``infer_column_config``
wraps it into a whole config column; ``regenerated_config`` builds the config that
learned models apply at sample time to the columns they do not learn (keys, identifiers,
free text, e-mails, phones, URLs, UUIDs, postal codes).

By column kind:

* ``numerical`` -> ``range`` over the observed [min, max] (``decimals`` for floats: the
  observed decimal places, at most 6); the distribution (uniform, normal or lognormal,
  with the data's mean and std) is the one closest to the data by the Kolmogorov-Smirnov
  distance;
* ``categorical`` / ``boolean`` -> ``choice`` of the (top 1000) observed values with their
  counts as weights;
* ``datetime`` -> ``date_range`` over the observed [min, max];
* ``date_string`` -> ``date_range`` too: such columns are generated as real dates
  (config type ``date``, or ``datetime`` when the format has a time of day; see
  ``column_type``), since no rule writes formatted date strings;
* ``id`` -> integers: a ``sequence`` that starts after the largest real id; strings: a
  ``regex`` of the values' shape (``CUST-000123`` -> ``CUST-(?:...)`` drawing numbers above
  the largest real one), with room for at least twice the rows;
* ``uuid`` -> ``uuid``; ``email`` -> ``email`` (with ``domains`` when one non-free-mail
  domain dominates); ``phone`` -> ``phone_number``; ``url`` -> ``url``;
  ``postal_code`` -> ``postcode`` for US ZIP codes, else a ``regex`` of the shape;
* ``text`` -> a Faker provider whose values match at least 60% of the values
  (``first_name``, ``last_name``, ``name``, ``city``, ``company``, ``job`` ...), or that
  the column is named after; else ``sentence`` (several words per value) or ``text``
  (long values); else a ``regex`` of the shape.

Rules never copy identifiers or free text verbatim: literal pieces of a shape regex are
only the punctuation and the runs that are the same in every one of at least
``LITERAL_MIN_VALUES`` values (a prefix such as ``CUST``), and generated identifiers
are drawn from numbers above the real ones wherever the shape has a counter, so they
cannot equal a real identifier.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from syndata.config import Config, parse_config
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.privacy.disclosure import shown_counts
from syndata.rules.providers import faker_for, has_provider, word_list
from syndata.rules.regex_gen import RegexNotGeneratable, compile_regex

__all__ = [
    "LITERAL_MIN_VALUES",
    "column_type",
    "infer_column_config",
    "infer_rule",
    "regenerated_config",
    "shape_regex",
]

DEFAULT_LOCALE = "en_US"
MAX_CHOICES = 1_000
MAX_DECIMALS = 6
SAMPLE = 5_000  # values looked at for distributions, shapes and word lists
WORD_MATCH = 0.6  # share of values a Faker provider must produce to be chosen
SHAPE_COVERAGE = 0.9  # share of values the chosen shapes must describe
MAX_SHAPES = 5
LITERAL_MIN_VALUES = 10  # a run the same in this many values (or more) is kept literally
MAX_TEXT_LENGTH = 200
LONG_TEXT = 200  # values longer than this (median) are paragraphs, not sentences
ID_HEADROOM = 2  # an identifier rule holds at least this many times the real rows

_FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "yahoo.co.uk",
        "hotmail.co.uk",
        "yahoo.fr",
        "hotmail.fr",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "mail.ru",
        "yandex.ru",
        "protonmail.com",
        "proton.me",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "t-online.de",
        "btinternet.com",
    }
)
_LIST_PROVIDERS = ("first_name", "last_name", "job", "country", "state", "language_name")
_FORMAT_PROVIDERS = {  # provider -> (Faker provider module, attribute holding its formats)
    "name": ("person", "formats"),
    "city": ("address", "city_formats"),
    "street_name": ("address", "street_name_formats"),
    "company": ("company", "formats"),
}
_ATTRIBUTE_PROVIDERS = {"state_abbr": "states_abbr"}
_NAMED_PROVIDERS = frozenset(
    {  # a text column named after one of these gets that provider
        "first_name",
        "last_name",
        "name",
        "city",
        "company",
        "job",
        "country",
        "state",
        "state_abbr",
        "street_name",
        "street_address",
        "address",
        "catch_phrase",
        "user_name",
        "username",
        "license_plate",
        "iban",
        "swift",
        "ssn",
        "credit_card_number",
        "ipv4",
        "ipv6",
        "mac_address",
        "hostname",
        "domain_name",
        "isbn13",
        "ean13",
        "color_name",
        "sentence",
        "paragraph",
        "text",
        "word",
        "bs",
        "company_suffix",
        "building_number",
        "secondary_address",
        "country_code",
        "language_name",
        "prefix",
        "suffix",
        "password",
        "user_agent",
        "sha256",
        "md5",
        "file_name",
        "file_path",
        "currency_name",
        "bban",
        "ascii_email",
    }
)


# --------------------------------------------------------------------------- public API


def infer_rule(
    meta: ColumnMetadata,
    values: pd.Series,
    *,
    rows: int | None = None,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any] | None:
    """A config rule (plain dict, valid for syndata.config) that makes values like ``values``.

    The rule fits a column of type ``column_type(meta, rule)`` (``meta.dtype``, except for
    date strings, which are generated as dates). ``rows`` is the row count of the real
    table when ``values`` is a sample of it (identifier rules make room for twice as many
    rows). None when ``values`` holds no value at all.
    """
    present = values.dropna()
    if len(present) == 0:
        return None
    n_rows = max(rows or 0, len(values))
    kind, typ = meta.kind, meta.dtype
    if meta.pii is not None and not meta.primary_key:
        return pii_rule(meta.pii, locale)
    if kind == "id" or meta.primary_key:
        return _id_rule(present, typ, n_rows)
    if typ == "str" and kind in ("uuid", "email", "phone", "url", "postal_code", "text"):
        if kind == "uuid":
            return {"type": "uuid"}
        if kind == "email":
            return _email_rule(present)
        if kind == "phone":
            return {"type": "phone_number"}
        if kind == "url":
            return {"type": "url"}
        if kind == "postal_code":
            return _postal_rule(present)
        return _text_rule(meta.name, present, locale)
    if kind == "date_string":
        rule = _date_string_rule(present, meta.format)
        if rule is not None:
            return rule
    if kind == "boolean" and typ in ("bool", "int"):
        return _boolean_rule(present, typ)
    if kind == "categorical":
        rule = _choice_rule(present, typ)
        if rule is not None:
            return rule
        if typ == "str":  # every value is rare: values of the same shape, none copied
            return _text_rule(meta.name, present, locale)
    return _by_type(present, typ, n_rows)


def pii_rule(entity: str, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
    """A rule of Faker values of the entity's kind: built from no real value at all."""
    from syndata.privacy.plan import provider_for

    if entity == "FREE_TEXT":  # sentences of Faker's words: no real text, no entity
        return {"type": "sentence", "nb_words": 8}
    provider = provider_for(entity)
    if provider in ("email", "phone_number", "url"):
        return {"type": provider}
    if provider is not None and has_provider(locale, provider):
        return {"type": provider}
    return {"type": "regex", "pattern": "[A-Z]{3}-[0-9]{6}"}  # an opaque token


def column_type(meta: ColumnMetadata, rule: dict[str, Any] | None) -> str:
    """The config column type that ``rule`` (from ``infer_rule``) is meant for.

    ``meta.dtype``, except for a date-string column generated by ``date_range``: ``date``,
    or ``datetime`` when its values have a time of day.
    """
    if meta.kind == "date_string" and rule is not None and rule.get("type") == "date_range":
        return "datetime" if "T" in str(rule["start"]) else "date"
    if meta.pii is not None and not meta.primary_key and rule is not None:
        return "date" if rule.get("type") in ("date_of_birth", "date") else "str"
    return meta.dtype


def infer_column_config(
    meta: ColumnMetadata,
    values: pd.Series,
    *,
    rows: int | None = None,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    """A whole config column: name, type, constraints, rule and null share.

    ``type`` is ``meta.dtype`` (date strings: ``date``/``datetime``, see ``column_type``);
    ``constraints`` holds PK for the primary key and ``unique`` for another identifier whose
    values are all distinct; ``null_share`` (rounded to 3 decimals, at least 0.001) is
    there only when the column has nulls.
    """
    rule = infer_rule(meta, values, rows=rows, locale=locale)
    column: dict[str, Any] = {"name": meta.name, "type": column_type(meta, rule)}
    present = values.dropna()
    if meta.primary_key:
        column["constraints"] = ["PK"]
    elif meta.kind == "id" and len(present) > 1 and present.is_unique:
        column["constraints"] = ["unique"]
    if rule is not None:
        column["rule"] = rule
    share = float(values.isna().mean()) if len(values) else 0.0
    if share > 0 and not meta.primary_key:
        column["null_share"] = max(round(share, 3), 0.001)
    return column


def regenerated_config(metadata: TableMetadata, data: pd.DataFrame) -> Config | None:
    """A Config of the columns that learned models do not learn, each with its inferred rule.

    One table (``metadata.name``) with the columns where ``not meta.modelled`` (primary key,
    id, text, email, phone, url, uuid, postal_code); None when there are none. Learned models
    call this at fit time and apply it with ``syndata.rules.apply_rules(frame, config, table,
    seed=..., start=...)`` at sample time, which adds those columns to the sampled frame.
    """
    columns = [
        infer_column_config(meta, data[name])
        for name, meta in metadata.columns.items()
        if not meta.modelled and name in data.columns
    ]
    if not columns:
        return None
    return parse_config({"tables": [{"table_name": metadata.name, "columns": columns}]})


# --------------------------------------------------------------------------- by type


def _sample(values: pd.Series, size: int = SAMPLE) -> pd.Series:
    if len(values) <= size:
        return values
    return values.sample(size, random_state=0)


def _by_type(present: pd.Series, typ: str, rows: int) -> dict[str, Any] | None:
    if typ in ("int", "float", "decimal"):
        return _range_rule(present, typ)
    if typ == "bool":
        return _boolean_rule(present, typ)
    if typ in ("date", "datetime"):
        return _date_rule(present, typ)
    return {"type": "regex", "pattern": shape_regex(present.astype(str))}


def _plain(value: Any, typ: str) -> Any:
    """A value as a plain Python value of the config type ``typ`` (dates as ISO text)."""
    if isinstance(value, np.generic):
        value = value.item()
    if typ == "int":
        return int(value)
    if typ in ("float", "decimal"):
        return float(value)
    if typ == "bool":
        return bool(value)
    if typ in ("date", "datetime"):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.date().isoformat() if typ == "date" else stamp.isoformat()
    return str(value)


def _choice_rule(present: pd.Series, typ: str) -> dict[str, Any] | None:
    """The frequent values (seen at least k times: the disclosure rule) and their counts."""
    counts: Counter[Any] = Counter()
    for value, count in shown_counts(present.value_counts()).items():
        counts[_plain(value, typ)] += int(count)
    if not counts:
        return None
    top = counts.most_common(MAX_CHOICES)
    return {"type": "choice", "value": [v for v, _ in top], "weights": [c for _, c in top]}


def _boolean_rule(present: pd.Series, typ: str) -> dict[str, Any]:
    truthy = int(present.astype(bool).sum())
    values: list[Any] = [True, False] if typ == "bool" else [1, 0]
    return {"type": "choice", "value": values, "weights": [truthy, len(present) - truthy]}


def _numbers(present: pd.Series) -> np.ndarray:
    x = pd.to_numeric(present, errors="coerce").astype(float).to_numpy()
    return x[np.isfinite(x)]


def _range_rule(present: pd.Series, typ: str) -> dict[str, Any] | None:
    x = _numbers(present)
    if len(x) == 0:
        return None
    lo, hi = float(x.min()), float(x.max())
    rule: dict[str, Any] = {"type": "range"}
    if typ == "int":
        rule["min"], rule["max"] = math.ceil(lo), math.floor(hi)
    else:
        rule["min"], rule["max"] = lo, hi
        rule["decimals"] = decimals_of(x)
    distribution = best_distribution(x)
    if distribution != "uniform":
        rule["distribution"] = distribution
        rule["mean"] = _round_sig(float(x.mean()))
        rule["std"] = _round_sig(float(x.std()))
    return rule


def _round_sig(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


def decimals_of(x: np.ndarray) -> int:
    """The decimal places the numbers ``x`` are written with (at most ``MAX_DECIMALS``)."""
    x = np.asarray(x, dtype=float)
    if len(x) > SAMPLE:
        x = np.random.default_rng(0).choice(x, SAMPLE, replace=False)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(x))
    for places in range(MAX_DECIMALS + 1):
        if np.all(np.abs(np.round(x, places) - x) <= tolerance):
            return places
    return MAX_DECIMALS


def best_distribution(x: np.ndarray) -> str:
    """uniform, normal or lognormal: the truncated family closest to ``x`` (KS distance).

    The candidates are the ones the ``range`` rule draws from, with the data's bounds,
    mean and std; a non-uniform family must beat uniform by a clear margin.
    """
    x = np.asarray(x, dtype=float)
    if len(x) > SAMPLE:
        x = np.random.default_rng(0).choice(x, SAMPLE, replace=False)
    lo, hi = float(x.min()), float(x.max())
    if hi <= lo or len(np.unique(x)) < 5:
        return "uniform"
    xs = np.sort(x)
    mean, std = float(xs.mean()), float(xs.std())
    distances = {"uniform": _ks(xs, (xs - lo) / (hi - lo))}
    if std > 0:
        a, b = ndtr((lo - mean) / std), ndtr((hi - mean) / std)
        if b - a > 1e-9:
            distances["normal"] = _ks(xs, (ndtr((xs - mean) / std) - a) / (b - a))
        m = mean - lo
        if m > 0:
            sigma = math.sqrt(math.log1p((std / m) ** 2))
            mu = math.log(m) - sigma**2 / 2
            top = ndtr((math.log(hi - lo) - mu) / sigma)
            with np.errstate(divide="ignore"):
                logs = np.log(np.maximum(xs - lo, 0.0))
            distances["lognormal"] = _ks(xs, ndtr((logs - mu) / sigma) / top)
    best = min(distances, key=lambda k: distances[k])
    return best if distances[best] < distances["uniform"] - 0.02 else "uniform"


def _ks(xs: np.ndarray, cdf: np.ndarray) -> float:
    """The KS distance between sorted ``xs`` and a CDF evaluated at ``xs`` (ties allowed)."""
    n = len(xs)
    after = np.searchsorted(xs, xs, side="right") / n
    before = np.searchsorted(xs, xs, side="left") / n
    return float(max(np.max(np.abs(cdf - after)), np.max(np.abs(cdf - before))))


def _timestamps(present: pd.Series, fmt: str | None = None) -> pd.Series:
    if fmt is not None:
        parsed = pd.to_datetime(present.astype(str), format=fmt, errors="coerce")
    elif pd.api.types.is_datetime64_any_dtype(present.dtype):
        parsed = present
    else:
        parsed = pd.to_datetime(present, errors="coerce", format="mixed", utc=False)
    parsed = pd.Series(parsed).dropna()
    if len(parsed) and getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed


def _date_rule(present: pd.Series, typ: str) -> dict[str, Any] | None:
    stamps = _timestamps(present)
    if len(stamps) == 0:
        return None
    return _date_range(stamps.min(), stamps.max(), typ)


def _date_range(lo: pd.Timestamp, hi: pd.Timestamp, typ: str) -> dict[str, Any]:
    if typ == "date":
        return {"type": "date_range", "start": lo.date().isoformat(), "end": hi.date().isoformat()}
    start, end = lo.ceil("s"), hi.floor("s")
    if start > end:
        start, end = lo.floor("s"), hi.floor("s")
    return {"type": "date_range", "start": start.isoformat(), "end": end.isoformat()}


def _date_string_rule(present: pd.Series, fmt: str | None) -> dict[str, Any] | None:
    stamps = _timestamps(present, fmt)
    if len(stamps) == 0:
        return None
    if fmt is not None:
        timed = any(code in fmt for code in ("%H", "%I", "%M", "%S", "%f", "%p", "%X", "%c"))
    else:
        timed = bool((stamps != stamps.dt.normalize()).any())
    return _date_range(stamps.min(), stamps.max(), "datetime" if timed else "date")


# --------------------------------------------------------------------------- identifiers


def _id_rule(present: pd.Series, typ: str, rows: int) -> dict[str, Any] | None:
    needed = max(ID_HEADROOM * rows, 2)
    if typ == "int":
        x = _numbers(present)
        if len(x) == 0:
            return None
        lo, hi = int(x.min()), int(x.max())
        if hi + 1 + needed < 2**62:
            return {"type": "sequence", "start": hi + 1, "step": 1}
        return {"type": "range", "min": lo, "max": hi}
    if typ == "str":
        return {
            "type": "regex",
            "pattern": shape_regex(present.astype(str), capacity=needed, distinct_from_values=True),
        }
    return _by_type(present, typ, rows)


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
    texts = [v for v in _sample(series).tolist() if v]
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


# --------------------------------------------------------------------------- e-mail, postcode


def _email_rule(present: pd.Series) -> dict[str, Any]:
    domains = _sample(present).astype(str).str.rsplit("@", n=1).str[-1].str.lower()
    counts = domains.value_counts()
    if len(counts):
        top, share = str(counts.index[0]), counts.iloc[0] / len(domains)
        free = _FREE_MAIL | set(_field_words(DEFAULT_LOCALE, "free_email_domain") or ())
        if share >= 0.9 and top not in free and "." in top:
            return {"type": "email", "domains": [top]}
    return {"type": "email"}


def _postal_rule(present: pd.Series) -> dict[str, Any]:
    text = _sample(present).astype(str).str.strip()
    zip5 = text.str.fullmatch(r"\d{5}")
    zip9 = text.str.fullmatch(r"\d{5}-\d{4}")
    if zip5.mean() >= 0.9:
        return {"type": "postcode"}
    if zip9.mean() >= 0.9:
        return {"type": "regex", "pattern": r"\d{5}-\d{4}"}
    if (zip5 | zip9).mean() >= 0.9:
        return {"type": "regex", "pattern": r"\d{5}(?:-\d{4})?"}
    return {"type": "regex", "pattern": shape_regex(text)}


# --------------------------------------------------------------------------- text


def _text_rule(name: str, present: pd.Series, locale: str) -> dict[str, Any]:
    text = _sample(present.astype(str).str.strip())
    provider = match_provider(text, locale)
    if provider is None:
        provider = _provider_named(name, locale)
    if provider is not None:
        return {"type": provider}
    lengths = text.str.len()
    words = text.map(lambda v: len(v.split()))
    if len(text) and float(lengths.median()) > LONG_TEXT:
        return {"type": "text", "max_nb_chars": max(int(lengths.quantile(0.9)), 5)}
    if len(text) and float(words.median()) >= 2:
        return {"type": "sentence", "nb_words": round(float(words.median()))}
    return {"type": "regex", "pattern": shape_regex(text)}


def _provider_named(name: str, locale: str) -> str | None:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.strip()).lower()
    snake = re.sub(r"[^a-z0-9]+", "_", snake).strip("_")
    for candidate in (snake, snake.removesuffix("s")):
        if candidate in _NAMED_PROVIDERS and has_provider(locale, candidate):
            return candidate
    return None


@functools.cache
def _field_words(locale: str, field: str) -> frozenset[str] | None:
    """The words a Faker field draws from (``first_name``, ``city_suffix`` ...), or None."""
    try:
        found = word_list(locale, field)
    except (ValueError, TypeError):
        found = None
    if found is not None:
        return frozenset(found[0])
    attribute = _ATTRIBUTE_PROVIDERS.get(field)
    base = re.sub(r"_(male|female|nonbinary)$", "", field)
    candidates = [attribute] if attribute else []
    candidates += [f"{field}es", f"{field}s", f"{base}es", f"{base}s"]
    for provider in faker_for(locale).get_providers():
        for attr in candidates:
            value = getattr(provider, attr, None)
            if isinstance(value, dict):
                value = list(value)
            if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
                return frozenset(value)
    if base != field:
        return _field_words(locale, base)
    return None


@functools.cache
def _formats(locale: str, provider: str) -> tuple[tuple[str, ...], ...]:
    """Faker's formats of ``provider`` as parts (literals and ``{field}``), usable ones only."""
    module, attribute = _FORMAT_PROVIDERS[provider]
    out = []
    for prov in faker_for(locale).get_providers():
        if f".{module}" not in type(prov).__module__:
            continue
        formats = getattr(prov, attribute, None)
        if not formats:
            continue
        for fmt in formats:
            parts = tuple(p for p in re.split(r"(\{\{\w+\}\})", str(fmt)) if p)
            fields = [p[2:-2] for p in parts if p.startswith("{{")]
            if fields and all(_field_words(locale, f) is not None for f in fields):
                out.append(parts)
        break
    return tuple(out)


def _fits(value: str, parts: tuple[str, ...], locale: str) -> bool:
    if not parts:
        return not value
    head, rest = parts[0], parts[1:]
    if not head.startswith("{{"):
        return value.startswith(head) and _fits(value[len(head) :], rest, locale)
    words = _field_words(locale, head[2:-2]) or frozenset()
    return any(
        value[:end] in words and _fits(value[end:], rest, locale)
        for end in range(len(value), 0, -1)
    )


def match_provider(values: pd.Series, locale: str = DEFAULT_LOCALE) -> str | None:
    """The Faker provider that makes at least ``WORD_MATCH`` of ``values``, or None."""
    counts = values.value_counts()
    if counts.empty:
        return None
    distinct = counts.index.astype(str).tolist()[:2_000]
    weights = counts.to_numpy()[: len(distinct)].astype(float)
    total = float(weights.sum())
    scores: dict[str, float] = {}
    for provider in (*_LIST_PROVIDERS, *_ATTRIBUTE_PROVIDERS):
        words = _field_words(locale, provider)
        if words:
            hit = np.array([v in words for v in distinct])
            scores[provider] = float(weights[hit].sum()) / total
    for provider in _FORMAT_PROVIDERS:
        formats = _formats(locale, provider)
        if formats and len(distinct) and max(len(v) for v in distinct) <= 80:
            hit = np.array([any(_fits(v, parts, locale) for parts in formats) for v in distinct])
            scores[provider] = float(weights[hit].sum()) / total
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < WORD_MATCH or not has_provider(locale, best):
        return None
    return best


def describe(meta: ColumnMetadata, values: pd.Series) -> str | None:
    """A short shape of a string column for people (a regex, or the date format)."""
    if meta.kind == "date_string":
        return meta.format
    if meta.dtype != "str" or meta.kind in ("email", "url", "uuid", "boolean"):
        return None
    present = values.dropna()
    if len(present) == 0:
        return None
    try:
        return shape_regex(present.astype(str))
    except RegexNotGeneratable:
        return None
