"""Rule-based generation: validate a config in one pass, generate its tables to a sink."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyarrow as pa

from syndata.config import (
    Config,
    check_data,
    dedupe,
    read_config_data,
    relationship_problems,
    size_problems,
)
from syndata.config.constraints import missing_columns
from syndata.errors import ConfigError, OutputError, Problem
from syndata.io import Sink
from syndata.pipeline.auditing import audited
from syndata.pipeline.outputs import open_output, write_table, writing
from syndata.pipeline.results import GenerateResult, Progress, ProgressEvent, Validation
from syndata.rules.engine import DEFAULT_BATCH_SIZE, generate_tables
from syndata.rules.plan import Plan, build_plan


def validate(
    source: str | Path | Mapping[str, object] | Config,
    *,
    rows: int | None = None,
    check_relationships: bool = False,
) -> Validation:
    """Check a config (a file, plain data or a Config) in one pass.

    Raises ConfigError listing every problem: syntax, structure, references, rules that
    cannot be generated, key ranges too small, and with ``check_relationships`` the
    deeper foreign-key checks.
    """
    where = str(source) if isinstance(source, str | Path) else None
    if isinstance(source, Config):
        config: Config | None = source
        problems: list[Problem] = []
    else:
        data = read_config_data(source) if isinstance(source, str | Path) else source
        oversized = size_problems(data)
        if oversized:  # not parsed further: its size alone is refused
            raise ConfigError(oversized, where)
        config, problems = check_data(data)
    plan = None
    if config is not None:
        try:
            plan = build_plan(config, rows, config.seed if config.seed is not None else 0)
        except ConfigError as exc:
            problems += exc.problems
        if plan is not None:
            problems += row_limit_problems(plan)
        if check_relationships:
            problems += relationship_problems(config)
    problems = dedupe(problems)
    if problems or config is None or plan is None:
        raise ConfigError(problems, where)
    return Validation(config, plan, plan.warnings)


def row_limit_problems(plan: Plan) -> list[Problem]:
    """Tables of ``plan`` with more rows than ``SYNDATA_MAX_ROWS`` allows."""
    from syndata import settings

    limit = settings.max_rows()
    return [
        settings.over_limit(
            f"tables[{t.index}].rows",
            f"rows of table '{t.name}':",
            t.rows,
            limit,
            settings.MAX_ROWS_VAR,
        )
        for t in plan.tables
        if t.rows > limit
    ]


@audited("generate")
def generate(
    config: Config,
    *,
    rows: int | None = None,
    seed: int | None = None,
    sink: Sink | None = None,
    output_format: str | None = None,
    output_dir: str | Path = "output",
    db_url: str | None = None,
    if_exists: str = "fail",
    sql_dialect: str = "postgresql",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> GenerateResult:
    """Generate every table of ``config`` and stream it to a sink.

    A declared constraint naming a column the config does not list is a ConfigError
    here, before any output is opened (such a column comes only with ``--sample-data``).

    The sink is ``sink`` if given, else a database (``db_url``) or files of
    ``output_format`` (default: the config's) in ``output_dir``; ``sql_dialect`` applies
    to ``.sql`` scripts. On failure, files being
    written are removed and the database is rolled back; earlier outputs stay untouched.
    """
    if batch_size < 1:
        raise OutputError(f"batch size {batch_size} is not positive; pass --batch-size >= 1")
    started = time.perf_counter()
    plan = build_plan(config, rows, seed)
    missing = [p for i, t in enumerate(config.tables) for p in missing_columns(t, f"tables[{i}]")]
    if missing:  # before any output is opened
        raise ConfigError(missing)
    sink = sink or open_output(
        output_format or config.output_format, output_dir, db_url, if_exists, sql_dialect
    )
    total = plan.total_rows
    done = 0

    def reported(name: str, batches: Iterator[pa.Table]) -> Iterator[pa.Table]:
        nonlocal done
        if progress:
            progress(ProgressEvent("generate", name, done, total))
        for batch in batches:
            yield batch
            done += batch.num_rows
            if progress:
                progress(ProgressEvent("generate", name, done, total))

    with writing(sink):
        for stream in generate_tables(plan, batch_size):
            write_table(sink, stream.spec, reported(stream.name, stream.batches()))
    outputs = sink.close()
    return GenerateResult(outputs, plan.seed, time.perf_counter() - started, plan.warnings)
