"""The use-cases every entry point calls (CLI, REST jobs, UI, notebooks).

Each use-case reports progress through one callback, ``progress(ProgressEvent)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndata.config import (
    Config,
    check_data,
    dedupe,
    read_config_data,
    relationship_problems,
)
from syndata.errors import ConfigError, OutputError, Problem
from syndata.io import DB_FORMAT, Sink, TableOutput, open_sink
from syndata.rules import DEFAULT_BATCH_SIZE, Plan, build_plan, generate_tables


@dataclass(frozen=True)
class ProgressEvent:
    """Progress of a use-case: ``done`` of ``total`` rows, while working on ``table``."""

    stage: str
    table: str
    done: int
    total: int


Progress = Callable[[ProgressEvent], None]


@dataclass
class Validation:
    """The outcome of a successful validation: the config, its plan and its warnings."""

    config: Config
    plan: Plan
    warnings: list[str] = field(default_factory=list)


@dataclass
class GenerateResult:
    """What a generation run wrote."""

    outputs: list[TableOutput]
    seed: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows written over all tables."""
        return sum(o.rows for o in self.outputs)


def validate(source: str | Path | dict[str, Any] | Config, *, rows: int | None = None,
             check_relationships: bool = False) -> Validation:
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
        config, problems = check_data(data)
    plan = None
    if config is not None:
        try:
            plan = build_plan(config, rows, config.seed if config.seed is not None else 0)
        except ConfigError as exc:
            problems += exc.problems
        if check_relationships:
            problems += relationship_problems(config)
    problems = dedupe(problems)
    if problems or config is None or plan is None:
        raise ConfigError(problems, where)
    return Validation(config, plan, plan.warnings)


def generate(config: Config, *, rows: int | None = None, seed: int | None = None,
             sink: Sink | None = None, output_format: str | None = None,
             output_dir: str | Path = "output", db_url: str | None = None,
             if_exists: str = "fail", sql_dialect: str = "postgresql",
             batch_size: int = DEFAULT_BATCH_SIZE,
             progress: Progress | None = None) -> GenerateResult:
    """Generate every table of ``config`` and stream it to a sink.

    The sink is ``sink`` if given, else a database (``db_url``) or files of
    ``output_format`` (default: the config's) in ``output_dir``; ``sql_dialect`` applies
    to ``.sql`` scripts. On failure, files being
    written are removed and the database is rolled back; earlier outputs stay untouched.
    """
    if batch_size < 1:
        raise OutputError(f"batch size {batch_size} is not positive; pass --batch-size >= 1")
    started = time.perf_counter()
    plan = build_plan(config, rows, seed)
    if sink is None:
        fmt = DB_FORMAT if db_url else (output_format or config.output_format)
        sink = open_sink(fmt, output_dir=output_dir, db_url=db_url, if_exists=if_exists,
                         sql_dialect=sql_dialect)
    total = plan.total_rows
    done = 0
    try:
        for stream in generate_tables(plan, batch_size):
            sink.open_table(stream.spec)
            if progress:
                progress(ProgressEvent("generate", stream.name, done, total))
            for batch in stream.batches():
                sink.write(stream.name, batch)
                done += batch.num_rows
                if progress:
                    progress(ProgressEvent("generate", stream.name, done, total))
            sink.close_table(stream.name)
    except BaseException:
        sink.abort()
        raise
    outputs = sink.close()
    return GenerateResult(outputs, plan.seed, time.perf_counter() - started, plan.warnings)
