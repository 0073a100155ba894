"""What the use-cases read: input tables, privacy plans, held-out rows, streamed Parquet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Union, overload

import numpy as np
import pandas as pd

from syndata.errors import ConfigError, Problem
from syndata.io import iter_batches, read_table

if TYPE_CHECKING:
    from syndata.privacy.plan import PrivacyPlan


STREAM_FIT_ROWS = 2_000_000  # Parquet inputs with more rows are fitted in two streaming passes
STREAMING_MODELS = ("gaussian_copula", "auto")  # models that learn large files in two passes


def read_frame(
    source: str | Path, *, db_url: str | None = None, table: str | None = None
) -> pd.DataFrame:
    """A whole input table as a pandas DataFrame (csv, json, jsonl, parquet or a db table)."""
    arrow = (
        read_table(source)
        if db_url is None
        else read_table(table or str(source), db_url=db_url, table=table)
    )
    frame: pd.DataFrame = arrow.to_pandas()
    return frame


def table_name_of(source: str | Path, table: str | None = None) -> str:
    """The table name for an input: the database table, else the file's stem."""
    return table or Path(str(source)).stem or "table"


PlanSource = Union["PrivacyPlan", str, Path, Mapping[str, object]]
"""A privacy plan, its file, or its plain data."""


@overload
def load_privacy_plan(
    plan: PlanSource, columns: Iterable[str] | None = None, table: str | None = None
) -> PrivacyPlan: ...


@overload
def load_privacy_plan(
    plan: None, columns: Iterable[str] | None = None, table: str | None = None
) -> None: ...


@overload
def load_privacy_plan(
    plan: PlanSource | None, columns: Iterable[str] | None = None, table: str | None = None
) -> PrivacyPlan | None: ...


def load_privacy_plan(
    plan: PlanSource | None,
    columns: Iterable[str] | None = None,
    table: str | None = None,
) -> PrivacyPlan | None:
    """A PrivacyPlan from a plan, its file or plain data (None stays None).

    The secrets its decisions need are resolved now (generated when not set), so a bad
    one stops the command before any work.
    """
    if plan is None:
        return None
    from syndata.privacy.masking import check_secrets
    from syndata.privacy.plan import PrivacyPlan, load_plan

    loaded = (
        plan if isinstance(plan, PrivacyPlan) else load_plan(plan, columns=columns, table=table)
    )
    check_secrets(loaded)
    return loaded


def masked(frames: Iterator[pd.DataFrame], plan: PrivacyPlan | None) -> Iterator[pd.DataFrame]:
    """The batches with the plan's masking applied (as is without a plan)."""
    if plan is None:
        yield from frames
        return
    from syndata.privacy.masking import mask_frame

    for frame in frames:
        yield mask_frame(frame, plan).frame


def check_holdout(holdout: float) -> None:
    """Refuse a held-out share outside [0, 1)."""
    if not 0 <= holdout < 1:
        raise ConfigError([Problem("holdout", f"holdout must be in [0, 1), got {holdout}")])


def split_rows(data: pd.DataFrame, holdout: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training rows and ``holdout`` of the rows held out (none under 50 rows)."""
    check_holdout(holdout)
    if holdout == 0 or len(data) < 50:
        return data, data.iloc[:0]
    test = data.sample(frac=holdout, random_state=seed)
    return data.drop(test.index), test


def stream_source(source: str | Path | pd.DataFrame, model: str) -> Path | None:
    """The Parquet file to fit in two streaming passes, or None to read it whole."""
    if isinstance(source, pd.DataFrame) or model not in STREAMING_MODELS:
        return None
    path = Path(str(source))
    if path.suffix.lower() not in (".parquet", ".pq") or not path.is_file():
        return None
    return path if parquet_rows(path) > STREAM_FIT_ROWS else None


def parquet_rows(path: Path) -> int:
    """Rows of a Parquet file, from its footer."""
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def parquet_frames(path: Path) -> Iterator[pd.DataFrame]:
    """A Parquet file as frames of 250,000 rows."""
    for batch in iter_batches(path, batch_size=250_000):
        yield batch.to_pandas()


def parquet_sample(path: Path, size: int, seed: int) -> pd.DataFrame:
    """A uniform sample of ``size`` rows of a Parquet file, read batch by batch."""
    rng = np.random.default_rng(seed)
    total = parquet_rows(path)
    keep = np.sort(rng.choice(total, min(size, total), replace=False))
    parts, offset = [], 0
    for frame in parquet_frames(path):
        inside = keep[(keep >= offset) & (keep < offset + len(frame))] - offset
        parts.append(frame.iloc[inside])
        offset += len(frame)
    return pd.concat(parts, ignore_index=True)
