"""The privacy report of one synthetic table: copies, DCR and attacks, and the verdict."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from syndata.metadata import TableMetadata
from syndata.privacy.metrics import copy_report
from syndata.privacy.risk.attacks import ATTACK_ROWS, anonymeter_report
from syndata.privacy.risk.columns import modelled_columns
from syndata.privacy.risk.dcr import DCR_QUERIES, DCR_ROWS, dcr_report
from syndata.privacy.risk.verdict import Check, privacy_verdict
from syndata.quality import json_safe

REPORT_ATTACKS = 200  # privacy_report's n_attacks


@dataclass
class PrivacyReport:
    """Copies, DCR and attack risks of a synthetic table, and the verdict on them."""

    verdict: str
    checks: list[Check]
    copies: dict[str, Any]
    dcr: dict[str, Any]
    anonymeter: dict[str, Any] | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-compatible: NaN becomes None)."""
        data: dict[str, Any] = json_safe(asdict(self))
        return data

    def summary(self) -> str:
        """The verdict, then one line per check, in plain words."""
        lines = [f"Privacy verdict: {self.verdict.upper()}"]
        lines += [f"- {c.verdict}: {c.reason}" for c in self.checks]
        return "\n".join(lines)

    def reasons(self, verdict: str | None = None) -> list[str]:
        """The checks' reasons (only those with ``verdict`` when given)."""
        return [c.reason for c in self.checks if verdict is None or c.verdict == verdict]


def privacy_report(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    metadata: TableMetadata | None = None,
    max_rows: int = DCR_ROWS,
    max_queries: int = DCR_QUERIES,
    attacks: bool = True,
    n_attacks: int = REPORT_ATTACKS,
    attack_rows: int = ATTACK_ROWS,
    aux_columns: tuple[list[str], list[str]] | None = None,
    secret: str | Sequence[str] | None = None,
    seed: int = 0,
) -> PrivacyReport:
    """Copies, DCR and (with ``attacks``) anonymeter's attacks, and their verdict.

    ``train`` is what the synthesizer was fitted on, ``holdout`` real rows it never saw.
    Copies are counted on the modelled columns (regenerated ids would hide copies).
    ``max_rows`` and ``max_queries`` size the DCR (see ``dcr_report``), ``attack_rows`` the
    tables given to anonymeter, ``n_attacks`` its attacks.
    """
    started = time.perf_counter()
    columns = modelled_columns(train, holdout, synthetic, metadata, seed)
    metadata = TableMetadata("table", dict(columns))
    copies = copy_report(train, holdout, synthetic, columns=list(columns), seed=seed)
    seconds = {"copies": time.perf_counter() - started}
    mark = time.perf_counter()
    dcr = dcr_report(
        train,
        holdout,
        synthetic,
        metadata=metadata,
        max_rows=max_rows,
        max_queries=max_queries,
        seed=seed,
    )
    seconds["dcr"] = time.perf_counter() - mark
    risks = None
    if attacks:
        mark = time.perf_counter()
        risks = anonymeter_report(
            train,
            holdout,
            synthetic,
            n_attacks=n_attacks,
            seed=seed,
            aux_columns=aux_columns,
            secret=secret,
            metadata=metadata,
            max_rows=attack_rows,
        )
        seconds["attacks"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    verdict, checks = privacy_verdict(copies, dcr, risks)
    return PrivacyReport(verdict, checks, copies, dcr, risks, seconds)
