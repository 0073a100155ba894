"""A real `syndata serve` process for the service tests, and helpers to drive it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "sk_test_admin_" + "a" * 24


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`syndata serve` in its own process."""

    def __init__(self, env: dict[str, str], workers: int = 2, args: tuple[str, ...] = ()) -> None:
        self.env = env
        self.workers = workers
        self.args = args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        self.log = Path(self.env["SYNDATA_HOME"]).parent / f"serve-{self.port}.log"
        with open(self.log, "w") as log:  # a file, not a pipe nobody reads
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "syndata",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    "warning",
                    *self.args,
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
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
        raise AssertionError("the server did not answer /health within 90 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def client(self, key: str = ADMIN) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=60
        )


def wait_job(http: httpx.Client, job_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"{job_id} not finished after {timeout} s")


def service_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a server with its own data folder and the ADMIN bootstrap key."""
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SYNDATA_API_KEY", ADMIN)
    for var in ("SYNDATA_API_URL", "SYNDATA_BROKER_URL", "SYNDATA_JOBS_URL", "SYNDATA_AUTH"):
        monkeypatch.delenv(var, raising=False)
    return dict(os.environ)


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "syndata", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
    )
