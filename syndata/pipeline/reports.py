"""Look at real and synthetic tables: profile, scan for PII, evaluate quality."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from syndata.pipeline.auditing import audited
from syndata.pipeline.inputs import read_frame

if TYPE_CHECKING:
    from syndata.metadata import TableMetadata
    from syndata.privacy.pii_findings import PiiReport
    from syndata.profiling import Profile
    from syndata.quality import QualityReport


@audited("profile")
def profile(
    source: str | Path | None = None,
    *,
    db_url: str | None = None,
    table: str | None = None,
    sample_size: int = 100_000,
    seed: int = 0,
) -> Profile:
    """Profile a table (a file or a database table); see ``syndata.profiling``."""
    from syndata.profiling import profile_source

    return profile_source(source, db_url=db_url, table=table, sample_size=sample_size, seed=seed)


def scan(
    source: str | Path, *, sample_size: int = 200, output: str | Path | None = None, seed: int = 0
) -> tuple[PiiReport, str]:
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


@audited("evaluate")
def evaluate(
    real: str | Path | pd.DataFrame,
    synthetic: str | Path | pd.DataFrame,
    *,
    metadata: TableMetadata | None = None,
    target: str | None = None,
    seed: int = 0,
) -> QualityReport:
    """Quality of a synthetic table against the real one (files or DataFrames)."""
    from syndata.quality import evaluate as quality_of

    real_df = real if isinstance(real, pd.DataFrame) else read_frame(real)
    synth_df = synthetic if isinstance(synthetic, pd.DataFrame) else read_frame(synthetic)
    return quality_of(
        real_df, synth_df, metadata, target=target, ml_efficacy=target is not None, seed=seed
    )
