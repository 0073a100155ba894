"""The UI tests' real API server (`syndata serve` on 127.0.0.1) and their constants."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "app_ui" / "app.py"
PENGUINS = ROOT / "examples" / "data" / "penguins.csv"
ADMIN = "sk_test_admin_" + "u" * 24
ISOLATED = (
    "SYNDATA_API_URL",
    "SYNDATA_API_KEY",
    "SYNDATA_BROKER_URL",
    "SYNDATA_JOBS_URL",
    "SYNDATA_AUTH",
    "SYNDATA_AUDIT_LOG",
    "MLFLOW_TRACKING_URI",
    "MLFLOW_REGISTRY_URI",
    "SYNDATA_RATE_LIMIT",
    "SYNDATA_MAX_UPLOAD_MB",
    "MLFLOW_UI_URL",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ApiServer:
    """`syndata serve --workers 2` in its own process, its output in a file."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = ADMIN
        self.log = home.parent / f"serve-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        env = {k: v for k, v in os.environ.items() if k not in ISOLATED}
        self.env = {
            **env,
            "SYNDATA_HOME": str(home),
            "SYNDATA_API_KEY": ADMIN,
            "SYNDATA_MASKING_SECRET": "ui-tests-" + "m" * 32,
        }

    def start(self) -> ApiServer:
        with open(self.log, "wb") as log:  # a file, never a pipe nobody reads
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "syndata",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    "2",
                    "--log-level",
                    "warning",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("the API server did not answer /health within 90 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def http(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, timeout=60, headers={"Authorization": f"Bearer {key or self.key}"}
        )

    def wait(
        self,
        job_id: str,
        *,
        timeout: float = 180,
        until: tuple[str, ...] = ("completed", "failed", "cancelled"),
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.http() as http:
            while time.monotonic() < deadline:
                job = http.get(f"/jobs/{job_id}").json()
                if job["status"] in until:
                    return dict(job)
                time.sleep(0.2)
        raise AssertionError(f"{job_id} not {'/'.join(until)} after {timeout} s")
