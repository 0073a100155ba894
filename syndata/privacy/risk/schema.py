"""The privacy report of a relational schema: one report per table, the worst table's verdict."""

from __future__ import annotations

import time
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from syndata.errors import QualityError
from syndata.metadata import Metadata, TableMetadata
from syndata.privacy.risk.report import PrivacyReport, privacy_report
from syndata.privacy.risk.verdict import PASS, Check, worst
from syndata.quality import json_safe

MIN_SCHEMA_HOLDOUT = 10  # held-out rows a schema's table needs to be measured


@dataclass
class SchemaPrivacyReport:
    """A privacy report per table of a schema, and one verdict: the worst table's."""

    verdict: str
    tables: dict[str, PrivacyReport]
    not_measured: dict[str, str]  # table -> why it has no report
    rows: dict[str, dict[str, int]]  # table -> training and held-out rows
    seconds: float = 0.0

    def checks(self) -> list[Check]:
        """Every table's checks, each part named ``table: part``."""
        return [
            Check(f"{name}: {c.part}", c.verdict, c.reason)
            for name, report in self.tables.items()
            for c in report.checks
        ]

    def summary(self) -> str:
        """The verdict, then per table its verdict and the checks that did not pass."""
        worst = [n for n, r in self.tables.items() if r.verdict == self.verdict]
        measured = len(self.tables)
        head = f"Privacy verdict: {self.verdict.upper()}"
        if measured:
            head += (
                f" (the worst of {measured} table{'s' if measured > 1 else ''} "
                f"measured: {', '.join(worst)})"
                if worst
                else f" ({measured} table{'s' if measured > 1 else ''} measured)"
            )
        lines = [head]
        for name, report in self.tables.items():
            others = [c for c in report.checks if c.verdict != PASS]
            passed = len(report.checks) - len(others)
            if not others:
                lines.append(f"- {name}: {report.verdict}: all {passed} checks passed")
                continue
            lines.append(
                f"- {name}: {report.verdict}"
                + (f" ({passed} of {len(report.checks)} checks passed)" if passed else "")
            )
            lines += [f"- {name}: {c.verdict}: {c.reason}" for c in others]
        lines += [f"- {name}: not measured: {why}" for name, why in self.not_measured.items()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible): the verdict, summary, checks and each table's report."""
        data: dict[str, Any] = json_safe(
            {
                "verdict": self.verdict,
                "summary": self.summary(),
                "checks": [asdict(c) for c in self.checks()],
                "tables": {n: r.to_dict() for n, r in self.tables.items()},
                "not_measured": dict(self.not_measured),
                "rows": self.rows,
                "seconds": self.seconds,
            }
        )
        return data


def schema_privacy_report(
    train: Mapping[str, pd.DataFrame],
    holdout: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    *,
    metadata: Metadata,
    attacks: bool = True,
    reasons: Mapping[str, str] | None = None,
    seed: int = 0,
) -> SchemaPrivacyReport:
    """``privacy_report`` for each table of ``metadata``, and the schema's verdict.

    ``train`` holds the rows each table's model was fitted on, ``holdout`` real rows it
    never saw (a table may have none), ``synthetic`` the sampled tables. A table is not
    measured, with the reason, when it has fewer than ``MIN_SCHEMA_HOLDOUT`` held-out rows
    (``reasons`` says why, when the split held none out on purpose), no modelled column
    (keys are left out) or no synthetic rows. The verdict is the worst measured table's
    (pass, warn, fail); without any, ``inconclusive`` or ``skipped`` as in
    ``privacy_verdict``.
    """
    started = time.perf_counter()
    reports: dict[str, PrivacyReport] = {}
    not_measured: dict[str, str] = {}
    rows: dict[str, dict[str, int]] = {}
    for name in metadata.order():
        real, held = train[name], holdout.get(name, train[name].iloc[:0])
        rows[name] = {"train": len(real), "holdout": len(held)}
        if len(held) < MIN_SCHEMA_HOLDOUT:
            not_measured[name] = (reasons or {}).get(name) or (
                f"{len(held)} held-out rows, too few to compare (at least "
                f"{MIN_SCHEMA_HOLDOUT} are needed)"
            )
            continue
        try:
            reports[name] = privacy_report(
                real,
                held,
                synthetic[name],
                metadata=_keys_left_out(metadata, name),
                attacks=attacks,
                seed=seed,
            )
        except QualityError as exc:
            not_measured[name] = str(exc)
    verdict = worst(r.verdict for r in reports.values())
    return SchemaPrivacyReport(verdict, reports, not_measured, rows, time.perf_counter() - started)


def _keys_left_out(metadata: Metadata, table: str) -> TableMetadata:
    """A table's metadata with its foreign keys as ids (regenerated, so not compared)."""
    out = deepcopy(metadata.tables[table])
    for rel in metadata.parents_of(table):
        if rel.child_key in out.columns:
            out.columns[rel.child_key].kind = "id"
    return out
