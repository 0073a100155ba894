"""Generate: upload real data → profile → review PII → fit → sample → compare → download."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pandas as pd
import streamlit as st

from app_ui import charts
from app_ui.data import (
    DECISION_HELP,
    DECISIONS,
    MODEL_NAME,
    UPLOAD_TYPES,
    kinds_of,
    model_choices,
    model_name_for,
    outputs_of,
    pct,
    plan_from_review,
    profile_frame,
    read_frame,
    review_rows,
)
from app_ui.widgets import (
    call,
    consistency_section,
    download_buttons,
    job_outcome,
    score_panel,
    show_error,
    wait_for_job,
    zip_button,
)
from syndata.client import ServiceClient
from syndata.errors import ApiError

STATE = "gen"
MODEL_HELP = (
    "auto: a held-out trial picks the engine per table and says why · "
    "gaussian_copula: fast, keeps marginals and correlations · cart: sequential "
    "decision trees, better on non-linear relations · hierarchical (several tables): "
    "parents first, children per parent, keys kept intact"
)
CHART_ROW_LIMIT = 1_000_000
PREVIEW_ROWS = 100


def _state() -> dict[str, Any]:
    state: dict[str, Any] = st.session_state.setdefault(STATE, {})
    return state


def render(api: ServiceClient) -> None:
    """The Generate page."""
    st.title(":material/science: Generate synthetic data")
    st.caption(
        "Upload real data, review its personal data, fit a model and download "
        "synthetic tables that keep its statistics — without its people."
    )
    state = _state()

    st.subheader("1 · Upload real data")
    files = st.file_uploader(
        "CSV, Parquet or JSON files — several files make a relational database",
        type=list(UPLOAD_TYPES),
        accept_multiple_files=True,
        key="gen_files",
        help="Each file is one table, named after the file. Keys and relationships between "
        "several tables are detected.",
    )
    signature = tuple((f.name, f.size) for f in files or [])
    if signature != state.get("signature"):
        state.clear()
        state["signature"] = signature
    if not files:
        st.info("Upload a table to start, e.g. `examples/data/penguins.csv`.")
        return
    if st.button(
        "Upload and profile",
        key="gen_profile",
        type="primary",
        help="Stores the files on the server and profiles them (a profile job)",
    ):
        _upload_and_profile(api, state, files)
    if not state.get("profiles"):
        return

    st.subheader("2 · Profile")
    _show_profiles(state)

    st.subheader("3 · Review personal data")
    plan = _pii_review(state)

    st.subheader("4 · Fit a model")
    _fit_step(api, state, plan)
    fit = state.get("fit_job")
    if not fit or fit.get("status") != "completed":
        return
    _show_scores(state)

    st.subheader("5 · Generate")
    _sample_step(api, state)
    sample = state.get("sample_job")
    if not sample or sample.get("status") != "completed":
        return
    st.subheader("6 · Compare and download")
    _show_results(api, state)


# ---------------------------------------------------------------------- upload + profile


def _upload_and_profile(api: ServiceClient, state: dict[str, Any], files: list[Any]) -> None:
    datasets: dict[str, dict[str, Any]] = {}
    frames: dict[str, pd.DataFrame] = {}
    with st.spinner(f"Uploading {len(files)} file(s)…"):
        for upload in files:
            data = upload.getvalue()
            try:
                frame = read_frame(upload.name, data)
            except Exception as exc:  # any parse error is the user's file, said plainly
                st.error(f"Cannot read {upload.name}: {type(exc).__name__}: {exc}")
                return
            try:
                dataset = api.upload_dataset(upload.name, data)
            except ApiError as exc:
                show_error(exc, prefix=f"upload of {upload.name} failed")
                return
            table = str(dataset["table"])
            if table in datasets:
                st.error(f"Two files make the same table {table!r}; rename one of them.")
                return
            datasets[table], frames[table] = dataset, frame
    jobs: dict[str, dict[str, Any]] = {}
    for table, dataset in datasets.items():
        try:
            jobs[table] = api.submit("profile", {"dataset": dataset["dataset_id"]})
        except ApiError as exc:
            show_error(exc, prefix=f"profiling {table} failed")
            return
    profiles: dict[str, dict[str, Any]] = {}
    for table, job in jobs.items():
        done = wait_for_job(api, job, label=f"Profiling {table}")
        if not job_outcome(done, f"Profile of {table}"):
            return
        try:
            bundle = zipfile.ZipFile(io.BytesIO(api.result(str(done["job_id"]))))
            profiles[table] = json.loads(bundle.read("profile.json"))
        except ApiError as exc:
            show_error(exc, prefix=f"cannot read the profile of {table}")
            return
        except (KeyError, zipfile.BadZipFile, ValueError) as exc:
            st.error(f"The profile job of {table} returned no readable profile.json ({exc}).")
            return
    signature = state.get("signature")
    state.clear()
    state.update(
        signature=signature, datasets=datasets, frames=frames, profiles=profiles, profile_jobs=jobs
    )


def _show_profiles(state: dict[str, Any]) -> None:
    profiles: dict[str, dict[str, Any]] = state["profiles"]
    tabs = st.tabs(list(profiles)) if len(profiles) > 1 else [st.container()]
    for tab, (table, profile) in zip(tabs, profiles.items(), strict=True):
        with tab:
            pii = [f["column"] for f in profile.get("pii") or []]
            cols = st.columns(5)
            cols[0].metric("Rows", f"{profile.get('rows', 0):,}")
            cols[1].metric("Columns", len(profile.get("columns") or []))
            cols[2].metric("Primary key", profile.get("primary_key") or "none")
            cols[3].metric("PII columns", len(pii))
            cols[4].metric("Duplicate rows", profile.get("duplicate_rows", 0))
            st.caption(
                f"`{table}` · dataset `{state['datasets'][table]['dataset_id']}` · "
                f"{profile.get('sample_note') or ''}"
            )
            for warning in profile.get("warnings") or []:
                st.warning(warning)
            st.dataframe(
                profile_frame(profile),
                hide_index=True,
                key=f"gen_profile_{table}",
                column_config={"nulls": st.column_config.NumberColumn(format="percent")},
            )


# ---------------------------------------------------------------------- PII review


def _pii_review(state: dict[str, Any]) -> dict[str, Any] | None:
    profiles: dict[str, dict[str, Any]] = state["profiles"]
    tables = list(profiles)
    findings = {t: p.get("pii") or [] for t, p in profiles.items()}
    flagged = {(t, str(f["column"])) for t, found in findings.items() for f in found}
    options = [
        f"{t}.{c['name']}" if len(tables) > 1 else str(c["name"])
        for t, p in profiles.items()
        for c in p.get("columns") or []
        if (t, str(c["name"])) not in flagged
    ]
    extra_picked = st.multiselect(
        "Also protect these columns",
        options,
        key="gen_pii_extra",
        help="Columns the detector did not flag but you consider personal or sensitive",
    )
    extra: dict[str, list[str]] = {}
    for label in extra_picked:
        table, column = label.split(".", 1) if len(tables) > 1 else (tables[0], label)
        extra.setdefault(table, []).append(column)
    review = review_rows(findings, extra)
    if review.empty:
        st.success(
            "No personal data detected: every column is learned as it is.", icon=":material/shield:"
        )
        return None
    st.caption("Choose what happens to each column before the model sees it. " + DECISION_HELP)
    edited = st.data_editor(
        review,
        key="gen_pii_editor",
        hide_index=True,
        num_rows="fixed",
        disabled=["table", "column", "entity", "score", "suggested"],
        column_order=[c for c in review.columns if len(tables) > 1 or c != "table"],
        column_config={
            "decision": st.column_config.SelectboxColumn(
                "decision", options=list(DECISIONS), required=True, help=DECISION_HELP
            ),
            "score": st.column_config.NumberColumn("confidence", format="%.2f"),
            "suggested": st.column_config.TextColumn("detector suggests"),
        },
    )
    plan = plan_from_review(edited, tables=tables)
    with st.expander("Privacy plan sent with the fit"):
        st.json(plan or {})
    return plan


# ---------------------------------------------------------------------- fit


def _fit_step(api: ServiceClient, state: dict[str, Any], plan: dict[str, Any] | None) -> None:
    tables = list(state["profiles"])
    multi = len(tables) > 1
    left, right = st.columns(2)
    with left:
        model = st.selectbox("Model", model_choices(multi), key="gen_model", help=MODEL_HELP)
    with right:
        name = st.text_input(
            "Model name",
            value=model_name_for("_".join(tables)[:60]),
            key="gen_model_name",
            help="Registered in MLflow; fitting an existing name adds a version",
        )
    with st.expander("Advanced"):
        attacks = st.checkbox(
            "Run re-identification attacks in the privacy report",
            False,
            key="gen_attacks",
            help="anonymeter's singling-out, linkability and inference "
            "attacks: a stronger privacy check that takes longer",
        )
        fallback = st.checkbox(
            "Regenerate personal data the review does not cover",
            True,
            key="gen_pii_fallback",
            help="Off: the fit stops when it finds undecided personal data",
        )
        holdout = st.slider(
            "Hold-out share",
            0.0,
            0.5,
            0.2,
            0.05,
            key="gen_holdout",
            disabled=multi,
            help="Real rows kept out of training to measure ML efficacy and privacy",
        )
        seed = st.number_input("Seed", 0, 2**31 - 1, 0, key="gen_fit_seed")
    if not st.button("Fit model", key="gen_fit", type="primary"):
        return
    if not MODEL_NAME.match(name or ""):
        st.error(
            "The model name may hold letters, digits, '_', '.' and '-' (up to 100), "
            "starting with a letter or digit."
        )
        return
    body: dict[str, Any] = {
        "model": model,
        "pii": "regenerate" if fallback else "stop",
        "seed": int(seed),
    }
    if multi:
        body["datasets"] = {t: state["datasets"][t]["dataset_id"] for t in tables}
    else:
        body.update(
            dataset=state["datasets"][tables[0]]["dataset_id"], holdout=holdout, attacks=attacks
        )
    if plan:
        body["plan"] = plan
    for stale in ("fit_job", "report", "sample_job", "synthetic"):
        state.pop(stale, None)
    try:
        job = api.fit(name, body)
    except ApiError as exc:
        show_error(exc, prefix="the fit was refused")
        return
    done = wait_for_job(api, job, label=f"Fitting {model}")
    state["fit_job"] = done
    if job_outcome(done, "Fit") and done.get("result"):
        result = done["result"]
        details = call(
            lambda: api.model(str(result["model"])), prefix="cannot read the model's reports"
        )
        if details:
            state["report"] = next(
                (
                    v
                    for v in details.get("versions") or []
                    if str(v.get("version")) == str(result.get("version"))
                ),
                None,
            )


def _show_scores(state: dict[str, Any]) -> None:
    result = state["fit_job"]["result"]
    version = state.get("report") or {}
    artifacts = version.get("artifacts") or {}
    quality = artifacts.get("quality") or {}
    privacy = result.get("privacy") or {}
    st.markdown(
        f"Model **{result['model']}** version **{result['version']}** fitted on "
        f"{result.get('fit_rows', 0):,} rows."
    )
    cols = score_panel(result.get("quality"), privacy, quality)
    ml = quality.get("ml_efficacy") or {}
    cols[3].metric(
        "ML efficacy gap",
        f"{ml['difference']:+.3f}" if ml else "–",
        help=(
            f"{ml.get('metric')} predicting '{ml.get('target')}': real "
            "minus synthetic training (near 0 is good)"
        )
        if ml
        else None,
    )
    chart = charts.column_scores_chart(quality.get("columns") or [])
    if chart is not None:
        st.altair_chart(chart, key="gen_scores_chart")
    for table, scores in (quality.get("tables") or {}).items():
        st.caption(
            f"{table}: score {pct(scores.get('score'))}, column shapes "
            f"{pct(scores.get('column_shapes'))}, consistency {pct(scores.get('consistency'))}"
        )
    consistency_section(quality, key="gen_consistency")
    relationships = (artifacts.get("metadata") or {}).get("relationships") or []
    if relationships:
        st.markdown(
            "Relationships: "
            + ", ".join(
                f"`{r['child_table']}.{r['child_key']}` → `{r['parent_table']}.{r['parent_key']}`"
                for r in relationships
            )
        )


# ---------------------------------------------------------------------- sample


def _sample_step(api: ServiceClient, state: dict[str, Any]) -> None:
    result = state["fit_job"]["result"]
    multi = len(state["profiles"]) > 1
    left, right = st.columns(2)
    with left:
        if multi:
            scale = st.number_input(
                "Scale (× the real table sizes)", 0.01, 1000.0, 1.0, 0.5, key="gen_scale"
            )
        else:
            rows = st.number_input(
                "Rows",
                1,
                100_000_000,
                int(result.get("fit_rows") or 1000),
                step=100,
                key="gen_rows",
                help="How many synthetic rows to sample",
            )
    with right:
        seed = st.number_input(
            "Seed",
            0,
            2**31 - 1,
            1,
            key="gen_sample_seed",
            help="Same model, seed and rows: the same data",
        )
    if not st.button("Generate synthetic data", key="gen_sample", type="primary"):
        return
    body: dict[str, Any] = {"seed": int(seed)}
    body.update({"scale": float(scale)} if multi else {"rows": int(rows)})
    state.pop("sample_job", None)
    state.pop("synthetic", None)
    try:
        job = api.sample(str(result["model"]), body)
    except ApiError as exc:
        show_error(exc, prefix="sampling was refused")
        return
    done = wait_for_job(api, job, label="Sampling")
    state["sample_job"] = done
    if not job_outcome(done, "Sampling"):
        return
    synthetic: dict[str, pd.DataFrame] = {}
    for output in outputs_of(done):
        if int(output.get("rows") or 0) > CHART_ROW_LIMIT:
            continue
        try:
            data = api.result(str(done["job_id"]), str(output["table"]), "parquet")
        except ApiError as exc:
            show_error(exc, prefix=f"cannot fetch table {output['table']}")
            continue
        synthetic[str(output["table"])] = pd.read_parquet(io.BytesIO(data))
    state["synthetic"] = synthetic


# ---------------------------------------------------------------------- results


def _show_results(api: ServiceClient, state: dict[str, Any]) -> None:
    job = state["sample_job"]
    outputs = outputs_of(job)
    st.caption(
        f"{job.get('rows', 0):,} synthetic rows in {len(outputs)} table(s), job `{job['job_id']}`."
    )
    tabs = st.tabs([str(o["table"]) for o in outputs]) if len(outputs) > 1 else [st.container()]
    for tab, output in zip(tabs, outputs, strict=True):
        table = str(output["table"])
        with tab:
            st.markdown(f"**Download `{table}`** ({int(output.get('rows') or 0):,} rows)")
            download_buttons(api, str(job["job_id"]), table, key_prefix="gen_dl")
            synthetic = state.get("synthetic", {}).get(table)
            real = state["frames"].get(table)
            if synthetic is None or real is None:
                st.info("The table is too large to preview here; download it instead.")
                continue
            st.markdown("**Preview**")
            st.dataframe(synthetic.head(PREVIEW_ROWS), hide_index=True, key=f"gen_preview_{table}")
            _comparison(table, real, synthetic, kinds_of(state["profiles"].get(table)))
    if len(outputs) > 1:
        zip_button(api, str(job["job_id"]), key="gen_dl_zip")


def _comparison(
    table: str, real: pd.DataFrame, synthetic: pd.DataFrame, kinds: dict[str, str]
) -> None:
    st.markdown("**Real vs synthetic: distributions**")
    columns = charts.chartable_columns(real, synthetic, kinds)
    picked = st.multiselect(
        "Columns",
        columns,
        default=columns[:8],
        key=f"gen_cols_{table}",
        help="Histograms for numbers, category shares for the rest",
    )
    grid = st.columns(2)
    for i, column in enumerate(picked):
        with grid[i % 2]:
            st.altair_chart(
                charts.distribution_chart(real[column], synthetic[column], kind=kinds.get(column)),
                key=f"gen_dist_{table}_{column}",
            )
    heatmaps = charts.correlation_heatmaps(real, synthetic, kinds)
    if heatmaps is not None:
        st.markdown("**Real vs synthetic: correlations**")
        left, right = st.columns(2)
        left.altair_chart(heatmaps[0], key=f"gen_corr_real_{table}")
        right.altair_chart(heatmaps[1], key=f"gen_corr_synthetic_{table}")
