"""Jobs: the list with a status filter, one job's progress and log, cancel, download."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from app_ui.data import jobs_frame, outputs_of
from app_ui.widgets import download_buttons, share_column, show_error, status_label, zip_button
from syndata.client import FINISHED, ServiceClient
from syndata.errors import ApiError

STATUSES = ["all", "queued", "running", "completed", "failed", "cancelled"]


def render(api: ServiceClient) -> None:
    """The Jobs page."""
    st.title(":material/work_history: Jobs")
    st.caption(
        "Every job the service ran or is running: generate, fit, sample, profile, "
        "mask and evaluate."
    )
    cols = st.columns([2, 1, 1, 1])
    status = cols[0].selectbox(
        "Status", STATUSES, key="jobs_status", help="Only jobs in this status"
    )
    page_size = cols[1].selectbox("Per page", [20, 50, 100], key="jobs_page_size")
    page = cols[2].number_input("Page", 1, 100_000, 1, key="jobs_page")
    with cols[3]:
        st.write("")
        st.button(
            "Refresh",
            icon=":material/refresh:",
            key="jobs_refresh",
            help="Read the jobs again",
            width="stretch",
        )
    try:
        listing = api.jobs(
            status=None if status == "all" else str(status),
            page=int(page),
            page_size=int(page_size),
        )
    except ApiError as exc:
        show_error(exc, prefix="cannot list the jobs")
        return
    jobs: list[dict[str, Any]] = listing["jobs"]
    st.caption(
        f"{listing['total']:,} job(s)"
        + ("" if status == "all" else f" {status}")
        + f", page {page}."
    )
    if not jobs:
        st.info("No jobs here yet. Start one on the Generate or Rule-based page.")
        return
    st.dataframe(
        jobs_frame(jobs),
        hide_index=True,
        key="jobs_table",
        column_config={"progress": share_column("progress")},
    )

    ids = [str(j["job_id"]) for j in jobs]
    by_id = {str(j["job_id"]): j for j in jobs}
    selected = st.selectbox(
        "Job",
        ids,
        key="jobs_selected",
        format_func=lambda i: f"{i} · {by_id[i]['job_type']} · {by_id[i]['status']}",
    )
    if selected:
        _details(api, str(selected))


def _details(api: ServiceClient, job_id: str) -> None:
    try:
        job = api.job(job_id)
    except ApiError as exc:
        show_error(exc)
        return
    st.subheader(f"{status_label(job['status'])} · {job['job_type']} · `{job_id}`")
    progress = min(max(float(job.get("progress") or 0.0), 0.0), 1.0)
    st.progress(progress, text=f"{job.get('stage') or job['status']} ({progress:.0%})")
    cols = st.columns(4)
    cols[0].metric("Status", job["status"])
    cols[1].metric("Rows", f"{int(job.get('rows') or 0):,}")
    seconds = job.get("duration_seconds")
    cols[2].metric("Seconds", f"{seconds:.1f}" if isinstance(seconds, int | float) else "–")
    cols[3].metric("Attempts", f"{job.get('attempts', 0)} / {job.get('max_attempts', 0)}")
    if job.get("error"):
        st.error(job["error"])
    if job["status"] not in FINISHED:
        if job.get("cancel_requested"):
            st.info("Cancellation requested; the worker stops the job within a second or two.")
        elif st.button(
            "Cancel job",
            key="jobs_cancel",
            type="primary",
            help="Stops a queued job at once, a running one within seconds",
        ):
            try:
                cancelled = api.cancel(job_id)
            except ApiError as exc:
                show_error(exc, prefix="cannot cancel")
            else:
                st.success(
                    f"Cancellation requested: job `{job_id}` is now {cancelled['status']}.",
                    icon=":material/block:",
                )
    if job["status"] == "completed":
        outputs = outputs_of(job)
        for output in outputs:
            download_buttons(api, job_id, str(output["table"]), key_prefix="jobs_dl")
        if (job.get("result") or {}).get("outputs"):
            zip_button(api, job_id, key="jobs_dl_zip", label="every output (.zip)")
    with st.expander("Parameters and result"):
        st.code(
            json.dumps(
                {"params": job.get("params"), "result": job.get("result")}, indent=2, default=str
            ),
            language="json",
        )
    st.markdown("**Log**")
    try:
        lines = api.logs(job_id, lines=200)
    except ApiError as exc:
        show_error(exc, prefix="cannot read the log")
        return
    text = "\n".join(
        f"{str(line.get('at') or '')[11:19]} {line.get('level', ''):7} "
        f"{line.get('message', '')}" + _extra(line)
        for line in lines
    )
    st.code(text or "(no log lines yet)", language=None)


def _extra(line: dict[str, Any]) -> str:
    extra = {k: v for k, v in line.items() if k not in ("at", "level", "message", "job_id")}
    return f"  {json.dumps(extra, default=str)}" if extra else ""
