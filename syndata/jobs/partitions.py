"""Large single-table samples in row partitions, run by several workers at once.

Partition *i* is seeded from (job seed, *i*) (``partition_seed``), so the output does not
depend on how many workers run it; each partition writes its own Parquet part
(``run_partition``) and ``merge_partitions`` gives the job's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from syndata import pipeline
from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import ConfigError, Problem
from syndata.io import ParquetSink, TableSpec
from syndata.jobs.checks import check_params
from syndata.jobs.params import LogFn, ProgressFn, SampleParams
from syndata.jobs.results import merge_partition_results, save_part_result, save_result
from syndata.jobs.runner import outputs_of, reporter


@dataclass(frozen=True)
class Partition:
    """Rows ``start`` to ``start + rows`` of a sample job, sampled with ``seed``."""

    index: int
    start: int
    rows: int
    seed: int


def partition_seed(seed: int, index: int) -> int:
    """The seed of partition ``index`` of a job seeded ``seed`` (independent of workers)."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def partitions(rows: int, size: int, seed: int) -> list[Partition]:
    """``rows`` split into partitions of ``size`` rows (the last may be shorter)."""
    if rows < 1 or size < 1 or seed < 0:
        raise ConfigError(
            [
                Problem(
                    "rows",
                    f"cannot split {rows} rows into partitions of {size} with seed {seed}",
                    "rows and size must be positive, the seed not negative",
                )
            ]
        )
    return [
        Partition(i, start, min(size, rows - start), partition_seed(seed, i))
        for i, start in enumerate(range(0, rows, size))
    ]


class _PartSink(ParquetSink):
    """Writes a table to ``<root>/<table>/part-<index>.parquet``."""

    def __init__(self, root: Path, index: int) -> None:
        super().__init__(root, if_exists="replace")
        self.root = root
        self.index = index

    def final_path(self, table_name: str) -> Path:
        """The part file of this partition in the table's folder."""
        return self.root / table_name / f"part-{self.index:05d}.parquet"

    def open_table(self, spec: TableSpec) -> None:
        """Write into the table's folder (the name is checked before anything is made)."""
        self.output_dir = self.root / spec.name
        super().open_table(spec)


def run_partition(
    params: dict[str, Any],
    part: Partition,
    *,
    workdir: Path,
    progress: ProgressFn,
    log: LogFn,
    project: str | None = None,
) -> dict[str, Any]:
    """Sample one partition of a single-table sample job into a Parquet part.

    Writes ``workdir/<table>/part-<index:05d>.parquet`` (replaced if present): ``part.rows``
    rows sampled with ``part.seed``, the optional rules applied with row offset
    ``part.start``. Pin the model first (``pin_model``) so all partitions agree.
    """
    checked = SampleParams.model_validate(check_params("sample", params, project=project))
    if checked.rows is None:
        raise ConfigError(
            [
                Problem(
                    "rows",
                    "only a single-table sample (with rows) is split into partitions",
                    "sample a schema in one job",
                )
            ]
        )
    rules = pipeline.validate(checked.config).config if checked.config is not None else None
    workdir.mkdir(parents=True, exist_ok=True)
    log("partition started", partition=part.index, start=part.start, rows=part.rows)
    result = pipeline.sample(
        checked.model,
        rows=part.rows,
        seed=part.seed,
        config=rules,
        sink=_PartSink(workdir, part.index),
        start=part.start,
        progress=reporter(progress),
        project=project or DEFAULT_PROJECT,
    )
    outputs = outputs_of(workdir, result.outputs)
    for output in outputs:
        output["format"] = "parquet"
        output["partition"] = part.index
    done = {
        "outputs": outputs,
        "rows": result.rows,
        "model": checked.model,
        "partition": part.index,
    }
    save_part_result(workdir, part.index, done, checked.rows)
    log("partition finished", partition=part.index, rows=result.rows)
    progress(1.0, f"partition {part.index} done")
    return done


def merge_partitions(
    results: list[dict[str, Any]], *, workdir: Path | None = None
) -> dict[str, Any]:
    """The job's result from its partitions' results: one output per table (its folder).

    Each output is ``{"table", "path": "<table>", "rows", "format": "parquet",
    "partitioned": True, "parts"}``. With ``workdir`` the result is also kept in the job
    folder (as ``run`` does); without it, ``results.load_result`` rebuilds it from the
    partitions' records.
    """
    merged = merge_partition_results(results)
    if workdir is not None:
        save_result(workdir, merged)
    return merged
