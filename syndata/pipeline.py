"""The use-cases every entry point calls (CLI, REST jobs, UI, notebooks).

Each use-case reports progress through one callback, ``progress(ProgressEvent)``.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from syndata.config import (
    Config,
    check_data,
    dedupe,
    read_config_data,
    relationship_problems,
    size_problems,
)
from syndata.errors import ConfigError, OutputError, Problem, SyndataError
from syndata.io import DB_FORMAT, ForeignKeySpec, Sink, TableOutput, TableSpec, open_sink
from syndata.models.base import MultiTableSynthesizer
from syndata.rules import DEFAULT_BATCH_SIZE, Plan, RuleApplier, build_plan, generate_tables
from syndata.seeds import resolve_seed


@dataclass(frozen=True)
class ProgressEvent:
    """Progress of a use-case: ``done`` of ``total`` rows, while working on ``table``."""

    stage: str
    table: str
    done: int
    total: int


Progress = Callable[[ProgressEvent], None]
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _audited(action: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Write one audit line per call of the use-case: what, on which data, the outcome."""

    def wrap(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def audited(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            from syndata.privacy import audit

            fields = _audit_subject(args[0] if args else next(iter(kwargs.values()), None))
            try:
                result = function(*args, **kwargs)
            except SyndataError as exc:
                audit.record(
                    action, outcome="failed", details={"error": type(exc).__name__}, **fields
                )
                raise
            audit.record(action, **{**fields, **_audit_result(result)})
            return result

        return audited

    return wrap


def _audit_subject(subject: Any) -> dict[str, Any]:
    """Which dataset or model a use-case works on (a fingerprint, never values)."""
    from syndata.privacy import audit

    if isinstance(subject, pd.DataFrame):
        return {"dataset": "dataframe", "fingerprint": audit.fingerprint(subject)}
    if isinstance(subject, Mapping):
        return {"dataset": "dataframes: " + ", ".join(map(str, subject))[:150]}
    if isinstance(subject, Config):
        return {"dataset": "config: " + ", ".join(t.table_name for t in subject.tables)[:150]}
    if isinstance(subject, str | Path):
        text = str(subject)
        if "://" in text:
            return {"dataset": _safe_source(text)}
        path = Path(text)
        if path.is_file():
            return {"dataset": text, "fingerprint": audit.file_fingerprint(path)}
        return {"dataset": text} if path.exists() else {"model": text}
    return {}


def _audit_result(result: Any) -> dict[str, Any]:
    if isinstance(result, FitResult):
        return {"model": f"{result.ref.name}:{result.ref.version}", "rows": result.rows}
    if isinstance(result, GenerateResult):
        return {"rows": {o.name: o.rows for o in result.outputs}}
    return {}


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


def validate(
    source: str | Path | dict[str, Any] | Config,
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


def _check_schema_rows(synthesizer: Any, scale: float, rows: int | None, table: str | None) -> None:
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


@_audited("generate")
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

    The sink is ``sink`` if given, else a database (``db_url``) or files of
    ``output_format`` (default: the config's) in ``output_dir``; ``sql_dialect`` applies
    to ``.sql`` scripts. On failure, files being
    written are removed and the database is rolled back; earlier outputs stay untouched.
    """
    if batch_size < 1:
        raise OutputError(f"batch size {batch_size} is not positive; pass --batch-size >= 1")
    started = time.perf_counter()
    plan = build_plan(config, rows, seed)
    sink = sink or _open(
        output_format or config.output_format, output_dir, db_url, if_exists, sql_dialect
    )
    total = plan.total_rows
    done = 0
    with _writing(sink):
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
    outputs = sink.close()
    return GenerateResult(outputs, plan.seed, time.perf_counter() - started, plan.warnings)


# --------------------------------------------------------------------------- learned models

STREAM_FIT_ROWS = 2_000_000  # Parquet inputs with more rows are fitted in two streaming passes
SCHEMA_EVAL_ROWS = 500_000  # a schema's fit is scored on a sample of about this many rows


@dataclass
class FitResult:
    """A fitted, registered model and its reports."""

    ref: Any  # model_registry.ModelRef
    model: Any  # the fitted Synthesizer
    quality: dict[str, Any]
    privacy: dict[str, Any]
    seconds: float
    rows: int


def read_frame(
    source: str | Path, *, db_url: str | None = None, table: str | None = None
) -> pd.DataFrame:
    """A whole input table as a pandas DataFrame (csv, json, jsonl, parquet or a db table)."""
    from syndata.io import read_table

    if db_url is not None:
        return read_table(table or str(source), db_url=db_url, table=table).to_pandas()
    return read_table(source).to_pandas()


def table_name_of(source: str | Path, table: str | None = None) -> str:
    """The table name for an input: the database table, else the file's stem."""
    return table or Path(str(source)).stem or "table"


@_audited("profile")
def profile(
    source: str | Path | None = None,
    *,
    db_url: str | None = None,
    table: str | None = None,
    sample_size: int = 100_000,
    seed: int = 0,
) -> Any:
    """Profile a table (a file or a database table); see ``syndata.profiling``."""
    from syndata.profiling import profile_source

    return profile_source(source, db_url=db_url, table=table, sample_size=sample_size, seed=seed)


@_audited("fit")
def fit(
    source: str | Path | pd.DataFrame,
    *,
    model: str = "gaussian_copula",
    name: str,
    params: dict[str, Any] | None = None,
    metadata: Any = None,
    db_url: str | None = None,
    table: str | None = None,
    holdout: float = 0.2,
    seed: int = 0,
    plan: Any = None,
    pii: str = "stop",
    attacks: bool = True,
    progress: Progress | None = None,
    project: str = "default",
) -> FitResult:
    """Detect PII, apply the privacy plan, profile, fit, evaluate and register a model.

    The model is registered in ``project`` (see ``model_registry.registry``).

    PII columns must be decided by ``plan`` (a ``PrivacyPlan`` or its file): masked,
    regenerated, allowed or dropped; ``pii="regenerate"`` regenerates undecided ones,
    ``"stop"`` (default) raises ``PrivacyError`` listing them (``syndata.privacy.guard``).
    ``holdout`` (default 20%) of the rows are kept out of training to measure ML efficacy
    and the privacy report (copies, distance to closest record, and with ``attacks``
    anonymeter's attacks) against real rows the model never saw; 0 trains on all rows.
    Parquet inputs with more than ``STREAM_FIT_ROWS`` rows fitted with the copula are
    read in two streaming passes (memory stays bounded); such a fit reads every row, so
    it reports quality but no held-out ML efficacy or privacy report.
    """
    import model_registry
    from syndata.models import make_model
    from syndata.privacy.guard import guard
    from syndata.privacy.risk import privacy_report
    from syndata.profiling import profile_table
    from syndata.quality import evaluate as quality_of

    def step(stage: str, done: int) -> None:
        if progress:
            progress(ProgressEvent(stage, name, done, 5))

    started = time.perf_counter()
    synthesizer = make_model(model, **(params or {}))
    step("read", 0)
    streaming = _stream_source(source, model)
    if streaming is not None:
        data = _parquet_sample(streaming, 200_000, seed)
        rows = _parquet_rows(streaming)
    else:
        data = (
            source
            if isinstance(source, pd.DataFrame)
            else read_frame(source, db_url=db_url, table=table)
        )
        rows = len(data)
    tname = table_name_of("table" if isinstance(source, pd.DataFrame) else source, table)
    step("profile", 1)
    privacy_plan = _plan(plan, list(data.columns))
    guarded = guard(data, privacy_plan, undecided=pii, seed=seed)
    data = guarded.frame
    prof = profile_table(data, tname, total_rows=rows)
    prof.mark_pii([f for f in guarded.findings.findings if f.column in data])
    meta = metadata or prof.metadata
    for column, entity in guarded.regenerate.items():
        if column in meta.columns:
            meta.columns[column].pii = entity
    # a streamed fit reads every row, so none is held out: no ML efficacy or copy rate
    train, test = _split(data, 0.0 if streaming is not None else holdout, seed)
    step("fit", 2)
    if streaming is not None:
        synthesizer.fit_batches(  # type: ignore[attr-defined]
            lambda: _masked(_parquet_frames(streaming), privacy_plan),
            meta,
            seed=seed,
        )
    else:
        synthesizer.fit(train, meta)
        synthesizer.exclude_values_of(data)  # held-out people's values stay out too
    step("evaluate", 3)
    n_eval = min(len(train), 20_000)
    synthetic = synthesizer.sample(n_eval, seed=seed)
    real = train.sample(n_eval, random_state=seed) if len(train) > n_eval else train
    quality = quality_of(
        real,
        synthetic,
        meta,
        holdout=test if len(test) else None,
        ml_efficacy=len(test) > 0,
        seed=seed,
    ).to_dict()
    privacy: dict[str, Any] = {"pii": guarded.to_dict()}
    if len(test):
        report = privacy_report(train, test, synthetic, metadata=meta, attacks=attacks, seed=seed)
        privacy.update(report.to_dict())
        privacy["summary"] = report.summary()
    step("register", 4)
    metrics = {
        "quality.overall": quality["overall"],
        "quality.column_shapes": quality["column_shapes"],
        "quality.column_pair_trends": quality["column_pair_trends"],
        "fit_rows": float(rows),
    }
    if quality.get("ml_efficacy"):
        metrics["ml_efficacy.difference"] = quality["ml_efficacy"]["difference"]
    for key in ("synthetic_copy_rate", "holdout_copy_rate"):
        if key in privacy.get("copies", {}):
            metrics[f"privacy.{key}"] = privacy["copies"][key]
    if "dcr" in privacy:
        metrics["privacy.dcr_share_closer_to_train"] = privacy["dcr"].get("share_closer_to_train")
    ref = model_registry.log_model(
        synthesizer,
        name,
        params={
            "source": str(source) if not isinstance(source, pd.DataFrame) else "dataframe",
            "holdout": holdout,
        },
        metrics=metrics,
        artifacts={
            "metadata": meta.to_dict(),
            "profile": prof.to_dict(),
            "quality": quality,
            "privacy": privacy,
        },
        project=project,
    )
    step("done", 5)
    return FitResult(ref, synthesizer, quality, privacy, time.perf_counter() - started, rows)


def _plan(plan: Any, columns: list[str] | None = None, table: str | None = None) -> Any:
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


def _masked(frames: Iterator[pd.DataFrame], plan: Any) -> Iterator[pd.DataFrame]:
    """The batches with the plan's masking applied (as is without a plan)."""
    if plan is None:
        yield from frames
        return
    from syndata.privacy.masking import mask_frame

    for frame in frames:
        yield mask_frame(frame, plan).frame


def _split(data: pd.DataFrame, holdout: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not 0 <= holdout < 1:
        raise ConfigError([Problem("holdout", f"holdout must be in [0, 1), got {holdout}")])
    if holdout == 0 or len(data) < 50:
        return data, data.iloc[:0]
    test = data.sample(frac=holdout, random_state=seed)
    return data.drop(test.index), test


def _stream_source(source: Any, model: str) -> Path | None:
    if isinstance(source, pd.DataFrame) or model != "gaussian_copula":
        return None
    path = Path(str(source))
    if path.suffix.lower() not in (".parquet", ".pq") or not path.is_file():
        return None
    return path if _parquet_rows(path) > STREAM_FIT_ROWS else None


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _parquet_frames(path: Path) -> Iterator[pd.DataFrame]:
    from syndata.io import iter_batches

    for batch in iter_batches(path, batch_size=250_000):
        yield batch.to_pandas()


def _parquet_sample(path: Path, size: int, seed: int) -> pd.DataFrame:
    """A uniform sample of ``size`` rows of a Parquet file, read batch by batch."""
    rng = np.random.default_rng(seed)
    total = _parquet_rows(path)
    keep = np.sort(rng.choice(total, min(size, total), replace=False))
    parts, offset = [], 0
    for frame in _parquet_frames(path):
        inside = keep[(keep >= offset) & (keep < offset + len(frame))] - offset
        parts.append(frame.iloc[inside])
        offset += len(frame)
    return pd.concat(parts, ignore_index=True)


@_audited("sample")
def sample(
    model: str | Any,
    *,
    rows: int,
    seed: int | None = None,
    conditions: dict[str, Any] | None = None,
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
) -> GenerateResult:
    """Sample rows from a model and stream them to a sink.

    ``model`` is a registered model (``name``, ``name:version``, ``name@alias``) or a fitted
    synthesizer; a config's rules are applied to every batch when given, the first row
    counting as row ``start`` (a partition of a larger sample continues its sequences).
    """
    started = time.perf_counter()
    synthesizer = _load(model, project)
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
        RuleApplier(config, _rule_table(config, tname), seed=seed) if config is not None else None
    )
    sink = sink or _open(output_format, output_dir, db_url, if_exists, sql_dialect)
    done = 0
    with _writing(sink):
        spec = None
        for frame in synthesizer.sample_batches(
            rows, seed=seed, conditions=conditions, batch_size=batch_size, categorical=True
        ):
            if rules is not None:
                frame = rules.apply(frame, start=start + done)
            batch = pa.Table.from_pandas(frame, preserve_index=False)
            if spec is None:
                spec = _spec_of(tname, batch, synthesizer)
                sink.open_table(spec)
            sink.write(tname, batch)
            done += len(frame)
            if progress:
                progress(ProgressEvent("sample", tname, done, rows))
        if spec is None:
            empty = pa.Table.from_pandas(synthesizer.sample(0), preserve_index=False)
            spec = _spec_of(tname, empty, synthesizer)
            sink.open_table(spec)
        sink.close_table(tname)
    outputs = sink.close()
    return GenerateResult(outputs, seed, time.perf_counter() - started)


def _load(model: str | Any, project: str = "default") -> Any:
    """A registered model of ``project`` by reference, or the fitted synthesizer given."""
    if isinstance(model, str):
        import model_registry

        return model_registry.load_model(model, project)
    return model


@_audited("fit")
def fit_schema(
    source: str | Path | Mapping[str, pd.DataFrame],
    *,
    name: str,
    model: str = "hierarchical",
    params: dict[str, Any] | None = None,
    metadata: Any = None,
    tables: list[str] | None = None,
    orphans: str = "stop",
    holdout: float = 0.2,
    seed: int = 0,
    plan: Any = None,
    pii: str = "stop",
    attacks: bool = True,
    progress: Progress | None = None,
    project: str = "default",
) -> FitResult:
    """Read, check, fit, evaluate and register a model of a relational schema (of ``project``).

    ``source`` is a folder with one file per table, a database URL, or ``{table: frame}``.
    Without ``metadata`` the keys and relationships are detected (a database's declared
    foreign keys first). Orphan foreign keys stop the fit unless ``orphans`` is ``drop``
    (drop those child rows) or ``null`` (set their key to null).

    ``holdout`` (default 20%) of the rows are kept out of training, without breaking a
    foreign key (``split_schema``), for a privacy report per table (copies, distance to
    closest record, and with ``attacks`` anonymeter's attacks) against real rows the model
    never saw, and one verdict, the worst table's (``risk.schema_privacy_report``); 0
    trains on all rows and reports none. Scale 1 still samples the whole tables' sizes.
    """
    import model_registry
    from syndata.models import make_schema_model
    from syndata.privacy.risk import schema_privacy_report
    from syndata.quality_schema import evaluate_schema
    from syndata.io import read_tables
    from syndata.relations import check_integrity, detect_metadata, resolve_orphans

    def step(stage: str, done: int) -> None:
        if progress:
            progress(ProgressEvent(stage, name, done, 6))

    started = time.perf_counter()
    synthesizer = make_schema_model(model, **(params or {}))
    step("read", 0)
    declared: list[Any] = []
    if isinstance(source, Mapping):
        frames = {str(k): v for k, v in source.items()}
    else:
        frames, declared = read_tables(source, tables=tables)
    step("detect", 1)
    meta = metadata or detect_metadata(frames, declared=declared)
    integrity = check_integrity(frames, meta).to_dict()
    frames = resolve_orphans(frames, meta, orphans)
    frames, personal = _guard_tables(frames, meta, _plan(plan), pii, seed)
    split = split_schema(frames, meta, holdout, seed, kept=_reference_tables(synthesizer))
    step("fit", 2)
    _fit_on(synthesizer, split.train, frames, meta)
    step("evaluate", 3)
    rows = sum(len(f) for f in frames.values())
    synthetic = synthesizer.sample(min(1.0, SCHEMA_EVAL_ROWS / max(rows, 1)), seed=seed)
    quality = evaluate_schema(split.train, synthetic, meta, seed=seed).to_dict()
    privacy: dict[str, Any] = {"pii": personal}
    if holdout > 0:
        step("privacy", 4)
        report = schema_privacy_report(
            split.train,
            split.holdout,
            synthetic,
            metadata=meta,
            attacks=attacks,
            reasons=split.reasons,
            seed=seed,
        )
        privacy.update(report.to_dict())
    step("register", 5)
    metrics = {
        f"quality.{k}": quality[k]
        for k in (
            "overall",
            "column_shapes",
            "column_pair_trends",
            "cardinality",
            "intertable_trends",
        )
    }
    metrics["fit_rows"] = float(rows)
    metrics["tables"] = float(len(frames))
    if "tables" in privacy:
        metrics["privacy.tables_measured"] = float(len(privacy["tables"]))
    source_text = "dataframes" if isinstance(source, Mapping) else _safe_source(str(source))
    ref = model_registry.log_model(
        synthesizer,
        name,
        params={"source": source_text, "orphans": orphans, "holdout": holdout},
        metrics=metrics,
        artifacts={"quality": quality, "integrity": integrity, "privacy": privacy},
        project=project,
    )
    step("done", 6)
    return FitResult(ref, synthesizer, quality, privacy, time.perf_counter() - started, rows)


HOLDOUT_MIN_ROWS = 50  # a table with fewer rows holds none out itself (as ``fit``)
HOLDOUT_MIN_FAMILIES = 50  # ... nor a parent whose children crowd into fewer families


@dataclass
class SchemaSplit:
    """A schema's rows for training and held out, and why a table holds none out itself."""

    train: dict[str, pd.DataFrame]
    holdout: dict[str, pd.DataFrame]
    reasons: dict[str, str] = field(default_factory=dict)


def split_schema(
    frames: Mapping[str, pd.DataFrame],
    meta: Any,
    holdout: float,
    seed: int,
    kept: frozenset[str] = frozenset(),
) -> SchemaSplit:
    """Hold out about ``holdout`` of each table's rows without breaking a foreign key.

    Tables are visited parents first. The children of held-out rows are held out with
    them (a training row never refers to a held-out one, and a held-out row is one the
    model never saw); a table whose rows that leaves below its share tops it up with
    rows drawn at random (``seed``), which take their own children along. A table holds
    none out itself (only the children of held-out parents) when it is one of ``kept``
    (reference tables, kept as they are), has fewer than ``HOLDOUT_MIN_ROWS`` rows, or
    when the children of some foreign key crowd into fewer than ``HOLDOUT_MIN_FAMILIES``
    of its rows (as many children per parent as that many equal families would have:
    holding out one of three airports would take a third of the flights along).
    ``reasons`` says which and why. Raises ConfigError for a share outside [0, 1).
    """
    if not 0 <= holdout < 1:
        raise ConfigError([Problem("holdout", f"holdout must be in [0, 1), got {holdout}")])
    frames = dict(frames)
    if holdout == 0:
        return SchemaSplit(frames, {n: f.iloc[:0] for n, f in frames.items()})
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    reasons: dict[str, str] = {}
    for name in meta.order():
        frame = frames[name]
        held = np.zeros(len(frame), dtype=bool)
        for rel in meta.parents_of(name):
            parent = frames[rel.parent_table]
            gone = parent[rel.parent_key].to_numpy()[out[rel.parent_table]]
            if len(gone):
                held |= frame[rel.child_key].isin(gone).to_numpy()
        reason = _holdout_blocker(name, frames, meta, kept)
        target = round(holdout * len(frame))
        if reason is not None:
            reasons[name] = reason
        elif held.sum() < target:
            free = np.flatnonzero(~held)
            held[rng.choice(free, size=min(target - int(held.sum()), len(free)), replace=False)] = (
                True
            )
        out[name] = held
    emptied = [n for n in frames if len(frames[n]) and out[n].all()]
    if emptied:  # a table would have no training row left: hold nothing out
        why = f"holding rows out would leave table {', '.join(emptied)} without training rows"
        return SchemaSplit(
            frames, {n: f.iloc[:0] for n, f in frames.items()}, dict.fromkeys(frames, why)
        )
    return SchemaSplit(
        {n: f[~out[n]].reset_index(drop=True) for n, f in frames.items()},
        {n: f[out[n]].reset_index(drop=True) for n, f in frames.items()},
        reasons,
    )


def _holdout_blocker(
    name: str, frames: Mapping[str, pd.DataFrame], meta: Any, kept: frozenset[str]
) -> str | None:
    """Why table ``name`` holds no rows out itself (see ``split_schema``), or None."""
    if name in kept:
        return "a reference table, kept as it is (nothing of it is held out)"
    if len(frames[name]) < HOLDOUT_MIN_ROWS:
        return f"{len(frames[name])} rows, too few to hold any out (at least {HOLDOUT_MIN_ROWS})"
    for rel in meta.children_of(name):
        counts = frames[rel.child_table][rel.child_key].value_counts().to_numpy(dtype=float)
        if counts.sum() and counts.sum() ** 2 / (counts**2).sum() < HOLDOUT_MIN_FAMILIES:
            return (
                f"the rows of {rel.child_table} crowd into few of its rows (through "
                f"{rel.child_key}): holding one out would take too many of them along"
            )
    return None


def _reference_tables(synthesizer: MultiTableSynthesizer) -> frozenset[str]:
    """Tables the model keeps as they are (``reference``): never held out."""
    from syndata.models.hierarchical import REFERENCE

    models = getattr(synthesizer, "table_models", None) or {}
    return frozenset(t for t, m in models.items() if m == REFERENCE)


def _fit_on(
    synthesizer: MultiTableSynthesizer,
    train: Mapping[str, pd.DataFrame],
    frames: Mapping[str, pd.DataFrame],
    meta: Any,
) -> None:
    """Fit on the training rows; scale 1 stands for the whole tables, held-out rows too.

    The held-out rows' personal values are kept out of samples as well.
    """
    from syndata.models.hierarchical import HierarchicalSynthesizer

    if isinstance(synthesizer, HierarchicalSynthesizer):
        synthesizer.fit(train, meta, sizes={t: len(f) for t, f in frames.items()})
        synthesizer.exclude_values_of(frames)
    else:
        synthesizer.fit(train, meta)


def _guard_tables(
    frames: dict[str, pd.DataFrame], meta: Any, plan: Any, pii: str, seed: int
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Every table through the PII guard (``syndata.privacy.guard``), keys left alone.

    Regenerated columns are marked in the metadata; a key column keeps its key role (its
    values are remade by the model anyway: primary keys by rule, foreign keys from the
    synthetic parents).
    """
    from syndata.privacy.guard import guard

    if plan is not None and not plan.tables:
        raise ConfigError(
            [
                Problem(
                    "plan",
                    "a privacy plan for a schema must name its tables",
                    "write it as tables: {TABLE: {columns: {...}}}",
                )
            ]
        )
    out, report = {}, {}
    for name, frame in frames.items():
        guarded = guard(
            frame,
            plan,
            table=name if plan is not None else None,
            undecided=pii,
            seed=seed,
            name=name,
        )
        out[name] = guarded.frame
        table = meta.tables[name]
        for column in [c for c in table.columns if c not in guarded.frame]:
            del table.columns[column]
        for column, entity in guarded.regenerate.items():
            if column in table.columns:
                table.columns[column].pii = entity
        report[name] = guarded.to_dict()
    return out, report


def _safe_source(source: str) -> str:
    """A source for the record: a database URL loses its password."""
    if "://" not in source:
        return source
    from sqlalchemy.engine import make_url

    try:
        return make_url(source).render_as_string(hide_password=True)
    except Exception:
        return source.split("://", 1)[0] + "://..."


@_audited("sample")
def sample_schema(
    model: str | Any,
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
) -> GenerateResult:
    """Sample a whole schema from a multi-table model and stream it, parents first.

    ``scale`` multiplies every fitted table size; or ``rows`` rows of ``table``, the other
    tables following in proportion. A config's rules apply per table on top (keys the
    rules change are carried into the children). Into a database the tables are created
    with their primary and foreign keys, in dependency order.
    """
    from syndata.rules.keys import KeyStore

    started = time.perf_counter()
    synthesizer = _load(model, project)
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
    meta = synthesizer.metadata_  # type: ignore[attr-defined]
    keys = KeyStore()
    renamed: dict[str, dict[Any, Any]] = {}
    _check_schema_rows(synthesizer, scale, rows, table)
    sink = sink or _open(output_format, output_dir, db_url, if_exists, sql_dialect)
    config_tables = {t.table_name for t in config.tables} if config is not None else set()
    with _writing(sink):
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
            sink.open_table(_schema_spec(name, batch, meta))
            sink.write(name, batch)
            sink.close_table(name)
            if progress:
                progress(ProgressEvent("sample", name, done + 1, len(meta.tables)))
    return GenerateResult(sink.close(), seed, time.perf_counter() - started)


def _schema_spec(name: str, batch: pa.Table, meta: Any) -> TableSpec:
    pk = meta.tables[name].primary_key
    fks = tuple(
        ForeignKeySpec(r.child_key, r.parent_table, r.parent_key) for r in meta.parents_of(name)
    )
    return TableSpec(
        name=name, schema=batch.schema, primary_key=(pk,) if pk else (), foreign_keys=fks
    )


def _rule_table(config: Config, table: str) -> str:
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


def _spec_of(name: str, batch: pa.Table, synthesizer: Any) -> TableSpec:
    pk = synthesizer.metadata_.primary_key
    return TableSpec(
        name=name, schema=batch.schema, primary_key=(pk,) if pk in batch.column_names else ()
    )


@_audited("generate")
def generate_from_sample(
    config: Config,
    sample_data: str | Path,
    *,
    rows: int | None = None,
    model: str = "gaussian_copula",
    seed: int | None = None,
    output_format: str | None = None,
    output_dir: str | Path = "output",
    db_url: str | None = None,
    if_exists: str = "fail",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> GenerateResult:
    """Profile real data, fit a model in memory, sample, then apply the config's rules."""
    from syndata.models import make_model

    data = read_frame(sample_data)
    name = _rule_table(config, table_name_of(sample_data))
    meta = _detect(data, name)
    synthesizer = make_model(model).fit(data, meta)
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


def _detect(data: pd.DataFrame, name: str) -> Any:
    from syndata.metadata import TableMetadata

    return TableMetadata.detect(data, name)


@dataclass
class MaskResult:
    """A masked table written out."""

    path: Path
    rows: int
    columns: dict[str, Any]


def mask(
    source: str | Path,
    *,
    plan: Any,
    output: str | Path,
    if_exists: str = "fail",
    table: str | None = None,
) -> MaskResult:
    """Mask a real table with a privacy plan and write it (format from ``output``)."""
    from syndata.privacy import audit
    from syndata.privacy.masking import mask_frame

    data = read_frame(source)
    privacy_plan = _plan(plan, list(data.columns), table)
    result = mask_frame(data, privacy_plan, table=table)
    path = _write_frame(result.frame, Path(output), if_exists)
    columns = {c: r.to_dict() for c, r in result.columns.items()}
    audit.record(
        "mask",
        dataset=str(source),
        fingerprint=audit.fingerprint(data),
        rows=len(data),
        details={"output": str(path), "columns": list(columns)},
    )
    return MaskResult(path, len(result.frame), columns)


def _write_frame(frame: pd.DataFrame, output: Path, if_exists: str) -> Path:
    """One frame as one file; the format is the file's extension."""
    from syndata.io import FORMATS

    fmt = output.suffix.lower().lstrip(".")
    fmt = {"pq": "parquet", "ndjson": "jsonl"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise OutputError(
            f"cannot tell the format of {output}: use an extension of {', '.join(FORMATS)}"
        )
    sink = open_sink(fmt, output_dir=output.parent, if_exists=if_exists)
    batch = pa.Table.from_pandas(frame, preserve_index=False)
    with _writing(sink):
        sink.open_table(TableSpec(name=output.stem, schema=batch.schema))
        sink.write(output.stem, batch)
        sink.close_table(output.stem)
    return Path(sink.close()[0].location)


def _open(
    output_format: str,
    output_dir: str | Path | None,
    db_url: str | None,
    if_exists: str,
    sql_dialect: str,
) -> Sink:
    """The database at ``db_url``, else files of ``output_format`` in ``output_dir``."""
    return open_sink(
        DB_FORMAT if db_url else output_format,
        output_dir=output_dir,
        db_url=db_url,
        if_exists=if_exists,
        sql_dialect=sql_dialect,
    )


@contextlib.contextmanager
def _writing(sink: Sink) -> Iterator[Sink]:
    """Abort ``sink`` (remove partial files, roll back) when the block fails."""
    try:
        yield sink
    except BaseException:
        sink.abort()
        raise


def scan(
    source: str | Path, *, sample_size: int = 200, output: str | Path | None = None, seed: int = 0
) -> tuple[Any, str]:
    """Find PII in a table; propose a privacy plan (written to ``output`` when given)."""
    from syndata.privacy import audit
    from syndata.privacy.detect import detect_pii
    from syndata.privacy.plan import PrivacyPlan, dump_plan

    data = read_frame(source)
    report = detect_pii(data, sample_size=sample_size, seed=seed)
    text = dump_plan(PrivacyPlan.default_for(report.findings), output) if report.findings else ""
    audit.record(
        "profile",
        dataset=str(source),
        fingerprint=audit.fingerprint(data),
        rows=len(data),
        details={"pii_columns": report.columns},
    )
    return report, text


@_audited("evaluate")
def evaluate(
    real: str | Path | pd.DataFrame,
    synthetic: str | Path | pd.DataFrame,
    *,
    metadata: Any = None,
    target: str | None = None,
    seed: int = 0,
) -> Any:
    """Quality of a synthetic table against the real one (files or DataFrames)."""
    from syndata.quality import evaluate as quality_of

    real_df = real if isinstance(real, pd.DataFrame) else read_frame(real)
    synth_df = synthetic if isinstance(synthetic, pd.DataFrame) else read_frame(synthetic)
    return quality_of(
        real_df, synth_df, metadata, target=target, ml_efficacy=target is not None, seed=seed
    )
