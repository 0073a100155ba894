"""Sample a whole schema from a multi-table model, parents first, to a sink."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa

from syndata.config import Config
from syndata.errors import ConfigError, Problem
from syndata.io import ForeignKeySpec, Sink, TableSpec
from syndata.metadata import Metadata
from syndata.model_store import ModelStore
from syndata.models.base import MultiTableSynthesizer, SynthesizerModel
from syndata.pipeline.auditing import audited
from syndata.pipeline.outputs import open_output, write_table, writing
from syndata.pipeline.results import GenerateResult, Progress, ProgressEvent
from syndata.pipeline.sampling import load_model
from syndata.rules.engine import RuleApplier
from syndata.seeds import resolve_seed


@audited("sample")
def sample_schema(
    model: str | SynthesizerModel,
    *,
    scale: float = 1.0,
    rows: int | None = None,
    table: str | None = None,
    seed: int | None = None,
    config: Config | None = None,
    output_format: str = "csv",
    output_dir: str | Path = "output",
    db_url: str | None = None,
    if_exists: str = "fail",
    sql_dialect: str = "postgresql",
    sink: Sink | None = None,
    progress: Progress | None = None,
    project: str = "default",
    store: ModelStore | None = None,
) -> GenerateResult:
    """Sample a whole schema from a multi-table model and stream it, parents first.

    ``scale`` multiplies every fitted table size; or ``rows`` rows of ``table``, the other
    tables following in proportion. A config's rules apply per table on top (keys the
    rules change are carried into the children). Into a database the tables are created
    with their primary and foreign keys, in dependency order.
    """
    from syndata.rules.keys import KeyStore

    started = time.perf_counter()
    synthesizer = load_model(model, project, store)
    if not isinstance(synthesizer, MultiTableSynthesizer):
        raise ConfigError(
            [
                Problem(
                    "model",
                    f"model {model} is a single-table model",
                    "sample it with a row count (CLI: --rows)",
                )
            ]
        )
    if rows is not None and table is None:
        raise ConfigError(
            [
                Problem(
                    "table",
                    "rows of a multi-table model need the table they count",
                    "pass table=NAME with rows",
                )
            ]
        )
    seed = resolve_seed(seed)
    meta: Metadata = synthesizer.metadata_
    keys = KeyStore()
    renamed: dict[str, dict[object, object]] = {}
    _check_schema_rows(synthesizer, scale, rows, table)
    sink = sink or open_output(output_format, output_dir, db_url, if_exists, sql_dialect)
    config_tables = {t.table_name for t in config.tables} if config is not None else set()
    with writing(sink):
        counts = {table: rows} if rows is not None and table is not None else None
        stream = synthesizer.sample_tables(scale, seed=seed, rows=counts)
        for done, (name, frame) in enumerate(stream):
            for rel in meta.parents_of(name):
                if rel.parent_table in renamed:
                    frame[rel.child_key] = (
                        frame[rel.child_key]
                        .map(renamed[rel.parent_table])
                        .where(frame[rel.child_key].notna())
                    )
            pk = meta.tables[name].primary_key
            if config is not None and name in config_tables:
                before = frame[pk].copy() if pk else None
                frame = RuleApplier(config, name, seed=seed + done, keys=keys).apply(frame)
                if before is not None and not before.equals(frame[pk]):
                    renamed[name] = dict(zip(before.tolist(), frame[pk].tolist(), strict=True))
            batch = pa.Table.from_pandas(frame, preserve_index=False)
            if pk:
                keys.put(name, pk, batch.column(pk).combine_chunks())
            write_table(sink, _schema_spec(name, batch, meta), [batch])
            if progress:
                progress(ProgressEvent("sample", name, done + 1, len(meta.tables)))
    return GenerateResult(sink.close(), seed, time.perf_counter() - started)


def _schema_spec(name: str, batch: pa.Table, meta: Metadata) -> TableSpec:
    pk = meta.tables[name].primary_key
    fks = tuple(
        ForeignKeySpec(r.child_key, r.parent_table, r.parent_key) for r in meta.parents_of(name)
    )
    return TableSpec(
        name=name, schema=batch.schema, primary_key=(pk,) if pk else (), foreign_keys=fks
    )


def _check_schema_rows(
    synthesizer: MultiTableSynthesizer, scale: float, rows: int | None, table: str | None
) -> None:
    """Refuse a schema sample whose tables would pass ``SYNDATA_MAX_ROWS``.

    A table's rows are its fitted size times the scale (or the given rows' proportion).
    """
    from syndata import settings

    fitted = {str(k): int(v) for k, v in (getattr(synthesizer, "rows_", None) or {}).items()}
    if rows is not None and table is not None and fitted.get(table):
        scale = rows / fitted[table]
    limit = settings.max_rows()
    problems = [
        settings.over_limit(
            "scale",
            f"rows of table '{name}' ({count:,} fitted x scale {scale:g}):",
            round(scale * count),
            limit,
            settings.MAX_ROWS_VAR,
        )
        for name, count in fitted.items()
        if scale * count > limit
    ]
    if problems:
        raise ConfigError(problems)
