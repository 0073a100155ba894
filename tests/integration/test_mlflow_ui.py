"""A model fitted from the CLI shows in the MLflow UI server over the same store."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from syndata.cli import app

PENGUINS = Path(__file__).resolve().parents[2] / "examples" / "data" / "penguins.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fitted_model_is_browsable_in_mlflow_ui(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SYNDATA_HOME", str(home))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    result = CliRunner().invoke(app, ["fit", "--data", str(PENGUINS), "--name", "penguins"])
    assert result.exit_code == 0, result.output

    port = _free_port()
    mlflow_cli = Path(sys.executable).parent / "mlflow"
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    server = subprocess.Popen(
        [
            str(mlflow_cli),
            "ui",
            "--backend-store-uri",
            f"sqlite:///{home / 'mlflow.db'}",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/2.0/mlflow/registered-models/search"
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = json.load(response)
                break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "the MLflow UI did not answer"
        names = [m["name"] for m in body.get("registered_models", [])]
        assert names == ["penguins"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            assert page.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
