"""Streamlit pieces shared by the pages: errors, job progress, downloads, score badges."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from app_ui.data import consistency_rows, pct, privacy_level, quality_verdict
from syndata.client import FINISHED, ServiceClient
from syndata.errors import ApiError

T = TypeVar("T")

FORMATS = {
    "csv": ("CSV", "text/csv"),
    "parquet": ("Parquet", "application/vnd.apache.parquet"),
    "sql": ("SQL", "application/sql"),
    "jsonl": ("JSON Lines", "application/x-ndjson"),
}
JOB_TIMEOUT = 900.0
STATUS_ICONS = {
    "queued": ":material/hourglass_empty:",
    "running": ":material/directions_run:",
    "completed": ":material/check_circle:",
    "failed": ":material/error:",
    "cancelled": ":material/block:",
}


def show_error(error: ApiError, *, prefix: str = "") -> None:
    """The API's error as readable text (never a traceback)."""
    st.error((f"{prefix}: " if prefix else "") + error.text(), icon=":material/error:")


def call(fn: Callable[[], T], *, prefix: str = "") -> T | None:
    """``fn()``, or None after showing its ``ApiError``."""
    try:
        return fn()
    except ApiError as exc:
        show_error(exc, prefix=prefix)
        return None


def share_column(name: str) -> Any:
    """A table column of shares (0 to 1) shown as a bar with a percentage."""
    return st.column_config.ProgressColumn(name, min_value=0.0, max_value=1.0, format="percent")


def level_box(level: str, text: str) -> None:
    """``text`` in a success, warning, error or info box."""
    {"success": st.success, "warning": st.warning, "error": st.error}.get(level, st.info)(text)


def wait_for_job(
    api: ServiceClient,
    job: dict[str, Any],
    *,
    label: str,
    timeout: float = JOB_TIMEOUT,
    interval: float = 0.4,
) -> dict[str, Any]:
    """Follow a job with a live progress bar until it finishes (or ``timeout`` passes).

    Returns the last state read; a job still running after ``timeout`` is left running
    (the Jobs page follows it).
    """
    bar = st.progress(0.0, text=f"{label}: queued")
    deadline = time.monotonic() + timeout
    current = job
    while True:
        progress = min(max(float(current.get("progress") or 0.0), 0.0), 1.0)
        bar.progress(
            progress, text=f"{label}: {current.get('stage') or current['status']} ({progress:.0%})"
        )
        if current["status"] in FINISHED:
            break
        if time.monotonic() > deadline:
            st.warning(
                f"{label} is still {current['status']} after {timeout:.0f} s; follow "
                f"job `{current['job_id']}` on the Jobs page."
            )
            return current
        time.sleep(interval)
        try:
            current = api.job(str(current["job_id"]))
        except ApiError as exc:
            show_error(exc, prefix=f"cannot follow job {current['job_id']}")
            return current
    bar.empty()
    return current


def job_outcome(job: dict[str, Any], what: str) -> bool:
    """Say how a finished job ended; True when it completed."""
    status = job.get("status")
    if status == "completed":
        seconds = job.get("duration_seconds")
        took = f" in {seconds:.1f} s" if isinstance(seconds, int | float) else ""
        st.success(
            f"{what} completed{took} (job `{job['job_id']}`).", icon=":material/check_circle:"
        )
        return True
    if status in ("failed", "cancelled"):
        st.error(
            f"{what} {status} (job `{job['job_id']}`): {job.get('error') or 'no reason'}",
            icon=":material/error:",
        )
    return False


def download_buttons(
    api: ServiceClient,
    job_id: str,
    table: str,
    *,
    key_prefix: str,
    formats: tuple[str, ...] = ("csv", "parquet", "sql"),
) -> None:
    """One download button per format of a finished job's output ``table``.

    The file is fetched from the API only when its button is clicked.
    """
    columns = st.columns(len(formats))
    for column, fmt in zip(columns, formats, strict=True):
        name, mime = FORMATS[fmt]
        with column:
            st.download_button(
                f"{table}.{fmt}",
                data=_fetcher(api, job_id, table, fmt),
                file_name=f"{table}.{fmt}",
                mime=mime,
                key=f"{key_prefix}_{fmt}_{table}",
                icon=":material/download:",
                help=f"Download table {table} as {name}",
                on_click="ignore",
                width="stretch",
            )


