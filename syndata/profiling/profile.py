"""A table's profile (``Profile``) and its columns' (``ColumnProfile``): data, config, text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import yaml

from syndata.config import Config, parse_config
from syndata.consistency import Invariant
from syndata.metadata import TableMetadata
from syndata.quality.common import json_safe

HIDDEN_KINDS = frozenset({"id", "text", "email", "phone", "url", "uuid", "postal_code"})
DEFAULT_SAMPLE_SIZE = 100_000
TOP_VALUES = 10
HISTOGRAM_BINS = 30
HIGH_NULL_SHARE = 0.5
QUANTILES = {"p1": 0.01, "p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95, "p99": 0.99}
KEY_KINDS = frozenset({"id", "uuid", "email"})
FILE_MODE = 0o644  # mkstemp makes owner-only files; a report is an ordinary file
PROFILE_FORMATS = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".html": "html",
    ".htm": "html",
}


@dataclass
class ColumnProfile:
    """Statistics of one column and the rule inferred for it.

    ``min``/``max``/``mean``/``std``/``quantiles``/``histogram`` are for numbers and dates
    (dates as ISO text, ``std`` of dates as a duration); ``top_values`` lists
    ``{value, count, share}`` (share of all profiled rows) without ``value`` for the
    ``HIDDEN_KINDS``, whose ``histogram`` is of value lengths instead.
    """

    name: str
    kind: str
    dtype: str
    null_share: float
    distinct: int
    unique: bool
    nulls: int = 0
    min: Any = None
    max: Any = None
    mean: Any = None
    std: Any = None
    quantiles: dict[str, Any] | None = None
    top_values: list[dict[str, Any]] = field(default_factory=list)
    histogram: dict[str, Any] | None = None
    pattern: str | None = None
    candidate_primary_key: bool = False
    rule: dict[str, Any] | None = None
    format: str | None = None
    pii: str | None = None  # the personal-data entity found in the column, if any
    identifier: str | None = None  # "direct" or "quasi" when ``pii`` is set
    rare_values: int = 0  # distinct values seen fewer than k times: never listed
    config: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def hidden(self) -> bool:
        """True when raw values are withheld (the column may hold personal data)."""
        return self.kind in HIDDEN_KINDS or self.identifier == "direct"

    def withhold(self, identifier: str) -> None:
        """Apply the disclosure rule to a column flagged as personal data.

        A direct identifier keeps counts and shapes only (value lengths, no value, no
        number); a quasi-identifier keeps its frequent values, mean and spread but not its
        extremes or quantiles, which are single people's values.
        """
        self.identifier = identifier
        self.min = self.max = self.quantiles = None
        if self.histogram is not None and self.histogram.get("of") != "length":
            self.histogram = None  # its edges run from the min to the max
        if identifier == "direct":
            self.mean = self.std = None
            self.top_values = [
                {k: v for k, v in t.items() if k != "value"} for t in self.top_values
            ]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-compatible data (the config column is left out)."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "config"}
        data["hidden_values"] = self.hidden
        data["config_type"] = self.config.get("type", self.dtype)
        plain: dict[str, Any] = jsonable(data)
        return plain


@dataclass
class Profile:
    """A table's profile: its columns, key, metadata, sample and warnings."""

    table: str
    rows: int
    sampled_rows: int
    sample_note: str
    columns: list[ColumnProfile]
    primary_key: str | None
    metadata: TableMetadata
    warnings: list[str] = field(default_factory=list)
    duplicate_rows: int = 0
    source: str | None = None
    pii: list[dict[str, Any]] = field(default_factory=list)  # findings (no values)
    invariants: list[Invariant] = field(default_factory=list)  # rules every row obeys

    def mark_pii(self, findings: list[Any]) -> None:
        """Record PII findings: each column's entity, and a config rule that copies nothing.

        The column's config gets ``sensitivity: PII`` and a rule of Faker values of its
        kind (free text keeps its rule, which never copies text).
        """
        from syndata.rules.infer import pii_rule

        self.pii = [f.to_dict() for f in findings]
        personal = {f.column for f in findings}
        self.invariants = [i for i in self.invariants if not personal & set(i.columns())]
        for finding in findings:
            col = self.column(finding.column)
            col.pii = finding.entity
            col.withhold(finding.identifier)
            col.config["sensitivity"] = "PII"
            learned_choice = (
                finding.identifier == "quasi" and (col.rule or {}).get("type") == "choice"
            )  # frequent values only: learned as data
            if (
                finding.kind != "free_text"
                and not col.config.get("constraints")
                and not learned_choice
            ):
                col.config["rule"] = col.rule = pii_rule(finding.entity)
                col.config["type"] = "date" if col.rule["type"] == "date_of_birth" else "str"

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name`` (KeyError when there is none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-compatible data."""
        return {
            "table": self.table,
            "source": self.source,
            "rows": self.rows,
            "sampled_rows": self.sampled_rows,
            "sample_note": self.sample_note,
            "primary_key": self.primary_key,
            "duplicate_rows": self.duplicate_rows,
            "warnings": list(self.warnings),
            "columns": [c.to_dict() for c in self.columns],
            "metadata": self.metadata.to_dict(),
            "pii": list(self.pii),
            "invariants": [i.to_dict() for i in self.invariants],
        }

    def to_json(self) -> str:
        """The profile as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_config(self, rows: int | None = None) -> Config:
        """A syndata config of one table with the inferred rules (PK on the primary key).

        ``rows`` defaults to the profiled table's row count.
        """
        from syndata.consistency.declared import to_spec

        columns = [dict(c.config) for c in self.columns]
        dates = {c.name for c in self.columns if c.kind in ("datetime", "date_string")}
        specs = [to_spec(i, dates) for i in self.invariants]
        table: dict[str, Any] = {"table_name": self.table, "columns": columns}
        if any(specs):
            table["constraints"] = [s for s in specs if s]
        return parse_config(
            {
                "tables": [table],
                "rows": self.rows if rows is None else rows,
            },
            source=f"profile of {self.table}",
        )

    def to_yaml(self, rows: int | None = None) -> str:
        """The config of ``to_config`` as YAML, under a comment saying where it came from."""
        data = whole_weights(self.to_config(rows).to_dict())
        where = self.source or f"table {self.table}"
        lines = [
            f"# syndata config inferred by profiling {where}",
            f"# ({self.sample_note}).",
            "# Generate:  syndata generate --config <this file>",
            "# Review before sharing: choice rules list the categories seen in the data.",
            "# Identifiers, e-mails, phones, URLs, UUIDs, postal codes and free text are",
            "# remade by rules and never copied.",
            "# constraints: the rules every profiled row obeys; generated rows keep them.",
            "# Edit or delete any; combinations are kept when a model learns the data.",
        ]
        as_dates = [c for c in self.columns if c.kind == "date_string"]
        for col in as_dates:
            lines.append(
                f"# '{col.name}' holds dates as text ({col.format}); it is generated "
                f"as {col.config.get('type')} values."
            )
        body = yaml.dump(data, Dumper=ConfigDumper, sort_keys=False, allow_unicode=True, width=100)
        return "\n".join(lines) + "\n" + body

    def to_html(self) -> str:
        """The profile as one self-contained HTML page (inline CSS and SVG charts)."""
        from syndata.report_html import render_profile

        return render_profile(self)


def whole_weights(data: Any) -> Any:
    """Config data with choice weights that are whole numbers (counts) written as integers."""
    if isinstance(data, dict):
        out = {k: whole_weights(v) for k, v in data.items()}
        weights = out.get("weights")
        if isinstance(weights, list) and all(
            isinstance(w, float) and w.is_integer() for w in weights
        ):
            out["weights"] = [int(w) for w in weights]
        return out
    if isinstance(data, list):
        return [whole_weights(v) for v in data]
    return data


class ConfigDumper(yaml.SafeDumper):
    """YAML with short lists of plain values on one line (choice values, weights)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


ConfigDumper.add_representer(list, _represent_list)


def jsonable(value: Any) -> Any:
    """``value`` with numpy, pandas, date and Decimal values as plain JSON values."""
    return json_safe(value, _plain)


def _plain(value: Any) -> Any:
    """One value as JSON: dates as ISO text, Decimal as float, bytes as hex, else text."""
    if isinstance(value, datetime | date):  # pandas Timestamps too
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, str | int | bool | float):
        return value
    return str(value)
