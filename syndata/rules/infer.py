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

from collections.abc import Mapping
from typing import Any

import pandas as pd

from syndata.config import Config, parse_config
from syndata.errors import RegexNotGeneratable
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.rules.infer_shapes import LITERAL_MIN_VALUES, shape_regex
from syndata.rules.infer_text import DEFAULT_LOCALE, email_rule, postal_rule, text_rule
from syndata.rules.infer_values import (
    boolean_rule,
    choice_rule,
    date_rule,
    date_string_rule,
    finite_numbers,
    range_rule,
)
from syndata.rules.providers import has_provider

__all__ = [
    "LITERAL_MIN_VALUES",
    "column_type",
    "infer_column_config",
    "infer_rule",
    "regenerated_config",
    "shape_regex",
]

ID_HEADROOM = 2  # an identifier rule holds at least this many times the real rows


# --------------------------------------------------------------------------- public API


def infer_rule(
    meta: ColumnMetadata,
    values: pd.Series,
    *,
    rows: int | None = None,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, object] | None:
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
            return email_rule(present)
        if kind == "phone":
            return {"type": "phone_number"}
        if kind == "url":
            return {"type": "url"}
        if kind == "postal_code":
            return postal_rule(present)
        return text_rule(meta.name, present, locale)
    if kind == "date_string":
        rule = date_string_rule(present, meta.format)
        if rule is not None:
            return rule
    if kind == "boolean" and typ in ("bool", "int"):
        return boolean_rule(present, typ)
    if kind == "categorical":
        rule = choice_rule(present, typ)
        if rule is not None:
            return rule
        if typ == "str":  # every value is rare: values of the same shape, none copied
            return text_rule(meta.name, present, locale)
    return _by_type(present, typ, n_rows)


def pii_rule(entity: str, locale: str = DEFAULT_LOCALE) -> dict[str, object]:
    """A rule of Faker values of the entity's kind: built from no real value at all."""
    from syndata.privacy.providers import provider_for

    if entity == "FREE_TEXT":  # sentences of Faker's words: no real text, no entity
        return {"type": "sentence", "nb_words": 8}
    provider = provider_for(entity)
    if provider in ("email", "phone_number", "url"):
        return {"type": provider}
    if provider is not None and has_provider(locale, provider):
        return {"type": provider}
    return {"type": "regex", "pattern": "[A-Z]{3}-[0-9]{6}"}  # an opaque token


def column_type(meta: ColumnMetadata, rule: Mapping[str, object] | None) -> str:
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
) -> dict[str, object]:
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


def _by_type(present: pd.Series, typ: str, rows: int) -> dict[str, Any] | None:
    if typ in ("int", "float", "decimal"):
        return range_rule(present, typ)
    if typ == "bool":
        return boolean_rule(present, typ)
    if typ in ("date", "datetime"):
        return date_rule(present, typ)
    return {"type": "regex", "pattern": shape_regex(present.astype(str))}


# --------------------------------------------------------------------------- identifiers


def _id_rule(present: pd.Series, typ: str, rows: int) -> dict[str, Any] | None:
    needed = max(ID_HEADROOM * rows, 2)
    if typ == "int":
        x = finite_numbers(present)
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