def zip_button(
    api: ServiceClient, job_id: str, *, key: str, label: str = "every table (.zip)"
) -> None:
    """A download button for a zip of every output of a finished job."""
    st.download_button(
        label,
        data=_fetcher(api, job_id, None, "zip"),
        file_name=f"{job_id}.zip",
        mime="application/zip",
        key=key,
        icon=":material/folder_zip:",
        on_click="ignore",
        help="All output files of the job in one zip",
    )


def _fetcher(api: ServiceClient, job_id: str, table: str | None, fmt: str) -> Callable[[], bytes]:
    def fetch() -> bytes:
        return api.result(job_id, table, fmt if table else "csv")

    return fetch


def quality_badge(score: float | None, *, label: str = "Quality score") -> None:
    """The overall quality score as a metric with its verdict."""
    verdict, level = quality_verdict(score)
    st.metric(
        label,
        pct(score),
        help="SDMetrics-style fidelity: column shapes and column "
        "pair trends of synthetic against real data (1 = same)",
    )
    level_box(level, f"Quality: **{verdict}**")


def privacy_badge(verdict: str | None, summary: str | None = None) -> None:
    """The privacy verdict as a metric, with the reasons behind it."""
    shown = (verdict or "not checked").upper()
    st.metric(
        "Privacy verdict",
        shown,
        help="Exact copies, distance to the closest real "
        "record and (optionally) re-identification attacks",
    )
    reasons = [line.lstrip("- ") for line in (summary or "").splitlines()[1:] if line.strip()]
    level_box(
        privacy_level(verdict),
        f"Privacy: **{verdict or 'not checked'}**" + "".join(f"\n- {r}" for r in reasons),
    )


def status_label(status: str, *, icon: bool = True) -> str:
    """``completed`` with its Material icon (Markdown), or as it is (``icon=False``)."""
    return f"{STATUS_ICONS.get(status, '')} {status}".strip() if icon else status


def score_panel(overall: Any, privacy: dict[str, Any], quality: dict[str, Any]) -> Any:
    """Quality and privacy badges with the shape, pair-trend and consistency scores.

    Returns the four metric columns; the fourth is left for the caller's own figure.
    """
    left, middle, right = st.columns([1, 1, 3])
    with left:
        quality_badge(overall)
    with middle:
        privacy_badge(privacy.get("verdict"), privacy.get("summary"))
    with right:
        cols = st.columns(4)
    cols[0].metric("Column shapes", pct(quality.get("column_shapes")))
    cols[1].metric("Pair trends", pct(quality.get("column_pair_trends")))
    cols[2].metric(
        "Consistency",
        pct(quality.get("consistency")),
        help="Beside the quality score, not part of it: 1 minus the share of synthetic "
        "rows breaking a rule every real row obeys, averaged over the rules",
    )
    return cols


def consistency_section(quality: dict[str, Any], *, key: str) -> None:
    """Each rule the real rows obey, with the share of real and synthetic rows breaking it."""
    rows = consistency_rows(quality)
    broken = sum(1 for r in rows if r["rows breaking it"])
    title = (
        f"Consistency: {len(rows)} rule(s) of the real rows, {broken} broken by synthetic rows"
        if rows
        else "Consistency: no rule found that every real row obeys"
    )
    with st.expander(title, expanded=broken > 0):
        if rows:
            st.dataframe(
                pd.DataFrame(rows),
                hide_index=True,
                key=key,
                column_config={
                    "real": share_column("real rows breaking it"),
                    "synthetic": share_column("synthetic rows breaking it"),
                },
            )
