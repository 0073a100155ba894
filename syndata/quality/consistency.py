"""Logical consistency of a synthetic table: how often its rows break the rules real rows obey.

``consistency(real, synthetic, metadata)`` returns a :class:`Consistency` with one entry
per rule (an invariant of :mod:`syndata.consistency`): its kind, its columns, its
description, the share of real rows that break it, the share of synthetic rows that
break it and how many synthetic rows do. Its ``score`` is the mean, over the rules, of
1 − the synthetic share (1 = no synthetic row breaks any rule; NaN without a rule).

The rules default to those ``discover`` finds on the real rows of the scored columns
(:func:`syndata.quality.scored_kinds`: modelled ones, so never a personal-data column),
with ``Bounds`` that require nothing ("any number") left out: a rule no row can break
would only lift the score. Pass ``invariants`` to check others (declared constraints, or
those a model enforced); their columns must be in both tables. A rule is checked with
``syndata.consistency.check.Checker`` learning from the real rows what it needs (the
allowed combinations, each determinant's dependent), in memory only.

Dates (``datetime`` and ``date_string`` columns, the latter parsed with their
``format``) are compared as timestamps, numbers stored as text as numbers.

Nothing here holds a data value: an entry names columns and gives counts and shares, so
the section may be shown, logged and returned whatever the columns hold.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from syndata.consistency import Bounds, Invariant, discover
from syndata.consistency.check import Checker
from syndata.errors import QualityError
from syndata.metadata import TableMetadata
from syndata.quality.common import isnan, json_safe, nanmean, pct, scored_kinds

MOST_BROKEN = 3  # rules a summary names


@dataclass
class Consistency:
    """The rules checked, each with its violation shares, and the score over them."""

    score: float
    constraints: list[dict[str, Any]] = field(default_factory=list)
    rows_real: int = 0
    rows_synthetic: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible: NaN becomes None)."""
        return dict(json_safe(asdict(self)))

    def summary(self) -> str:
        """A few human-readable lines."""
        return "\n".join(consistency_lines(self.score, self.constraints))


def consistency(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: TableMetadata,
    invariants: Sequence[Invariant] | None = None,
    *,
    columns: Iterable[str] | None = None,
    seed: int = 0,
) -> Consistency:
    """Check ``synthetic`` against the rules ``real`` obeys (see the module docstring).

    ``columns`` are those discovery looks at (default: the scored ones); ``seed`` picks
    discovery's sample on long tables. Raises QualityError when a rule's column is
    missing from either table.
    """
    kinds = scored_kinds(metadata)
    if invariants is None:
        searched = list(kinds) if columns is None else [c for c in columns if c in kinds]
        personal = [c.name for c in metadata.columns.values() if c.pii is not None]
        typed = _typed(real[searched], metadata)
        rules = [i for i in discover(typed, seed=seed, exclude=personal) if requires(i)]
    else:
        rules = list(invariants)
        _require_columns(rules, real, synthetic)
    needed = list(dict.fromkeys(c for rule in rules for c in rule.columns()))
    real_t, synth_t = _typed(real[needed], metadata), _typed(synthetic[needed], metadata)
    checker = Checker(rules, reference=real_t)
    entries = [_entry(rule, checker, real_t, synth_t) for rule in rules]
    score = nanmean([1.0 - e["synthetic_violation_share"] for e in entries])
    return Consistency(score, entries, len(real), len(synthetic))


def requires(invariant: Invariant) -> bool:
    """False for a rule no row can break (a ``range`` without sign, whole numbers or decimals)."""
    if isinstance(invariant, Bounds):
        return invariant.non_negative or invariant.integer or invariant.decimals is not None
    return True


def consistency_lines(
    score: float | None, constraints: Sequence[dict[str, Any]], *, most: int = MOST_BROKEN
) -> list[str]:
    """The score, how many rules broke, and the ``most`` broken ones with both shares.

    Reads plain entries (a report's or its ``to_dict``'s); an entry with a ``table``
    is named ``table: rule``.
    """
    head, *rest = rule_lines(constraints, most=most)
    return [f"Consistency {pct(_float(score))}: {head}", *rest]


def rule_lines(constraints: Sequence[dict[str, Any]], *, most: int = MOST_BROKEN) -> list[str]:
    """How many rules there are and broke, then the ``most`` broken ones (if any)."""
    if not constraints:
        return ["no rule found that every real row obeys"]
    broken = [c for c in constraints if (c["synthetic_violating_rows"] or 0) > 0]
    lines = [
        f"{len(constraints)} rule(s) the real rows obey, "
        + (f"{len(broken)} broken by synthetic rows" if broken else "none broken by synthetic rows")
    ]
    if broken:
        worst = sorted(broken, key=lambda c: -(c["synthetic_violation_share"] or 0.0))[:most]
        lines.append("Most broken: " + "; ".join(describe_entry(c) for c in worst))
    return lines


def describe_entry(entry: dict[str, Any]) -> str:
    """E.g. "species × island: 5 of 9 combinations occur — synthetic 25.1% (real 0.0%)"."""
    where = f"{entry['table']}: " if entry.get("table") else ""
    return (
        f"{where}{entry['description']} — synthetic "
        f"{pct(_float(entry['synthetic_violation_share']))} "
        f"(real {pct(_float(entry['real_violation_share']))})"
    )


def _entry(
    rule: Invariant, checker: Checker, real: pd.DataFrame, synthetic: pd.DataFrame
) -> dict[str, Any]:
    in_real = checker.violations(real, rule)
    in_synthetic = checker.violations(synthetic, rule)
    return {
        "kind": rule.kind,
        "columns": list(rule.columns()),
        "description": rule.describe(),
        "real_violation_share": _share(in_real),
        "synthetic_violation_share": _share(in_synthetic),
        "synthetic_violating_rows": int(in_synthetic.sum()),
    }


def _share(mask: np.ndarray[Any, np.dtype[np.bool_]]) -> float:
    return float(mask.mean()) if len(mask) else math.nan


def _float(value: Any) -> float:
    return math.nan if isnan(value) else float(value)


def _require_columns(
    rules: Sequence[Invariant], real: pd.DataFrame, synthetic: pd.DataFrame
) -> None:
    for frame, side in ((real, "real"), (synthetic, "synthetic")):
        for rule in rules:
            missing = [c for c in rule.columns() if c not in frame.columns]
            if missing:
                raise QualityError(
                    f"the {side} table lacks column(s) {', '.join(missing)} of the rule "
                    f"'{rule.describe()}'; pass tables with those columns or leave the rule out"
                )


def _typed(frame: pd.DataFrame, metadata: TableMetadata) -> pd.DataFrame:
    """Dates as timestamps (UTC, naive) and numbers as numbers, as the metadata says."""
    out = {}
    for name in frame.columns:
        values = frame[name]
        meta = metadata.columns.get(name)
        kind = meta.kind if meta is not None else None
        if kind in ("datetime", "date_string"):
            values = _timestamps(values, meta.format if meta is not None else None)
        elif kind == "numerical" and not pd.api.types.is_numeric_dtype(values.dtype):
            values = pd.to_numeric(values, errors="coerce")
        out[name] = values
    return pd.DataFrame(out, index=frame.index)


def _timestamps(values: pd.Series, fmt: str | None) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fmt is not None:
                values = pd.to_datetime(values, format=fmt, errors="coerce")
            else:
                values = pd.to_datetime(values, errors="coerce", utc=True)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values
