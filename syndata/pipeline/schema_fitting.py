"""Fit a schema: read, check integrity, guard PII, fit, evaluate and register the model."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from syndata.errors import ConfigError, Problem
from syndata.io import read_tables
from syndata.metadata import Metadata, Relationship
from syndata.model_store import ModelStore, model_store
from syndata.models.base import MultiTableSynthesizer
from syndata.pipeline.auditing import audited, safe_source
from syndata.pipeline.holdout import split_schema
from syndata.pipeline.inputs import PlanSource, load_privacy_plan
from syndata.pipeline.results import FitResult, Progress, stepper

if TYPE_CHECKING:
    from syndata.consistency import Invariant
    from syndata.consistency.declared import ConstraintSpec
    from syndata.privacy.plan import PrivacyPlan

SCHEMA_EVAL_ROWS = 500_000  # a schema's fit is scored on a sample of about this many rows


@audited("fit")
def fit_schema(
    source: str | Path | Mapping[str, pd.DataFrame],
    *,
    name: str,
    model: str = "hierarchical",
    params: Mapping[str, object] | None = None,
    metadata: Metadata | None = None,
    tables: list[str] | None = None,
    orphans: str = "stop",
    holdout: float = 0.2,
    seed: int = 0,
    plan: PlanSource | None = None,
    pii: str = "stop",
    attacks: bool = True,
    progress: Progress | None = None,
    project: str = "default",
    store: ModelStore | None = None,
    constraints: Mapping[str, Sequence[ConstraintSpec]] | None = None,
) -> FitResult[MultiTableSynthesizer]:
    """Read, check, fit, evaluate and register a model of a relational schema.

    The model is saved in ``project`` of ``store`` (default: the installed model store,
    ``syndata.model_store``).

    ``source`` is a folder with one file per table, a database URL, or ``{table: frame}``.
    Without ``metadata`` the keys and relationships are detected (a database's declared
    foreign keys first). Orphan foreign keys stop the fit unless ``orphans`` is ``drop``
    (drop those child rows) or ``null`` (set their key to null).

    ``holdout`` (default 20%) of the rows are kept out of training, without breaking a
    foreign key (``split_schema``), for a privacy report per table (copies, distance to
    closest record, and with ``attacks`` anonymeter's attacks) against real rows the model
    never saw, and one verdict, the worst table's (``risk.schema_privacy_report``); 0
    trains on all rows and reports none. Scale 1 still samples the whole tables' sizes.

    ``constraints`` are a config's declared constraints by table: the real rows of each
    table must keep them (``ConfigError`` counts the rows that break one and says how to
    relax it, never showing a value), before anything is fitted.
    """
    from syndata.models import make_schema_model
    from syndata.models.auto import choices_of
    from syndata.privacy.risk import schema_privacy_report
    from syndata.quality import evaluate_schema
    from syndata.relations import check_integrity, detect_metadata, resolve_orphans

    step = stepper(progress, name, 6)
    started = time.perf_counter()
    store = store or model_store()
    synthesizer = make_schema_model(model, **(params or {}))
    step("read", 0)
    declared: list[Relationship] = []
    if isinstance(source, Mapping):
        frames = {str(k): v for k, v in source.items()}
    else:
        frames, declared = read_tables(source, tables=tables)
    step("detect", 1)
    meta = metadata or detect_metadata(frames, declared=declared)
    integrity = check_integrity(frames, meta).to_dict()
    frames = resolve_orphans(frames, meta, orphans)
    frames, personal = _guard_tables(frames, meta, load_privacy_plan(plan), pii, seed)
    kept = _check_declared(constraints or {}, frames)
    split = split_schema(frames, meta, holdout, seed, kept=_reference_tables(synthesizer))
    step("fit", 2)
    _fit_on(synthesizer, split.train, frames, meta, kept)
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
    metrics: dict[str, object] = {
        f"quality.{k}": quality[k]
        for k in (
            "overall",
            "column_shapes",
            "column_pair_trends",
            "cardinality",
            "intertable_trends",
            "consistency",
        )
    }
    metrics["fit_rows"] = float(rows)
    metrics["tables"] = float(len(frames))
    if "tables" in privacy:
        metrics["privacy.tables_measured"] = float(len(privacy["tables"]))
    source_text = "dataframes" if isinstance(source, Mapping) else safe_source(str(source))
    chosen = {t: c.to_dict() for t, c in choices_of(synthesizer).items()}
    ref = store.log_model(
        synthesizer,
        name,
        params={"source": source_text, "orphans": orphans, "holdout": holdout},
        metrics=metrics,
        artifacts={
            "quality": quality,
            "integrity": integrity,
            "privacy": privacy,
            **({"choices": chosen} if chosen else {}),
        },
        project=project,
    )
    step("done", 6)
    return FitResult(ref, synthesizer, quality, privacy, time.perf_counter() - started, rows)


def _check_declared(
    constraints: Mapping[str, Sequence[ConstraintSpec]], frames: Mapping[str, pd.DataFrame]
) -> dict[str, list[Invariant]]:
    """Each table's declared constraints, checked against its real rows, as invariants.

    Raises ConfigError if the real rows break any, or a table is not in the schema.
    """
    from syndata.pipeline.fitting import declared_invariants

    unknown = [t for t, specs in constraints.items() if specs and t not in frames]
    if unknown:
        raise ConfigError(
            [
                Problem(
                    "tables",
                    f"constraints declared for table '{t}', which the schema does not have",
                    f"name one of {', '.join(frames)} (table_name in the config)",
                )
                for t in unknown
            ]
        )
    return {
        table: declared_invariants(specs, frames[table], table)
        for table, specs in constraints.items()
        if specs
    }


def _reference_tables(synthesizer: MultiTableSynthesizer) -> frozenset[str]:
    """Tables the model keeps as they are (``reference``): never held out."""
    from syndata.models.hierarchical import REFERENCE

    models = getattr(synthesizer, "table_models", None) or {}
    return frozenset(t for t, m in models.items() if m == REFERENCE)


def _fit_on(
    synthesizer: MultiTableSynthesizer,
    train: Mapping[str, pd.DataFrame],
    frames: Mapping[str, pd.DataFrame],
    meta: Metadata,
    constraints: Mapping[str, Sequence[Invariant]],
) -> None:
    """Fit on the training rows; scale 1 stands for the whole tables, held-out rows too.

    The held-out rows' personal values are kept out of samples as well; each table's
    model keeps its declared ``constraints`` besides the rules it finds.
    """
    from syndata.models.hierarchical import HierarchicalSynthesizer

    if isinstance(synthesizer, HierarchicalSynthesizer):
        sizes = {t: len(f) for t, f in frames.items()}
        synthesizer.fit(train, meta, sizes=sizes, constraints=constraints)
        synthesizer.exclude_values_of(frames)
    else:
        synthesizer.fit(train, meta)


def _guard_tables(
    frames: dict[str, pd.DataFrame],
    meta: Metadata,
    plan: PrivacyPlan | None,
    pii: str,
    seed: int,
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
    out: dict[str, pd.DataFrame] = {}
    report: dict[str, Any] = {}
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
