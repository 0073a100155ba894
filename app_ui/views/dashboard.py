"""Dashboard: job figures (GET /stats), Prometheus metrics (GET /metrics), recent jobs."""

from __future__ import annotations

import streamlit as st

from app_ui import charts
from app_ui.data import jobs_frame, metric, parse_prometheus
from app_ui.widgets import show_error
from syndata.client import ServiceClient
from syndata.errors import ApiError


def render(api: ServiceClient) -> None:
    """The Dashboard page."""
    st.title(":material/monitoring: Dashboard")
    st.caption("What the service has done: jobs, rows, queue, models.")
    st.button("Refresh", icon=":material/refresh:", key="dash_refresh")
    try:
        stats = api.stats()
    except ApiError as exc:
        show_error(exc, prefix="cannot read the statistics")
        return
    jobs = stats.get("jobs") or {}
    cols = st.columns(6)
    cols[0].metric("Jobs", f"{stats.get('total', 0):,}")
    cols[1].metric("Completed", f"{jobs.get('completed', 0):,}")
    cols[2].metric("Failed", f"{jobs.get('failed', 0):,}")
    cols[3].metric("Running", f"{stats.get('running', 0):,}")
    cols[4].metric("Queued", f"{stats.get('queue_depth', 0):,}")
    cols[5].metric("Rows generated", f"{stats.get('rows_generated', 0):,}")

    more = st.columns(4)
    more[0].metric("Datasets", f"{stats.get('datasets', 0):,}")
    try:
        models = api.models()
        more[1].metric("Models", f"{len(models):,}")
    except ApiError:
        more[1].metric("Models", "–")
    more[2].metric("Workers", str(stats.get("worker_mode") or "–"))
    try:
        samples = parse_prometheus(api.metrics_text())
    except ApiError as exc:
        show_error(exc, prefix="cannot read /metrics")
        samples = {}
    count = metric(samples, "syndata_generation_duration_seconds_count")
    total = metric(samples, "syndata_generation_duration_seconds_sum")
    mean = total / count if count and total is not None else None
    more[3].metric(
        "Mean generation time",
        f"{mean:.2f} s" if mean is not None else "–",
        help="syndata_generation_duration_seconds over completed generate and "
        "sample jobs (from /metrics)",
    )

    left, right = st.columns([1, 2])
    with left:
        st.altair_chart(
            charts.status_chart({s: int(jobs.get(s, 0)) for s in charts.STATUSES}),
            key="dash_status_chart",
        )
        if samples:
            with st.expander("Prometheus metrics"):
                st.dataframe(
                    [
                        {
                            "metric": name
                            + (
                                "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}"
                                if labels
                                else ""
                            ),
                            "value": value,
                        }
                        for (name, labels), value in samples.items()
                        if not name.endswith("_bucket")
                    ],
                    hide_index=True,
                    key="dash_metrics",
                )
    with right:
        st.markdown("**Recent jobs**")
        try:
            recent = api.jobs(page_size=10)["jobs"]
        except ApiError as exc:
            show_error(exc, prefix="cannot list the jobs")
            return
        if recent:
            st.dataframe(
                jobs_frame(recent),
                hide_index=True,
                key="dash_recent",
                column_order=["job", "type", "status", "progress", "rows", "created", "seconds"],
                column_config={
                    "progress": st.column_config.ProgressColumn(
                        "progress", min_value=0.0, max_value=1.0, format="percent"
                    )
                },
            )
        else:
            st.info("No jobs yet.")
