"""Sample a single-table model to a sink, a config's rules applied on top."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyarrow as pa

from syndata.config import Config
from syndata.errors import ConfigError, Problem
from syndata.io import Sink, TableSpec
from syndata.metadata import TableMetadata
from syndata.model_store import ModelStore, model_store
from syndata.models.base import MultiTableSynthesizer, Synthesizer, SynthesizerModel
from syndata.pipeline.auditing import audited
from syndata.pipeline.inputs import read_frame, table_name_of
from syndata.pipeline.outputs import open_output, write_table, writing
from syndata.pipeline.results import GenerateResult, Progress, ProgressEvent
from syndata.rules.engine import DEFAULT_BATCH_SIZE, RuleApplier
from syndata.seeds import resolve_seed


def load_model(
    model: str | SynthesizerModel, project: str = "default", store: ModelStore | None = None
) -> SynthesizerModel:
    """A saved model of ``project`` by reference (from ``store``), or the synthesizer given."""
    if isinstance(model, str):
        return (store or model_store()).load_model(model, project)
    return model


@audited("sample")
def sample(
    model: str | SynthesizerModel,
    *,
    rows: int,
    seed: int | None = None,
    conditions: Mapping[str, object] | None = None,
    config: Config | None = None,
    output_format: str = "csv",
    output_dir: str | Path = "output",
    db_url: str | None = None,
    if_exists: str = "fail",
    sql_dialect: str = "postgresql",
    batch_size: int = DEFAULT_BATCH_SIZE,
    sink: Sink | None = None,
    progress: Progress | None = None,
    start: int = 0,
    project: str = "default",
    store: ModelStore | None = None,
) -> GenerateResult:
    """Sample rows from a model and stream them to a sink.

    ``model`` is a saved model (``name``, ``name:version``, ``name@alias``, loaded from
    ``store``, by default the installed model store) or a fitted synthesizer; a config's
    rules are applied to every batch when given, the first row counting as row ``start``
    (a partition of a larger sample continues its sequences).
    """
    started = time.perf_counter()
    synthesizer = load_model(model, project, store)
    if isinstance(synthesizer, MultiTableSynthesizer):
        raise ConfigError(
            [
                Problem(
                    "rows",
                    f"model {model} is a multi-table model: sample it "
                    "with a scale (or rows of one table)",
                    "use sample_schema(model, scale=...) (CLI: --scale)",
                )
            ]
        )
    seed = resolve_seed(seed)
    tname = synthesizer.metadata_.name
    rules = (
        RuleApplier(config, rule_table(config, tname), seed=seed) if config is not None else None
    )
    sink = sink or open_output(output_format, output_dir, db_url, if_exists, sql_dialect)
    done = 0

    def batches() -> Iterator[pa.Table]:
        nonlocal done
        for frame in synthesizer.sample_batches(
            rows, seed=seed, conditions=conditions, batch_size=batch_size, categorical=True
        ):
            if rules is not None:
                frame = rules.apply(frame, start=start + done)
            yield pa.Table.from_pandas(frame, preserve_index=False)
            done += len(frame)
            if progress:
                progress(ProgressEvent("sample", tname, done, rows))

    with writing(sink):
        stream = batches()
        first = next(stream, None)
        if first is None:
            empty = pa.Table.from_pandas(synthesizer.sample(0), preserve_index=False)
            write_table(sink, _spec_of(tname, empty, synthesizer), [])
        else:
            write_table(sink, _spec_of(tname, first, synthesizer), itertools.chain([first], stream))
    outputs = sink.close()
    return GenerateResult(outputs, seed, time.perf_counter() - started)


def rule_table(config: Config, table: str) -> str:
    """The table of ``config`` whose rules apply to ``table`` (the only one, if one)."""
    names = [t.table_name for t in config.tables]
    if table in names:
        return table
    if len(names) == 1:
        return names[0]
    raise ConfigError(
        [
            Problem(
                "tables",
                f"the config has no table '{table}' (it has {', '.join(names)})",
                f"name the config's table '{table}' to apply its rules",
            )
        ]
    )


def _spec_of(name: str, batch: pa.Table, synthesizer: Synthesizer) -> TableSpec:
    pk = synthesizer.metadata_.primary_key
    return TableSpec(
        name=name,
        schema=batch.schema,
        primary_key=(pk,) if pk is not None and pk in batch.column_names else (),
    )


@audited("generate")
def generate_from_sample(
    config: Config,
    sample_data: str | Path,
    *,
    rows: int | None = None,
    model: str = "auto",
    seed: int | None = None,
    output_format: str | None = None,
    output_dir: str | Path = "output",
    db_url: str | None = None,
    if_exists: str = "fail",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> GenerateResult:
    """Profile real data, fit a model in memory, sample, then apply the config's rules.

    The table's declared constraints on columns of the data are checked on its rows and
    kept by the model; all of them are kept again after the rules (the rule layer).
    """
    from syndata.models import make_model
    from syndata.pipeline.fitting import declared_invariants

    data = read_frame(sample_data)
    name = rule_table(config, table_name_of(sample_data))
    meta = TableMetadata.detect(data, name)
    table = config.table(name)
    declared = [] if table is None else list(table.constraints)
    known = [c for c in declared if set(c.columns()) <= set(data.columns)]  # rule-made: later
    constraints = declared_invariants(known, data, name)
    synthesizer = make_model(model).fit(data, meta, constraints=constraints)
    count = rows if rows is not None else (config.rows or len(data))
    return sample(
        synthesizer,
        rows=count,
        seed=seed if seed is not None else config.seed,
        config=config,
        output_format=output_format or config.output_format,
        output_dir=output_dir,
        db_url=db_url,
        if_exists=if_exists,
        batch_size=batch_size,
        progress=progress,
    )
