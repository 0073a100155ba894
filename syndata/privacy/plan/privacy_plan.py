"""The privacy plan: per column (and per table, for several tables) what to do with real values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from syndata.errors import ConfigError, Problem
from syndata.privacy.plan.checks import data_problems
from syndata.privacy.plan.decision import ColumnPlan
from syndata.privacy.plan.proposal import propose


class TablePlan(BaseModel):
    """The decisions of one table of a multi-table plan."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, ColumnPlan] = Field(default_factory=dict)


class PrivacyPlan(BaseModel):
    """Per column (and per table, for several tables) what to do with real values."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, ColumnPlan] = Field(default_factory=dict)
    tables: dict[str, TablePlan] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_shape(self) -> PrivacyPlan:
        if self.columns and self.tables:
            raise ValueError("a plan has either 'columns' (one table) or 'tables', not both")
        return self

    def decisions(self, table: str | None = None) -> dict[str, ColumnPlan]:
        """The decisions of ``table`` by column (a one-table plan applies to any table).

        A plan with several tables needs ``table``; one not in the plan has no decisions.
        """
        if not self.tables:
            return dict(self.columns)
        if table is None:
            if len(self.tables) == 1:
                return dict(next(iter(self.tables.values())).columns)
            raise ConfigError(
                [
                    Problem(
                        "tables",
                        "this plan covers several tables "
                        f"({', '.join(self.tables)}) and no table was named",
                        "pass the table's name (table=...)",
                    )
                ]
            )
        found = self.tables.get(table)
        return dict(found.columns) if found is not None else {}

    def decision(self, column: str, table: str | None = None) -> ColumnPlan | None:
        """The decision for ``column`` (of ``table``), or None when the plan has none."""
        return self.decisions(table).get(column)

    def check(
        self, columns: Iterable[Any] | Mapping[str, Iterable[Any]], table: str | None = None
    ) -> None:
        """Raise ConfigError when the plan names columns (or tables) the data lacks.

        ``columns`` is one table's column names (or a DataFrame), with ``table`` naming it
        in a multi-table plan, or a mapping of every table name to its column names.
        """
        problems = data_problems(self, columns, table)
        if problems:
            raise ConfigError(problems)

    def to_dict(self) -> dict[str, Any]:
        """Plain data as a plan file holds it."""
        if self.tables:
            return {
                "tables": {t: {"columns": _columns_dict(p.columns)} for t, p in self.tables.items()}
            }
        return {"columns": _columns_dict(self.columns)}

    @classmethod
    def default_for(cls, findings: Iterable[Any], table: str | None = None) -> PrivacyPlan:
        """The plan proposed from PII findings, for users to review.

        Each finding has ``.column``, ``.entity`` and ``.suggested_operator`` (or
        ``.operator``, as ``syndata.privacy.detect.PiiFinding``), and may have ``.table``.
        The suggested operator becomes the column's decision with default parameters; a
        column with several findings gets ``anonymize_text`` when one suggests it (free
        text), else the first finding's suggestion. A suggestion that cannot apply
        (``fake`` of an entity with no Faker provider, unknown names) becomes ``redact``,
        with a note saying why.
        """
        grouped: dict[str | None, dict[str, list[Any]]] = {}
        for finding in findings:
            name = getattr(finding, "table", None) or table
            grouped.setdefault(name, {}).setdefault(str(finding.column), []).append(finding)
        proposals = {
            name: {col: propose(found) for col, found in cols.items()}
            for name, cols in grouped.items()
        }
        if not proposals:
            return cls(tables={table: TablePlan()}) if table else cls()
        if set(proposals) == {None}:
            return cls(columns=proposals[None])
        if None in proposals:
            raise ValueError("some findings name a table and some do not; pass table=...")
        return cls(tables={str(t): TablePlan(columns=c) for t, c in proposals.items()})


def _columns_dict(columns: Mapping[str, ColumnPlan]) -> dict[str, Any]:
    return {name: plan.to_dict() for name, plan in columns.items()}
