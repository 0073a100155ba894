"""What happens to personal data before a model learns from a table.

``guard(frame, plan)`` finds the PII columns (``detect_pii``), checks that the privacy
plan decides each one, applies the plan's ``mask`` and ``drop`` decisions and returns
the columns to ``regenerate`` (the model never learns them: the synthetic output gets
Faker values of the matching entity). A direct identifier (``syndata.privacy.entities``)
without a decision stops the fit with a ``PrivacyError`` that lists the columns and the
choices, unless ``undecided`` is ``"regenerate"`` (regenerate every undecided one: the
safe default). Quasi-identifiers (states, cities, dates of birth) without a decision are
learned as data, under the rare-value rule, and listed in ``Guarded.quasi``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from syndata.errors import ConfigError, PrivacyError, Problem
from syndata.privacy.detect import detect_pii
from syndata.privacy.pii_findings import PiiReport
from syndata.privacy.plan import PrivacyPlan

UNDECIDED = ("stop", "regenerate")
CHOICES = (
    "mask (with an operator: fake, hash, partial, redact, generalize, encrypt, anonymize_text)",
    "regenerate (Faker values of the same kind)",
    "allow (learn the values as they are)",
    "drop",
)


@dataclass
class Guarded:
    """A table made ready for learning, and what was done to it."""

    frame: pd.DataFrame
    findings: PiiReport
    regenerate: dict[str, str] = field(default_factory=dict)  # column -> entity
    masked: dict[str, str] = field(default_factory=dict)  # column -> operator
    dropped: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    @property
    def quasi(self) -> dict[str, str]:
        """Quasi-identifiers learned as data (column -> entity), for the review."""
        handled = {*self.regenerate, *self.masked, *self.dropped}
        return {
            f.column: f.entity
            for f in self.findings.findings
            if f.identifier == "quasi" and f.column not in handled
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports (names and counts only, never values)."""
        return {
            "findings": self.findings.to_dict(),
            "regenerated": dict(self.regenerate),
            "masked": dict(self.masked),
            "dropped": list(self.dropped),
            "allowed": list(self.allowed),
            "quasi_identifiers": self.quasi,
        }


def guard(
    frame: pd.DataFrame,
    plan: PrivacyPlan | None = None,
    *,
    table: str | None = None,
    undecided: str = "stop",
    sample_size: int = 200,
    seed: int = 0,
    findings: PiiReport | None = None,
    name: str | None = None,
) -> Guarded:
    """Detect PII in ``frame`` and apply ``plan``; see the module docstring.

    ``table`` names the table in a multi-table plan; ``name`` names it in messages.
    """
    if undecided not in UNDECIDED:
        raise ConfigError(
            [
                Problem(
                    "pii",
                    f"unknown choice {undecided!r} for undecided PII columns",
                    f"use one of {', '.join(UNDECIDED)}",
                )
            ]
        )
    report = findings or detect_pii(frame, sample_size=sample_size, seed=seed)
    decisions = plan.decisions(table) if plan is not None else {}
    if plan is not None:
        plan.check(list(frame.columns), table=table)
    open_columns = {
        f.column: f.entity
        for f in report.findings
        if f.column not in decisions and f.identifier == "direct"
    }
    if open_columns and undecided == "stop":
        raise PrivacyError(_refusal(open_columns, name or table), open_columns)
    out = Guarded(frame, report)
    if plan is not None and any(d.action in ("mask", "drop") for d in decisions.values()):
        from syndata.privacy.masking import mask_frame

        result = mask_frame(frame, plan, table=table)
        out.frame = result.frame
        out.masked = {c: r.operator for c, r in result.columns.items() if c in out.frame}
    for column, decision in decisions.items():
        if decision.action == "drop" or (decision.action == "mask" and column not in out.frame):
            out.dropped.append(column)
        elif decision.action == "regenerate":
            found = report.get(column)
            out.regenerate[column] = decision.entity or (found.entity if found else "TEXT")
        elif decision.action == "allow":
            out.allowed.append(column)
    out.regenerate.update(open_columns)
    return out


def _refusal(columns: Mapping[str, str], table: str | None) -> str:
    where = f"table '{table}' holds" if table else "the table holds"
    listed = ", ".join(f"{c} ({e})" for c, e in columns.items())
    return (
        f"{where} personal data that no privacy plan decides: {listed}. Decide per "
        f"column: {'; '.join(CHOICES)}. Write the decisions in a plan "
        "(syndata privacy scan --data ... --output plan.yaml proposes one) and pass "
        "--plan plan.yaml, or pass --pii regenerate to regenerate every undecided PII "
        "column with Faker values"
    )
