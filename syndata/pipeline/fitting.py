"""Fit one table: PII guard, profile, fit, evaluate and register a single-table model."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from syndata.model_store import ModelStore, model_store
from syndata.pipeline.auditing import audited
from syndata.pipeline.inputs import (
    PlanSource,
    load_privacy_plan,
    masked,
    parquet_frames,
    parquet_rows,
    parquet_sample,
    read_frame,
    split_rows,
    stream_source,
    table_name_of,
)
from syndata.pipeline.results import FitResult, Progress, stepper

if TYPE_CHECKING:
    from syndata.consistency import Invariant
    from syndata.consistency.declared import ConstraintSpec
    from syndata.metadata import TableMetadata
    from syndata.models.base import Synthesizer

EVAL_ROWS = 20_000  # synthetic rows sampled to score a single-table fit
STREAM_SAMPLE_ROWS = 200_000  # rows of a streamed Parquet input profiled and guarded


@audited("fit")
def fit(
    source: str | Path | pd.DataFrame,
    *,
    model: str = "auto",
    name: str,
    params: Mapping[str, object] | None = None,
    metadata: TableMetadata | None = None,
    db_url: str | None = None,
    table: str | None = None,
    holdout: float = 0.2,
    seed: int = 0,
    plan: PlanSource | None = None,
    pii: str = "stop",
    attacks: bool = True,
    progress: Progress | None = None,
    project: str = "default",
    store: ModelStore | None = None,
    constraints: Sequence[ConstraintSpec] = (),
) -> FitResult[Synthesizer]:
    """Detect PII, apply the privacy plan, profile, fit, evaluate and register a model.

    The model is saved in ``project`` of ``store`` (default: the installed model store,
    ``syndata.model_store``).

    PII columns must be decided by ``plan`` (a ``PrivacyPlan`` or its file): masked,
    regenerated, allowed or dropped; ``pii="regenerate"`` regenerates undecided ones,
    ``"stop"`` (default) raises ``PrivacyError`` listing them (``syndata.privacy.guard``).
    ``holdout`` (default 20%) of the rows are kept out of training to measure ML efficacy
    and the privacy report (copies, distance to closest record, and with ``attacks``
    anonymeter's attacks) against real rows the model never saw; 0 trains on all rows.
    Parquet inputs with more than ``STREAM_FIT_ROWS`` rows fitted with the copula (or
    ``auto``, which then takes the copula) are
    read in two streaming passes (memory stays bounded); such a fit reads every row, so
    it reports quality but no held-out ML efficacy or privacy report.
    ``constraints`` are a config's declared constraints of the table: the real rows must
    keep them (``ConfigError`` counts the rows that break one and says how to relax it),
    and the model keeps them with the rules it discovers.
    """
    from syndata.models import make_model
    from syndata.models.auto import choices_of
    from syndata.privacy.guard import guard
    from syndata.privacy.risk import privacy_report
    from syndata.profiling import profile_table
    from syndata.quality import evaluate as quality_of

    step = stepper(progress, name, 5)
    started = time.perf_counter()
    store = store or model_store()
    synthesizer = make_model(model, **(params or {}))
    step("read", 0)
    streaming = stream_source(source, model)
    if streaming is not None:
        data = parquet_sample(streaming, STREAM_SAMPLE_ROWS, seed)
        rows = parquet_rows(streaming)
    else:
        data = (
            source
            if isinstance(source, pd.DataFrame)
            else read_frame(source, db_url=db_url, table=table)
        )
        rows = len(data)
    tname = table_name_of("table" if isinstance(source, pd.DataFrame) else source, table)
    step("profile", 1)
    privacy_plan = load_privacy_plan(plan, list(data.columns))
    guarded = guard(data, privacy_plan, undecided=pii, seed=seed)
    data = guarded.frame
    prof = profile_table(data, tname, total_rows=rows)
    prof.mark_pii([f for f in guarded.findings.findings if f.column in data])
    meta = metadata or prof.metadata
    for column, entity in guarded.regenerate.items():
        if column in meta.columns:
            meta.columns[column].pii = entity
    # a streamed fit reads every row, so none is held out: no ML efficacy or copy rate
    declared = declared_invariants(constraints, data, tname)
    train, test = split_rows(data, 0.0 if streaming is not None else holdout, seed)
    step("fit", 2)
    if streaming is not None:
        path = streaming
        synthesizer.fit_batches(
            lambda: masked(parquet_frames(path), privacy_plan),
            meta,
            seed=seed,
            constraints=declared,
        )
    else:
        synthesizer.fit(train, meta, constraints=declared)
        synthesizer.exclude_values_of(data)  # held-out people's values stay out too
    step("evaluate", 3)
    n_eval = min(len(train), EVAL_ROWS)
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
    chosen = choices_of(synthesizer)
    ref = store.log_model(
        synthesizer,
        name,
        params={
            "source": str(source) if not isinstance(source, pd.DataFrame) else "dataframe",
            "holdout": holdout,
            **({"chosen_model": chosen[""].model} if chosen else {}),
        },
        metrics=_metrics(quality, privacy, rows),
        artifacts={
            "metadata": meta.to_dict(),
            "profile": prof.to_dict(),
            "quality": quality,
            "privacy": privacy,
            **({"choice": chosen[""].to_dict()} if chosen else {}),
        },
        project=project,
    )
    step("done", 5)
    return FitResult(ref, synthesizer, quality, privacy, time.perf_counter() - started, rows)


def _metrics(
    quality: Mapping[str, Any], privacy: Mapping[str, Any], rows: int
) -> dict[str, object]:
    """The numbers a single-table fit registers with its model."""
    metrics: dict[str, object] = {
        "quality.overall": quality["overall"],
        "quality.column_shapes": quality["column_shapes"],
        "quality.column_pair_trends": quality["column_pair_trends"],
        "quality.consistency": quality.get("consistency"),
        "fit_rows": float(rows),
    }
    if quality.get("ml_efficacy"):
        metrics["ml_efficacy.difference"] = quality["ml_efficacy"]["difference"]
    for key in ("synthetic_copy_rate", "holdout_copy_rate"):
        if key in privacy.get("copies", {}):
            metrics[f"privacy.{key}"] = privacy["copies"][key]
    if "dcr" in privacy:
        metrics["privacy.dcr_share_closer_to_train"] = privacy["dcr"].get("share_closer_to_train")
    return metrics


def declared_invariants(
    constraints: Sequence[ConstraintSpec], data: pd.DataFrame, table: str
) -> list[Invariant]:
    """The invariants of a table's declared constraints, after checking the real rows.

    Raises ``ConfigError`` listing each constraint the real rows break (rows and share,
    never a value) with how to relax it.
    """
    from syndata.consistency.declared import broken_by_real, invariants_of
    from syndata.errors import ConfigError, Problem

    if not constraints:
        return []
    problems = broken_by_real(list(constraints), data, table)
    if problems:
        fix = "edit the constraint as said, or fix the data"
        raise ConfigError([Problem("", p, fix) for p in problems])
    return invariants_of(list(constraints), data)
