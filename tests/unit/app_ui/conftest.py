"""Fixtures of the UI tests: a real `syndata serve` on 127.0.0.1 with a fresh data folder.

The server is shared by the whole session (each xdist worker starts its own); tests that
need a fitted model fit it once per module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ui_server import ISOLATED, ApiServer


@pytest.fixture(scope="session")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    server = ApiServer(tmp_path_factory.mktemp("ui-api") / "home").start()
    yield server
    server.stop()


@pytest.fixture
def ui_env(api_server: ApiServer, monkeypatch: pytest.MonkeyPatch) -> ApiServer:
    """The environment AppTest scripts read: the server's URL and key."""
    for var in ISOLATED:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SYNDATA_API_URL", api_server.url)
    monkeypatch.setenv("SYNDATA_API_KEY", api_server.key)
    monkeypatch.setenv("MLFLOW_UI_URL", "http://127.0.0.1:5999")
    return api_server
