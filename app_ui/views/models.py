"""Models: the registry's models, each version's metrics and reports, aliases, sampling."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from app_ui import charts
from app_ui.data import outputs_of
from app_ui.widgets import (
    consistency_section,
    download_buttons,
    job_outcome,
    level_box,
    score_panel,
    share_column,
    show_error,
    wait_for_job,
)
from syndata import settings
from syndata.client import ServiceClient
from syndata.errors import ApiError

STATE = "models"


def render(api: ServiceClient) -> None:
    """The Models page."""
    st.title(":material/inventory_2: Models")
    st.caption(
        "Fitted models in the MLflow registry: versions, quality and privacy reports, "
        "aliases such as `champion`, and sampling from any version."
    )
    mlflow = settings.mlflow_ui_url()
    try:
        models = api.models()
    except ApiError as exc:
        show_error(exc, prefix="cannot list the models")
        return
    if not models:
        st.info("No model yet: fit one on the Generate page.")
        st.link_button("Open the MLflow UI", mlflow)
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "model": m.get("name"),
                    "latest version": m.get("version"),
                    "type": m.get("model_type"),
                    "quality": m.get("quality"),
                    "aliases": ", ".join(f"{a}→v{v}" for a, v in (m.get("aliases") or {}).items()),
                    "created": str(m.get("created") or "")[:19].replace("T", " "),
                }
                for m in models
            ]
        ),
        hide_index=True,
        key="models_table",
        column_config={"quality": share_column("quality")},
    )

    names = [str(m["name"]) for m in models]
    name = st.selectbox("Model", names, key="models_name")
    if not name:
        return
    try:
        model = api.model(str(name))
    except ApiError as exc:
        show_error(exc)
        return
    versions: list[dict[str, Any]] = sorted(  # newest first
        model.get("versions") or [], key=lambda v: int(str(v.get("version") or 0)), reverse=True
    )
    st.subheader(f"{name}")
    st.link_button("Open in MLflow ↗", f"{mlflow}/#/models/{quote(str(name))}")
    aliases = model.get("aliases") or {}
    if aliases:
        st.markdown("Aliases: " + ", ".join(f"`{name}@{a}` → v{v}" for a, v in aliases.items()))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "version": v.get("version"),
                    "created": str(v.get("created") or "")[:19],
                    "aliases": ", ".join(v.get("aliases") or []),
                    "type": (v.get("tags") or {}).get("model_type"),
                    **{k: v2 for k, v2 in (v.get("metrics") or {}).items()},
                }
                for v in versions
            ]
        ),
        hide_index=True,
        key="models_versions",
    )

    labels = {
        str(v["version"]): f"v{v['version']}"
        + (f" ({', '.join(v['aliases'])})" if v.get("aliases") else "")
        for v in versions
    }
    version = st.selectbox(
        "Version", list(labels), key="models_version", format_func=lambda v: labels.get(v, v)
    )
    if version is None:
        return
    chosen = next(v for v in versions if str(v["version"]) == str(version))
    _reports(chosen)
    _alias(api, str(name), str(version))
    _sample(api, str(name), str(version))


def _reports(version: dict[str, Any]) -> None:
    artifacts = version.get("artifacts") or {}
    quality = artifacts.get("quality") or {}
    privacy = artifacts.get("privacy") or {}
    cols = score_panel(quality.get("overall"), privacy, quality)
    fit_rows = int((version.get("metrics") or {}).get("fit_rows") or 0)
    cols[3].metric("Fit rows", f"{fit_rows:,}")
    chart = charts.column_scores_chart(quality.get("columns") or [])
    if chart is not None:
        st.altair_chart(chart, key="models_scores_chart")
    consistency_section(quality, key="models_consistency")
    checks = privacy.get("checks") or []
    if checks:
        with st.expander("Privacy checks"):
            for check in checks:
                level_box(
                    {"pass": "success", "warn": "warning", "fail": "error"}.get(
                        str(check.get("verdict")), "info"
                    ),
                    f"**{check.get('part')}**: {check.get('verdict')} — {check.get('reason')}",
                )
    with st.expander("Quality report (JSON)"):
        st.json(quality or {}, expanded=False)
    with st.expander("Parameters and tags"):
        st.code(
            json.dumps(
                {
                    "params": version.get("params"),
                    "tags": version.get("tags"),
                    "run_id": version.get("run_id"),
                    "uri": version.get("uri"),
                },
                indent=2,
            ),
            language="json",
        )


def _alias(api: ServiceClient, name: str, version: str) -> None:
    st.markdown("**Set an alias**")
    cols = st.columns([2, 1, 3])
    alias = cols[0].text_input(
        "Alias",
        "champion",
        key="models_alias",
        help=f"Letters, digits, '_' and '-'; sample jobs can then use `{name}@<alias>`",
        label_visibility="collapsed",
    )
    if cols[1].button(f"Point at v{version}", key="models_set_alias"):
        try:
            done = api.set_alias(name, alias.strip(), version)
        except ApiError as exc:
            show_error(exc, prefix="cannot set the alias")
        else:
            st.success(
                f"`{done['reference']}` now points at version {done['version']}.",
                icon=":material/sell:",
            )


def _sample(api: ServiceClient, name: str, version: str) -> None:
    st.markdown(f"**Sample from v{version}**")
    state: dict[str, Any] = st.session_state.setdefault(STATE, {})
    cols = st.columns([1, 1, 1])
    rows = cols[0].number_input(
        "Rows",
        1,
        100_000_000,
        1000,
        step=100,
        key="models_rows",
        help="Single-table models: rows; several tables: use the scale instead",
    )
    scale = cols[1].number_input(
        "Scale (several tables)",
        0.0,
        1000.0,
        0.0,
        0.5,
        key="models_scale",
        help="0: sample rows instead",
    )
    seed = cols[2].number_input("Seed", 0, 2**31 - 1, 1, key="models_seed")
    if st.button("Sample", key="models_sample", type="primary"):
        params: dict[str, Any] = {"model": f"{name}:{version}", "seed": int(seed)}
        params.update({"scale": float(scale)} if scale else {"rows": int(rows)})
        try:
            job = api.submit("sample", params)
        except ApiError as exc:
            show_error(exc, prefix="sampling was refused")
            return
        state["sample_job"] = wait_for_job(api, job, label=f"Sampling {name} v{version}")
        job_outcome(state["sample_job"], "Sampling")
    sampled = state.get("sample_job")
    if (
        sampled
        and sampled.get("status") == "completed"
        and str((sampled.get("params") or {}).get("model")) == f"{name}:{version}"
    ):
        for output in outputs_of(sampled):
            st.caption(f"`{output['table']}`: {int(output.get('rows') or 0):,} rows")
            download_buttons(
                api, str(sampled["job_id"]), str(output["table"]), key_prefix="models_dl"
            )
