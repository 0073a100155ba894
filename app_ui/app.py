"""The syndata web UI: ``streamlit run app_ui/app.py``.

It talks only to the REST API: ``SYNDATA_API_URL`` (default http://127.0.0.1:8000) with
the key from ``SYNDATA_API_KEY`` or pasted in the sidebar. Pages: Generate, Rule-based,
Jobs, Models, Dashboard (``?page=jobs`` opens one directly).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

if find_spec("app_ui") is None:  # run from a checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st

from app_ui.views import dashboard, generate, jobs, models, rule_based
from syndata import settings
from syndata.client import DEFAULT_API_URL, ServiceClient
from syndata.errors import ApiError

PAGES: dict[str, Callable[[ServiceClient], None]] = {
    "Generate": generate.render,
    "Rule-based": rule_based.render,
    "Jobs": jobs.render,
    "Models": models.render,
    "Dashboard": dashboard.render,
}
ICONS = {
    "Generate": ":material/science:",
    "Rule-based": ":material/rule:",
    "Jobs": ":material/work_history:",
    "Models": ":material/inventory_2:",
    "Dashboard": ":material/monitoring:",
}


def _slug(page: str) -> str:
    return page.lower().replace("-", "_")


def sidebar() -> tuple[ServiceClient, str]:
    """The navigation and the API settings; the client to use and the page chosen."""
    if "nav" not in st.session_state:
        wanted = str(st.query_params.get("page", "")).lower()
        st.session_state["nav"] = next((p for p in PAGES if _slug(p) == wanted), "Generate")
    if "api_key" not in st.session_state:
        st.session_state["api_key"] = settings.service_key() or ""
    with st.sidebar:
        st.title(":material/science: syndata")
        st.caption("Synthetic data that keeps the statistics, not the people.")
        page = st.radio(
            "Page",
            list(PAGES),
            key="nav",
            label_visibility="collapsed",
            format_func=lambda p: f"{ICONS[p]} {p}",
        )
        st.divider()
        st.markdown("**API**")
        url = settings.service_url() or DEFAULT_API_URL
        st.caption(f"`{url}` (SYNDATA_API_URL)")
        key = st.text_input(
            "API key",
            key="api_key",
            type="password",
            placeholder="sk_…",
            help="An operator or admin key (create one "
            "with `syndata keys create --role operator`); kept for this "
            "browser session only",
        )
        client = ServiceClient(url, key)
        _health(client)
    st.query_params["page"] = _slug(page)
    return client, page


def _health(client: ServiceClient) -> None:
    try:
        health = client.health()
    except ApiError as exc:
        st.error(exc.headline(), icon=":material/power_off:")
        return
    if health.get("status") != "ok":
        st.error(f"API unavailable: job store {health.get('store')}", icon=":material/power_off:")
        return
    st.success(
        f"API ok · v{health.get('version')} · {health.get('worker_mode')} workers",
        icon=":material/check_circle:",
    )
    if health.get("auth") == "off":
        st.warning("Authentication is off on this server.")
        return
    if not client.key:
        st.warning("Paste an API key to use the service.", icon=":material/key:")
        return
    try:
        client.stats()
    except ApiError as exc:
        if exc.status in (401, 403):
            st.error(f"Key rejected: {exc.headline()}", icon=":material/key:")
        else:
            st.warning(exc.headline())
        return
    st.caption(":material/key: key accepted")


def main() -> None:
    """Render the page chosen in the sidebar."""
    st.set_page_config(page_title="syndata", page_icon=":material/science:", layout="wide")
    client, page = sidebar()
    PAGES[page](client)


if __name__ == "__main__":  # `streamlit run` (and AppTest) run the script as __main__
    main()
