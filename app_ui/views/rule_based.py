"""Rule-based: a config (template, upload or edited text) → validate → generate → download."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import streamlit as st
import yaml

from app_ui.data import outputs_of
from app_ui.widgets import (
    download_buttons,
    job_outcome,
    show_error,
    wait_for_job,
    zip_button,
)
from syndata.client import ServiceClient
from syndata.errors import ApiError

STATE = "rb"
TEXT_KEY = "rb_text"
FORMATS = ["csv", "parquet", "jsonl", "sql"]
PREVIEW_LIMIT = 200_000


def _state() -> dict[str, Any]:
    state: dict[str, Any] = st.session_state.setdefault(STATE, {})
    return state


def parse_config(text: str) -> dict[str, Any]:
    """The config in ``text`` (YAML or JSON); ``ValueError`` saying where it is unreadable."""
    try:
        data = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(f"the config is not valid YAML/JSON{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ValueError(
            "the config must be a mapping with 'tables' (and optionally "
            "'rows', 'locale', 'output_format', ...)"
        )
    return data


def _load_template(api: ServiceClient) -> None:
    name = st.session_state.get("rb_template")
    if not name:
        return
    try:
        st.session_state[TEXT_KEY] = api.schema(str(name))["text"]
    except ApiError as exc:
        _state()["load_error"] = exc
    _state().pop("validation", None)


def _load_upload() -> None:
    upload = st.session_state.get("rb_file")
    if upload is None:
        return
    try:
        st.session_state[TEXT_KEY] = upload.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        _state()["upload_error"] = f"{upload.name} is not UTF-8 text"
    _state().pop("validation", None)


def render(api: ServiceClient) -> None:
    """The Rule-based page."""
    st.title(":material/rule: Rule-based generation")
    st.caption(
        "No real data needed: a config lists tables, columns and the rules of their "
        "values (ranges, choices, regexes, Faker providers, keys, conditions)."
    )
    state = _state()
    try:
        templates = api.schemas()
    except ApiError as exc:
        show_error(exc, prefix="cannot list the templates")
        templates = []
    names = [t["name"] for t in templates]
    if TEXT_KEY not in st.session_state:
        st.session_state[TEXT_KEY] = ""
        if names:
            st.session_state["rb_template"] = names[0]
            _load_template(api)
    left, right = st.columns(2)
    with left:
        st.selectbox(
            "Start from a template",
            names,
            index=None,
            key="rb_template",
            placeholder="choose a template…",
            on_change=_load_template,
            args=(api,),
            format_func=lambda n: (
                f"{n} — " + next((t["description"] for t in templates if t["name"] == n), "")
            ),
            help="The configs shipped with syndata (GET /schemas)",
        )
    with right:
        st.file_uploader(
            "…or upload a YAML / JSON config",
            type=["yaml", "yml", "json"],
            key="rb_file",
            on_change=_load_upload,
        )
    for problem in ("load_error", "upload_error"):
        error = state.pop(problem, None)
        if isinstance(error, ApiError):
            show_error(error)
        elif error:
            st.error(error)

    text = st.text_area(
        "Config (YAML or JSON)",
        key=TEXT_KEY,
        height=360,
        help="Edit freely; validate to see every problem with its path",
    )
    cols = st.columns(4)
    rows = cols[0].number_input(
        "Rows per table", 0, 10**10, 0, key="rb_rows", help="0 keeps the config's own row counts"
    )
    fmt = cols[1].selectbox("Output format", FORMATS, key="rb_format")
    seed = cols[2].number_input(
        "Seed", 0, 2**31 - 1, 0, key="rb_seed", help="0 keeps the config's seed (or picks one)"
    )
    priority = cols[3].selectbox("Priority", ["normal", "high", "low"], key="rb_priority")

    buttons = st.columns([1, 1, 4])
    validate = buttons[0].button("Validate", key="rb_validate")
    generate = buttons[1].button("Generate", key="rb_generate", type="primary")
    if validate or generate:
        state.pop("validation", None)
        try:
            config = parse_config(text)
        except ValueError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        try:
            state["validation"] = api.validate(config, rows=int(rows) or None)
        except ApiError as exc:
            _show_problems(exc)
            return
        if generate:
            _generate(
                api,
                state,
                config,
                rows=int(rows),
                fmt=str(fmt),
                seed=int(seed),
                priority=str(priority),
            )
    if state.get("validation") and not generate:
        _show_validation(state["validation"])
    job = state.get("job")
    if job and job.get("status") == "completed":
        _show_outputs(api, state, job)


def _show_problems(error: ApiError) -> None:
    if error.code != "invalid_config" or not error.problems:
        show_error(error)
        return
    st.error(
        f"**{error.message}** — each problem below is listed at its path in the config.",
        icon=":material/error:",
    )
    st.dataframe(
        pd.DataFrame(
            [
                {"path": p.path or "(config)", "problem": p.message, "fix": p.fix}
                for p in error.problems
            ]
        ),
        hide_index=True,
        key="rb_problems",
        column_config={
            "path": st.column_config.TextColumn(width="medium"),
            "problem": st.column_config.TextColumn(width="large"),
            "fix": st.column_config.TextColumn(width="large"),
        },
    )


def _show_validation(validation: dict[str, Any]) -> None:
    tables = validation.get("tables") or []
    st.success(f"The config is valid: {len(tables)} table(s).", icon=":material/check_circle:")
    for warning in validation.get("warnings") or []:
        st.warning(warning)
    st.dataframe(
        pd.DataFrame(
            [
                {"table": t["name"], "rows": t["rows"], "columns": ", ".join(t["columns"])}
                for t in tables
            ]
        ),
        hide_index=True,
        key="rb_tables",
    )


def _generate(
    api: ServiceClient,
    state: dict[str, Any],
    config: dict[str, Any],
    *,
    rows: int,
    fmt: str,
    seed: int,
    priority: str,
) -> None:
    params: dict[str, Any] = {"config": config, "output_format": fmt}
    if rows:
        params["rows"] = rows
    if seed:
        params["seed"] = seed
    state.pop("job", None)
    state.pop("preview", None)
    try:
        job = api.submit("generate", params, priority=priority)
    except ApiError as exc:
        _show_problems(exc)
        return
    done = wait_for_job(api, job, label="Generating")
    state["job"] = done
    if not job_outcome(done, "Generation"):
        return
    previews: dict[str, pd.DataFrame] = {}
    for output in outputs_of(done):
        if int(output.get("rows") or 0) > PREVIEW_LIMIT:
            continue
        try:
            data = api.result(str(done["job_id"]), str(output["table"]), "parquet")
            previews[str(output["table"])] = pd.read_parquet(io.BytesIO(data)).head(100)
        except ApiError as exc:
            show_error(exc, prefix=f"cannot preview {output['table']}")
    state["preview"] = previews


def _show_outputs(api: ServiceClient, state: dict[str, Any], job: dict[str, Any]) -> None:
    st.subheader("Output")
    outputs = outputs_of(job)
    st.caption(
        f"{job.get('rows', 0):,} rows in {len(outputs)} table(s), job "
        f"`{job['job_id']}`; warnings: "
        + json.dumps((job.get("result") or {}).get("warnings") or [])
    )
    for output in outputs:
        table = str(output["table"])
        st.markdown(f"**`{table}`** — {int(output.get('rows') or 0):,} rows")
        download_buttons(
            api,
            str(job["job_id"]),
            table,
            key_prefix="rb_dl",
            formats=("csv", "parquet", "sql", "jsonl"),
        )
        preview = (state.get("preview") or {}).get(table)
        if preview is not None:
            st.dataframe(preview, hide_index=True, key=f"rb_preview_{table}")
    zip_button(api, str(job["job_id"]), key="rb_dl_zip")
