"""Attack replays against a real `syndata serve`: bounded work and every bad input a 4xx.

One server for the module (with its access log on, so the key-in-query check has a log to
read); each test replays one probe of the security review and checks the answer.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import time
import zipfile

import httpx
import pytest
from serve_process import ADMIN, Server, service_env, wait_job

TABLE = {"table_name": "people", "columns": [{"name": "id", "type": "int", "constraints": ["PK"]}]}
LATIN = (
    "name,city,note\n" + "José,Zürich,café crème\nRenée,Genève,déjà vu\nFrançois,Köln,naïve\n" * 20
)


class LoggingServer(Server):
    """The server with uvicorn's access log and the API's request log at INFO."""

    def start(self) -> LoggingServer:
        """Start as ``Server.start`` does, with ``--log-level info`` instead of warning."""
        self.env = {**self.env, "SYNDATA_LOG_LEVEL": "INFO"}
        real_popen = subprocess.Popen

        def popen(args, **kwargs):  # type: ignore[no-untyped-def]
            return real_popen(["info" if a == "warning" else a for a in args], **kwargs)

        subprocess.Popen = popen  # type: ignore[misc]
        try:
            super().start()
        finally:
            subprocess.Popen = real_popen  # type: ignore[misc]
        return self


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        env = service_env(tmp_path_factory.mktemp("limits"), patch)
        running = LoggingServer(env).start()
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="module")
def http(server):
    with server.client(ADMIN) as client:
        yield client


@pytest.fixture(scope="module")
def viewer_key(http):
    response = http.post("/keys", json={"role": "viewer", "name": "viewer"})
    assert response.status_code == 201, response.text
    return response.json()["secret"]


@pytest.fixture(scope="module")
def earlier(http):
    """A dataset and a job stored before the probes: they must still be listed after."""
    dataset = http.post("/datasets", files={"file": ("before.csv", b"a,b\n1,2\n3,4\n")})
    assert dataset.status_code == 201, dataset.text
    job = http.post(
        "/jobs", json={"job_type": "generate", "config": {"tables": [TABLE], "rows": 5}}
    )
    assert job.status_code == 202, job.text
    return dataset.json()["dataset_id"], job.json()["job_id"]


def _problem(response, path: str) -> dict:
    assert response.status_code == 400, response.text
    problems = response.json()["error"]["problems"]
    return next(p for p in problems if p["path"] == path)


def test_a_generate_job_for_10_to_the_15_rows_is_400_naming_the_limit(http, earlier):
    response = http.post(
        "/jobs",
        json={"job_type": "generate", "config": {"config": {"tables": [TABLE]}, "rows": 10**15}},
    )
    problem = _problem(response, "config.rows")
    assert "SYNDATA_MAX_ROWS" in problem["message"] and "SYNDATA_MAX_ROWS" in problem["fix"]


def test_a_huge_scale_is_400(http):
    response = http.post("/models/anything/sample", json={"scale": 8.3e307})
    assert response.status_code in (400, 404), response.text
    response = http.post(
        "/jobs", json={"job_type": "sample", "config": {"model": "anything", "scale": 8.3e307}}
    )
    assert response.status_code == 400, response.text
    assert "SYNDATA_MAX_SCALE" in response.text


def test_seeds_beyond_64_bits_are_400(http):
    response = http.post(
        "/jobs",
        json={"job_type": "generate", "config": {"config": {"tables": [TABLE]}, "seed": 2**64}},
    )
    assert "out of range" in _problem(response, "config.seed")["message"]
    response = http.post(
        "/jobs", json={"job_type": "sample", "config": {"model": "m", "rows": 5, "seed": 2**64}}
    )
    assert "out of range" in _problem(response, "config.seed")["message"]
    response = http.post("/models/m/sample", json={"rows": 5, "seed": 2**64})
    assert response.status_code in (400, 404), response.text  # 404: no model 'm' here
    assert response.status_code != 500


def test_a_path_as_table_name_is_refused_at_submit(http):
    response = http.post(
        "/jobs",
        json={
            "job_type": "generate",
            "config": {"tables": [dict(TABLE, table_name="../x")], "rows": 5},
        },
    )
    problem = _problem(response, "config.tables[0].table_name")
    assert "^[A-Za-z_][A-Za-z0-9_]{0,62}$" in problem["fix"]


def test_a_10000_column_csv_is_refused_naming_the_limit(http):
    header = ",".join(f"c{i}" for i in range(10_000))
    started = time.monotonic()
    response = http.post(
        "/datasets", files={"file": ("wide.csv", f"{header}\n{header}\n".encode())}
    )
    assert response.status_code in (400, 413), response.text
    assert "SYNDATA_MAX_COLUMNS" in response.json()["error"]["message"]
    assert time.monotonic() - started < 10


def test_latin1_and_utf16_uploads_are_stored_and_profiled(http):
    jobs = []
    for encoding in ("latin-1", "utf-16"):  # both profiled at once, one per worker
        response = http.post(
            "/datasets", files={"file": (f"people-{encoding}.csv", LATIN.encode(encoding))}
        )
        assert response.status_code == 201, response.text
        job = http.post(
            "/jobs",
            json={"job_type": "profile", "config": {"dataset": response.json()["dataset_id"]}},
        )
        assert job.status_code == 202, job.text
        jobs.append(job.json()["job_id"])
    for job_id in jobs:
        done = wait_job(http, job_id)
        assert done["status"] == "completed", done
        assert done["result"]["profile"]["columns"] == 3
        report = http.get(f"/jobs/{job_id}/result")  # a zip with profile.json
        assert report.status_code == 200, report.text
        with zipfile.ZipFile(io.BytesIO(report.content)) as archive:
            profile = json.loads(archive.read("profile.json"))
        assert "Genève" in json.dumps(profile, ensure_ascii=False)


def test_a_binary_upload_error_has_none_of_its_bytes(http):
    junk = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20 + b"SECRETBYTES"
    response = http.post("/datasets", files={"file": ("junk.csv", junk)})
    assert response.status_code == 400, response.text
    message = response.json()["error"]["message"]
    assert "not csv text" in message
    assert "SECRETBYTES" not in message and "PNG" not in message
    assert not re.search(r"[\x00-\x08\x0e-\x1f\ufffd]", message)


def test_a_failing_jobs_log_read_by_a_viewer_has_no_traceback_or_path(server, http, viewer_key):
    dataset = http.post("/datasets", files={"file": ("nulls.csv", b"a,b\n,\n,\n,\n")})
    assert dataset.status_code == 201, dataset.text
    job = http.post(
        "/jobs",
        json={
            "job_type": "fit",
            "config": {"dataset": dataset.json()["dataset_id"], "name": "nulls"},
        },
    )
    assert job.status_code == 202, job.text
    done = wait_job(http, job.json()["job_id"])
    assert done["status"] == "failed", done
    with server.client(viewer_key) as viewer:
        logs = viewer.get(f"/jobs/{done['job_id']}/logs")
        assert logs.status_code == 200, logs.text
        shown = viewer.get(f"/jobs/{done['job_id']}").json()
    text = logs.text + str(shown["error"])
    assert "Traceback" not in text
    assert server.env["SYNDATA_HOME"] not in text
    assert not re.search(r"(?<![\w.:/])/(?:home|root|tmp|work|usr|srv|var)/", text)
    assert any(
        line["level"] == "ERROR" and line["job_id"] == done["job_id"]
        for line in logs.json()["lines"]
    )


def test_a_key_in_the_query_string_is_not_logged_nor_accepted(server, http):
    secret = "SECRETKEY" + "x" * 20
    response = http.get(
        "/jobs", params={"api_key": secret, "token": secret}, headers={"Authorization": ""}
    )
    assert response.status_code in (200, 401)
    anonymous = httpx.get(f"{server.url}/jobs", params={"api_key": ADMIN})
    assert anonymous.status_code == 401  # keys in query strings are not accepted
    http.get("/health")
    time.sleep(0.5)
    log = server.log.read_text()
    assert "/jobs" in log  # the access log is on
    assert secret not in log and ADMIN not in log


def test_nothing_stored_before_is_lost(http, earlier):
    dataset_id, job_id = earlier
    assert dataset_id in {d["dataset_id"] for d in http.get("/datasets").json()["datasets"]}
    assert http.get(f"/jobs/{job_id}").status_code == 200
