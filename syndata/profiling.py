"""Profile a table: column kinds, statistics, shapes, keys, and the rules that remake it.

``profile_table(frame)`` profiles a DataFrame; ``profile_source(path)`` a csv, json,
jsonl or parquet file (or a database table), read batch by batch: inputs with more rows
than ``sample_size`` are profiled on a uniform random sample of that many rows, drawn by
reservoir sampling, so a file larger than memory can be profiled. The profile says how
many rows it looked at.

A ``Profile`` is written as JSON (everything), as YAML (a syndata config with the
inferred rules that ``syndata generate --config`` accepts as is) or as one self-contained
HTML page (``write_profile``).

Raw values of columns that may hold personal data (kinds id, text, email, phone, url,
uuid, postal_code) never appear in a profile: their top values are counts only, and their
charts show value lengths.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

from syndata.config import Config, parse_config
from syndata.errors import DataReadError, OutputError
from syndata.io.readers import iter_batches
from syndata.metadata import ColumnMetadata, TableMetadata, is_key
from syndata.privacy.disclosure import shown_counts
from syndata.rules.infer import describe, infer_column_config
from syndata.rules.infer_values import MAX_CHOICES

__all__ = [
    "HIDDEN_KINDS",
    "ColumnProfile",
    "Profile",
    "profile_source",
    "profile_table",
    "write_profile",
]

HIDDEN_KINDS = frozenset({"id", "text", "email", "phone", "url", "uuid", "postal_code"})
DEFAULT_SAMPLE_SIZE = 100_000
TOP_VALUES = 10
HISTOGRAM_BINS = 30
HIGH_NULL_SHARE = 0.5
QUANTILES = {"p1": 0.01, "p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95, "p99": 0.99}
KEY_KINDS = frozenset({"id", "uuid", "email"})
_FILE_MODE = 0o644  # mkstemp makes owner-only files; a report is an ordinary file
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
        return _jsonable(data)


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

    def mark_pii(self, findings: list[Any]) -> None:
        """Record PII findings: each column's entity, and a config rule that copies nothing.

        The column's config gets ``sensitivity: PII`` and a rule of Faker values of its
        kind (free text keeps its rule, which never copies text).
        """
        from syndata.rules.infer import pii_rule

        self.pii = [f.to_dict() for f in findings]
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
        }

    def to_json(self) -> str:
        """The profile as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_config(self, rows: int | None = None) -> Config:
        """A syndata config of one table with the inferred rules (PK on the primary key).

        ``rows`` defaults to the profiled table's row count.
        """
        columns = [dict(c.config) for c in self.columns]
        return parse_config(
            {
                "tables": [{"table_name": self.table, "columns": columns}],
                "rows": self.rows if rows is None else rows,
            },
            source=f"profile of {self.table}",
        )

    def to_yaml(self, rows: int | None = None) -> str:
        """The config of ``to_config`` as YAML, under a comment saying where it came from."""
        data = _whole_weights(self.to_config(rows).to_dict())
        where = self.source or f"table {self.table}"
        lines = [
            f"# syndata config inferred by profiling {where}",
            f"# ({self.sample_note}).",
            "# Generate:  syndata generate --config <this file>",
            "# Review before sharing: choice rules list the categories seen in the data.",
            "# Identifiers, e-mails, phones, URLs, UUIDs, postal codes and free text are",
            "# remade by rules and never copied.",
        ]
        as_dates = [c for c in self.columns if c.kind == "date_string"]
        for col in as_dates:
            lines.append(
                f"# '{col.name}' holds dates as text ({col.format}); it is generated "
                f"as {col.config.get('type')} values."
            )
        body = yaml.dump(data, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True, width=100)
        return "\n".join(lines) + "\n" + body

    def to_html(self) -> str:
        """The profile as one self-contained HTML page (inline CSS and SVG charts)."""
        from syndata.report_html import render_profile

        return render_profile(self)


def _whole_weights(data: Any) -> Any:
    """Config data with choice weights that are whole numbers (counts) written as integers."""
    if isinstance(data, dict):
        out = {k: _whole_weights(v) for k, v in data.items()}
        weights = out.get("weights")
        if isinstance(weights, list) and all(
            isinstance(w, float) and w.is_integer() for w in weights
        ):
            out["weights"] = [int(w) for w in weights]
        return out
    if isinstance(data, list):
        return [_whole_weights(v) for v in data]
    return data


