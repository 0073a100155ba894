"""Mask a real table with a privacy plan and write it out."""

from __future__ import annotations

from pathlib import Path

from syndata.pipeline.inputs import PlanSource, load_privacy_plan, read_frame
from syndata.pipeline.outputs import write_frame
from syndata.pipeline.results import MaskResult


def mask(
    source: str | Path,
    *,
    plan: PlanSource,
    output: str | Path,
    if_exists: str = "fail",
    table: str | None = None,
) -> MaskResult:
    """Mask a real table with a privacy plan and write it (format from ``output``)."""
    from syndata.privacy import audit
    from syndata.privacy.masking import mask_frame

    data = read_frame(source)
    privacy_plan = load_privacy_plan(plan, list(data.columns), table)
    result = mask_frame(data, privacy_plan, table=table)
    path = write_frame(result.frame, Path(output), if_exists)
    columns = {c: r.to_dict() for c, r in result.columns.items()}
    audit.record(
        "mask",
        dataset=str(source),
        fingerprint=audit.fingerprint(data),
        rows=len(data),
        details={"output": str(path), "columns": list(columns)},
    )
    return MaskResult(path, len(result.frame), columns)
