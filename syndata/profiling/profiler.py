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

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from syndata.consistency import discover
from syndata.errors import DataReadError
from syndata.io.readers import iter_batches
from syndata.metadata import TableMetadata
from syndata.profiling.columns import as_json_text, column_profile, has_nested
from syndata.profiling.profile import DEFAULT_SAMPLE_SIZE, HIGH_NULL_SHARE, Profile
from syndata.rules.infer_values import MAX_CHOICES


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
    nested = [c for c in data.columns if data[c].dtype == object and has_nested(data[c])]
    if nested:  # lists and mappings (from JSON) are profiled as their JSON text
        data = data.assign(**{c: data[c].map(as_json_text) for c in nested})
    total = max(total_rows if total_rows is not None else len(data), len(data))
    sample = data
    if len(data) > sample_size:
        sample = data.sample(sample_size, random_state=seed).sort_index()
    sample = sample.reset_index(drop=True)
    metadata = TableMetadata.detect(sample, name, seed=seed)
    columns = [column_profile(meta, sample[col], total) for col, meta in metadata.columns.items()]
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
        invariants=discover(sample, seed=seed, exclude=[c.name for c in columns if c.hidden]),
    )
    profile.warnings = profile_warnings(profile)
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


def profile_warnings(profile: Profile) -> list[str]:
    """What a reader of the profile should look at: empty, constant, null-heavy columns..."""
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