class _ConfigDumper(yaml.SafeDumper):
    """YAML with short lists of plain values on one line (choice values, weights)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_ConfigDumper.add_representer(list, _represent_list)


# --------------------------------------------------------------------------- profiling


def profile_table(
    data: pd.DataFrame,
    name: str = "table",
    *,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    seed: int = 0,
    total_rows: int | None = None,
) -> Profile:
    """Profile a DataFrame (a uniform random sample of ``sample_size`` rows when larger).

    ``total_rows`` is the row count of the real table when ``data`` is already a sample
    of it (the profile then says so).
    """
    if sample_size < 1:
        raise ValueError(f"sample_size must be at least 1, got {sample_size}")
    if data.shape[1] == 0:
        raise DataReadError(f"table '{name}' has no columns; check the file's header")
    data = data.set_axis([str(c) for c in data.columns], axis=1)
    nested = [c for c in data.columns if data[c].dtype == object and _has_nested(data[c])]
    if nested:  # lists and mappings (from JSON) are profiled as their JSON text
        data = data.assign(**{c: data[c].map(_as_json_text) for c in nested})
    total = max(total_rows if total_rows is not None else len(data), len(data))
    sample = data
    if len(data) > sample_size:
        sample = data.sample(sample_size, random_state=seed).sort_index()
    sample = sample.reset_index(drop=True)
    metadata = TableMetadata.detect(sample, name, seed=seed)
    columns = [_column_profile(meta, sample[col], total) for col, meta in metadata.columns.items()]
    duplicates = _duplicate_rows(sample)
    profile = Profile(
        table=name,
        rows=total,
        sampled_rows=len(sample),
        sample_note=_sample_note(len(sample), total),
        columns=columns,
        primary_key=metadata.primary_key,
        metadata=metadata,
        duplicate_rows=duplicates,
    )
    profile.warnings = _warnings(profile)
    return profile


def profile_source(
    source: str | Path | None = None,
    *,
    db_url: str | None = None,
    table: str | None = None,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    seed: int = 0,
    pii: bool = True,
) -> Profile:
    """Profile a csv/json/jsonl/parquet file, or a database table (``db_url`` + ``table``).

    The input is read batch by batch; when it has more than ``sample_size`` rows a uniform
    random sample of that many is kept (reservoir sampling), so memory stays bounded.
    The table name is the database table, else the file's stem. With ``pii`` the columns
    holding personal data are found (``syndata.privacy.detect``) and marked.
    """
    if sample_size < 1:
        raise ValueError(f"sample_size must be at least 1, got {sample_size}")
    if source is None and (db_url is None or table is None):
        raise DataReadError("nothing to profile: pass a file, or db_url= with table=")
    location = source if source is not None else str(table)
    sample, total = _reservoir(
        iter_batches(location, _batch_size(sample_size), table=table, db_url=db_url),
        sample_size,
        seed,
    )
    name = table or Path(str(source)).stem or "table"
    frame = sample.to_pandas()
    profile = profile_table(frame, name, sample_size=sample_size, seed=seed, total_rows=total)
    profile.source = f"{table} in a database" if db_url else str(source)
    if pii:
        from syndata.privacy.detect import detect_pii

        profile.mark_pii(detect_pii(frame, seed=seed).findings)
    return profile


def _batch_size(sample_size: int) -> int:
    return int(min(max(sample_size, 10_000), 250_000))


def _reservoir(batches: Any, size: int, seed: int) -> tuple[pa.Table, int]:
    """A uniform random sample of ``size`` rows of a stream of tables, and the row count.

    Every row gets a random key; the rows with the ``size`` smallest keys are kept
    (bottom-k sampling, the batched form of reservoir sampling). The sample keeps the
    input's row order.
    """
    rng = np.random.default_rng(seed)
    kept: pa.Table | None = None
    keys = np.empty(0)
    positions = np.empty(0, dtype=np.int64)
    total = 0
    for batch in batches:
        n = batch.num_rows
        batch_keys = rng.random(n)
        batch_positions = np.arange(total, total + n, dtype=np.int64)
        total += n
        merged = batch if kept is None else _concat(kept, batch)
        all_keys = np.concatenate([keys, batch_keys])
        all_positions = np.concatenate([positions, batch_positions])
        if len(all_keys) > size:
            pick = np.argpartition(all_keys, size - 1)[:size]
            merged = merged.take(pa.array(pick))
            all_keys, all_positions = all_keys[pick], all_positions[pick]
        kept, keys, positions = merged, all_keys, all_positions
    if kept is None:
        raise DataReadError("the input holds no table")
    order = np.argsort(positions, kind="stable")
    return kept.take(pa.array(order)), total


def _concat(left: pa.Table, right: pa.Table) -> pa.Table:
    try:
        return pa.concat_tables([left, right], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise DataReadError(
            f"column types differ between parts of the input ({exc}); "
            "convert the file to one type per column"
        ) from exc


def _sample_note(sampled: int, total: int) -> str:
    if sampled < total:
        return f"profiled a uniform random sample of {sampled:,} of {total:,} rows"
    return f"profiled all {total:,} rows"


def _duplicate_rows(sample: pd.DataFrame) -> int:
    if len(sample) == 0:
        return 0
    try:
        return int(sample.duplicated().sum())
    except TypeError:  # unhashable cells (lists, dicts from JSON)
        return int(sample.astype(str).duplicated().sum())


def _has_nested(values: pd.Series) -> bool:
    return bool(
        values.head(1000).map(lambda v: isinstance(v, list | dict | set | tuple | np.ndarray)).any()
    )


def _as_json_text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, set):
        value = sorted(value, key=str)
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def _hashable(values: pd.Series) -> pd.Series:
    try:
        values.nunique()
    except TypeError:
        return values.map(_as_json_text)
    return values


def _column_profile(meta: ColumnMetadata, values: pd.Series, total: int) -> ColumnProfile:
    values = _hashable(values)
    present = values.dropna()
    nulls = len(values) - len(present)
    distinct = int(present.nunique())
    config = infer_column_config(meta, values, rows=total)
    col = ColumnProfile(
        name=meta.name,
        kind=meta.kind,
        dtype=meta.dtype,
        null_share=nulls / len(values) if len(values) else 0.0,
        distinct=distinct,
        unique=bool(len(present) and distinct == len(present)),
        nulls=nulls,
        candidate_primary_key=meta.kind in KEY_KINDS and is_key(values),
        rule=config.get("rule"),
        format=meta.format,
        config=config,
    )
    if col.hidden:  # counts and lengths only: no raw value
        col.top_values = _top_values(present.value_counts(), len(values), hide=True)
        col.histogram = _length_histogram(present)
        col.pattern = describe(meta, values)
        return col
    if meta.dtype in ("int", "float", "decimal") and meta.kind != "boolean":
        _number_stats(col, present)
    elif meta.kind in ("datetime", "date_string") or meta.dtype in ("date", "datetime"):
        _date_stats(col, present, meta.format if meta.kind == "date_string" else None)
    counts = present.value_counts()
    shown = shown_counts(
        counts
    )  # the disclosure rule: a value seen fewer than k times is never listed
    col.top_values = _top_values(shown, len(values), hide=False)
    col.rare_values = len(counts) - len(shown) if meta.kind in ("categorical", "text") else 0
    if meta.kind == "date_string":
        col.pattern = meta.format
    return col


def _top_values(counts: pd.Series, rows: int, hide: bool) -> list[dict[str, Any]]:
    """The most frequent of ``counts`` (value -> count), without the values when ``hide``."""
    out = []
    for value, count in counts.head(TOP_VALUES).items():
        item: dict[str, Any] = {} if hide else {"value": _jsonable(value)}
        item["count"] = int(count)
        item["share"] = int(count) / rows if rows else 0.0
        out.append(item)
    return out


def _number_stats(col: ColumnProfile, present: pd.Series) -> None:
    x = pd.to_numeric(present, errors="coerce").astype(float).to_numpy()
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return
    as_int = col.dtype == "int"
    col.min = int(x.min()) if as_int else float(x.min())
    col.max = int(x.max()) if as_int else float(x.max())
    col.mean = float(x.mean())
    col.std = float(x.std(ddof=1)) if len(x) > 1 else 0.0
    qs = np.quantile(x, list(QUANTILES.values()))
    col.quantiles = {k: float(v) for k, v in zip(QUANTILES, qs, strict=True)}
    col.histogram = _number_histogram(x, as_int)


def _number_histogram(x: np.ndarray, as_int: bool) -> dict[str, Any]:
    lo, hi = float(x.min()), float(x.max())
    if as_int and hi - lo + 1 <= HISTOGRAM_BINS:
        edges = np.arange(lo - 0.5, hi + 1.5)
    elif hi == lo:
        edges = np.array([lo - 0.5, hi + 0.5])
    else:
        edges = np.histogram_bin_edges(x, bins=min(HISTOGRAM_BINS, max(len(np.unique(x)), 1)))
    counts, edges = np.histogram(x, bins=edges)
    return {"of": "values", "edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def _stamps(present: pd.Series, fmt: str | None) -> pd.Series:
    if fmt is not None:
        parsed = pd.to_datetime(present.astype(str), format=fmt, errors="coerce")
    elif pd.api.types.is_datetime64_any_dtype(present.dtype):
        parsed = present
    else:
        parsed = pd.to_datetime(present, errors="coerce", format="mixed")
    parsed = pd.Series(parsed).dropna()
    if len(parsed) and getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed


def _date_stats(col: ColumnProfile, present: pd.Series, fmt: str | None) -> None:
    stamps = _stamps(present, fmt)
    if len(stamps) == 0:
        return
    as_date = col.config.get("type", col.dtype) == "date"

    def text(stamp: pd.Timestamp) -> str:
        return stamp.date().isoformat() if as_date else stamp.isoformat()

    ns = stamps.astype("datetime64[ns]").astype("int64").to_numpy()
    col.min, col.max = text(stamps.min()), text(stamps.max())
    col.mean = text(pd.Timestamp(int(ns.mean())))
    col.std = str(pd.Timedelta(int(ns.std(ddof=1)) if len(ns) > 1 else 0, unit="ns").round("s"))
    qs = np.quantile(ns, list(QUANTILES.values()))
    col.quantiles = {k: text(pd.Timestamp(int(v))) for k, v in zip(QUANTILES, qs, strict=True)}
    lo, hi = int(ns.min()), int(ns.max())
    bins = HISTOGRAM_BINS if hi > lo else 1
    counts, edges = np.histogram(ns, bins=bins, range=(lo, hi if hi > lo else lo + 1))
    col.histogram = {
        "of": "values",
        "edges": [text(pd.Timestamp(int(e))) for e in edges],
        "counts": [int(c) for c in counts],
    }


def _length_histogram(present: pd.Series) -> dict[str, Any] | None:
    if len(present) == 0:
        return None
    lengths = present.astype(str).str.len().to_numpy()
    hist = _number_histogram(lengths.astype(float), as_int=True)
    hist["of"] = "length"
    return hist


def _warnings(profile: Profile) -> list[str]:
    out = []
    if profile.sampled_rows < profile.rows:
        out.append(f"{profile.sample_note}; statistics are estimates")
    for col in profile.columns:
        if col.distinct == 0:
            out.append(f"column '{col.name}' is empty (only nulls)")
            continue
        if col.distinct == 1 and profile.sampled_rows > 1:
            out.append(f"column '{col.name}' is constant (a single distinct value)")
        if col.null_share >= HIGH_NULL_SHARE:
            out.append(f"column '{col.name}' is {col.null_share:.0%} null")
        if col.kind == "categorical" and col.distinct > MAX_CHOICES:
            out.append(
                f"column '{col.name}' has {col.distinct:,} categories; the config keeps "
                f"the {MAX_CHOICES:,} most frequent"
            )
        if col.kind == "date_string":
            out.append(
                f"column '{col.name}' holds dates as text ({col.format}); the config "
                f"generates {col.config.get('type')} values"
            )
    if profile.duplicate_rows:
        share = profile.duplicate_rows / max(profile.sampled_rows, 1)
        out.append(f"{profile.duplicate_rows:,} duplicate rows ({share:.1%} of the profiled rows)")
    return out


# --------------------------------------------------------------------------- output


def write_profile(profile: Profile, output: str | Path, fmt: str | None = None) -> Path:
    """Write the profile as JSON, YAML (a config) or HTML; atomically (temp file, rename).

    The format is ``fmt`` (json, yaml, yml, html) or else the extension of ``output``.
    """
    path = Path(output)
    key = f".{fmt.lower().lstrip('.')}" if fmt else path.suffix.lower()
    kind = PROFILE_FORMATS.get(key)
    if kind is None:
        raise OutputError(
            f"cannot write the profile to {path}: unknown format "
            f"{(fmt or path.suffix or '(none)')!r}; use one of "
            f"{', '.join(PROFILE_FORMATS)}"
        )
    text = {"json": profile.to_json, "yaml": profile.to_yaml, "html": profile.to_html}[kind]()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else _FILE_MODE)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(
            f"cannot write the profile to {path}: {exc.strerror or exc}; "
            "check the folder exists and is writable"
        ) from exc
    return path


def _jsonable(value: Any) -> Any:
    """``value`` with numpy, pandas, date and Decimal values as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def kind_counts(profile: Profile) -> dict[str, int]:
    """How many columns of each kind the profile has."""
    return dict(Counter(c.kind for c in profile.columns).most_common())
