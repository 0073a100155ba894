from __future__ import annotations

import io
import json
import zipfile

import pyarrow.parquet as pq
import pytest


def submit(client, auth, config, **extra):
    body = {"job_type": "generate", "config": config, **extra}
    return client.post("/jobs", json=body, headers=auth("operator"))


def test_submit_queues_a_generate_job(client, auth, config, keys, store, key_store):
    response = client.post(
        "/jobs",
        json={"job_type": "generate", "config": config, "priority": "high", "seed": 7},
        headers={**auth("operator"), "X-Request-ID": "req-42"},
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["job_id"].startswith("job_") and len(job["job_id"]) == 28
    assert (job["status"], job["priority"], job["seed"]) == ("queued", "high", 7)
    assert job["params"]["config"]["tables"][0]["table_name"] == "people"
    assert response.headers["location"] == f"/jobs/{job['job_id']}"
    assert response.headers["x-request-id"] == "req-42"
    stored = store.get(job["job_id"])
    assert stored.request_id == "req-42"
    operator = next(k for k in key_store.list_keys() if k.role == "operator")
    assert stored.owner == operator.key_id


def test_generate_parameters_may_be_given_in_full(client, auth, config):
    response = submit(client, auth, {"config": config, "rows": 5, "output_format": "jsonl"})
    assert response.status_code == 202, response.text
    params = response.json()["params"]
    assert (params["rows"], params["output_format"]) == (5, "jsonl")


def test_invalid_config_lists_every_problem_with_its_path(
    client, auth, bad_config, check_error, store
):
    error = check_error(submit(client, auth, bad_config), 400, "invalid_config")
    paths = {p["path"] for p in error["problems"]}
    assert {
        "config.tables[0].columns[0].type",
        "config.tables[0].columns[1].rule",
        "config.rows",
    } <= paths
    assert all(p["message"] for p in error["problems"])
    assert store.list()[1] == 0  # nothing queued


def test_problems_of_other_job_types_point_into_the_body(client, auth, check_error):
    response = client.post(
        "/jobs",
        json={"job_type": "fit", "config": {"name": "bad name!", "holdout": 3}},
        headers=auth("operator"),
    )
    error = check_error(response, 400, "invalid_config")
    paths = {p["path"] for p in error["problems"]}
    assert {"config.name", "config.holdout", "config.dataset"} <= paths


def test_request_validation_errors_have_the_same_shape(client, auth, config, check_error):
    response = client.post(
        "/jobs",
        json={"job_type": "teleport", "config": config, "priority": "urgent", "extra": 1},
        headers=auth("operator"),
    )
    error = check_error(response, 422, "validation_error")
    paths = {p["path"] for p in error["problems"]}
    assert {"body.job_type", "body.priority", "body.extra"} <= paths
    broken = client.post(
        "/jobs",
        content=b"{not json",
        headers={**auth("operator"), "Content-Type": "application/json"},
    )
    check_error(broken, 422, "validation_error")


def test_get_and_list_jobs(client, auth, config):
    first = submit(client, auth, config).json()["job_id"]
    second = submit(client, auth, config).json()["job_id"]
    got = client.get(f"/jobs/{first}", headers=auth("viewer"))
    assert got.status_code == 200 and got.json()["job_id"] == first
    listing = client.get("/jobs?page=1&page_size=1", headers=auth("viewer")).json()
    assert (listing["total"], listing["page"], listing["page_size"]) == (2, 1, 1)
    assert [j["job_id"] for j in listing["jobs"]] == [second]  # newest first
    page2 = client.get("/jobs", params={"page": 2, "page_size": 1}, headers=auth("viewer"))
    assert [j["job_id"] for j in page2.json()["jobs"]] == [first]
    everything = client.get("/jobs?page_size=10000", headers=auth("viewer")).json()
    assert [j["job_id"] for j in everything["jobs"]] == [second, first]


def test_list_filters_by_status(client, auth, config):
    queued = submit(client, auth, config).json()["job_id"]
    cancelled = submit(client, auth, config).json()["job_id"]
    client.delete(f"/jobs/{cancelled}", headers=auth("operator"))
    listing = client.get("/jobs?status_filter=queued", headers=auth("viewer")).json()
    assert [j["job_id"] for j in listing["jobs"]] == [queued]
    listing = client.get("/jobs?status_filter=cancelled", headers=auth("viewer")).json()
    assert [j["job_id"] for j in listing["jobs"]] == [cancelled]


def test_bad_list_parameters_are_422(client, auth, check_error):
    error = check_error(
        client.get("/jobs?status_filter=done&page=0", headers=auth("viewer")),
        422,
        "validation_error",
    )
    assert {p["path"] for p in error["problems"]} == {"query.status_filter", "query.page"}


def test_cancel_a_queued_job_then_cancelling_again_is_a_conflict(client, auth, config, check_error):
    job_id = submit(client, auth, config).json()["job_id"]
    response = client.delete(f"/jobs/{job_id}", headers=auth("operator"))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = check_error(client.delete(f"/jobs/{job_id}", headers=auth("operator")), 409, "conflict")
    assert "cancelled" in again["message"]


def test_cancel_a_running_job_asks_its_worker(client, auth, config, store):
    job_id = submit(client, auth, config).json()["job_id"]
    assert store.claim("w1", job_id=job_id) is not None
    response = client.delete(f"/jobs/{job_id}", headers=auth("operator"))
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["cancel_requested"]) == ("running", True)


def test_unknown_jobs_are_404(client, auth, check_error):
    for path in (
        "/jobs/job_000000000000000000000000",
        "/jobs/nope",
        "/jobs/job_000000000000000000000000/logs",
    ):
        check_error(client.get(path, headers=auth("viewer")), 404, "not_found")
    check_error(
        client.delete("/jobs/job_000000000000000000000000", headers=auth("operator")),
        404,
        "not_found",
    )


@pytest.mark.parametrize("job_id", ["..%2f..%2fjobs.db", "job_..%2f..%2fjobs.db", "%2e%2e"])
def test_job_ids_never_become_paths(client, auth, check_error, job_id):
    for suffix in ("", "/result", "/logs"):
        response = client.get(f"/jobs/{job_id}{suffix}", headers=auth("viewer"))
        check_error(response, 404, "not_found")


def test_logs_return_the_last_lines(client, auth, config, store):
    job_id = submit(client, auth, config).json()["job_id"]
    for i in range(5):
        store.log(job_id, f"line {i}", step=i)
    body = client.get(f"/jobs/{job_id}/logs?lines=2", headers=auth("viewer")).json()
    assert body["job_id"] == job_id
    assert [line["message"] for line in body["lines"]] == ["line 3", "line 4"]
    assert body["lines"][1]["step"] == 4
    everything = client.get(f"/jobs/{job_id}/logs", headers=auth("viewer")).json()
    assert everything["lines"][0]["message"] == "job queued"


def test_result_of_an_unfinished_job_is_a_conflict(client, auth, config, check_error):
    job_id = submit(client, auth, config).json()["job_id"]
    error = check_error(
        client.get(f"/jobs/{job_id}/result", headers=auth("viewer")), 409, "conflict"
    )
    assert "queued" in error["message"]


def test_download_one_table_in_several_formats(client, auth, config, complete_job, audit_log):
    job_id = submit(client, auth, config).json()["job_id"]
    complete_job(job_id)
    csv = client.get(f"/jobs/{job_id}/result?table=people", headers=auth("viewer"))
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == ["id,age", "1,30", "2,41", "3,57"]
    jsonl = client.get(
        f"/jobs/{job_id}/result",
        params={"table": "people", "format": "jsonl"},
        headers=auth("viewer"),
    )
    assert [json.loads(line) for line in jsonl.text.splitlines()] == [
        {"id": 1, "age": 30},
        {"id": 2, "age": 41},
        {"id": 3, "age": 57},
    ]
    parquet = client.get(
        f"/jobs/{job_id}/result?table=people&format=parquet", headers=auth("viewer")
    )
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.column("age").to_pylist() == [30, 41, 57]
    downloads = [line for line in audit_log() if line["action"] == "download"]
    assert len(downloads) == 3
    assert downloads[0]["job_id"] == job_id
    assert downloads[0]["details"]["table"] == "people"


def test_download_everything_as_a_zip(client, auth, config, complete_job, audit_log):
    job_id = submit(client, auth, config).json()["job_id"]
    complete_job(job_id)
    response = client.get(f"/jobs/{job_id}/result", headers=auth("viewer"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["people.csv"]
        assert archive.read("people.csv").startswith(b"id,age")
    assert [line["details"]["format"] for line in audit_log() if line["action"] == "download"] == [
        "zip"
    ]


def test_unknown_table_or_format(client, auth, config, complete_job, check_error):
    job_id = submit(client, auth, config).json()["job_id"]
    complete_job(job_id)
    check_error(
        client.get(f"/jobs/{job_id}/result?table=../../jobs.db", headers=auth("viewer")),
        404,
        "not_found",
    )
    check_error(
        client.get(f"/jobs/{job_id}/result?table=people&format=xlsx", headers=auth("viewer")),
        422,
        "validation_error",
    )


def test_a_viewer_cannot_submit_or_cancel(client, auth, config, check_error, audit_log):
    error = check_error(submit(client, lambda _role: auth("viewer"), config), 403, "forbidden")
    assert "operator" in error["message"]
    job_id = submit(client, auth, config).json()["job_id"]
    check_error(client.delete(f"/jobs/{job_id}", headers=auth("viewer")), 403, "forbidden")
    failed = [line for line in audit_log() if line["action"] == "login"]
    assert len(failed) == 2
    assert all(line["outcome"] == "failed" and line["details"]["status"] == 403 for line in failed)


def test_a_table_that_cannot_be_converted_is_a_client_error(
    client, auth, config, store, check_error
):
    from syndata.settings import jobs_dir

    job_id = submit(client, auth, config).json()["job_id"]
    job = store.claim("test-worker", job_id=job_id)
    (jobs_dir() / job_id).mkdir(parents=True)
    (jobs_dir() / job_id / "people.sql").write_text("INSERT INTO people VALUES (1);\n")
    store.complete(
        job,
        {
            "outputs": [{"table": "people", "path": "people.sql", "rows": 1, "format": "sql"}],
            "rows": 1,
        },
        rows=1,
    )
    error = check_error(
        client.get(f"/jobs/{job_id}/result?table=people&format=csv", headers=auth("viewer")),
        400,
        "export_failed",
    )
    assert "sql" in error["message"]
    as_stored = client.get(f"/jobs/{job_id}/result?table=people&format=sql", headers=auth("viewer"))
    assert as_stored.status_code == 200
    assert as_stored.text.startswith("INSERT INTO people")


# ------------------------------------------------------------------ bad numbers, names, logs

_TABLE = {"table_name": "t", "columns": [{"name": "id", "type": "int"}]}


@pytest.mark.parametrize(
    ("body", "path", "fragment"),
    [
        (
            {"job_type": "generate", "config": {"tables": [_TABLE], "seed": 2**64}},
            "config.seed",
            "is out of range",
        ),
        (
            {"job_type": "generate", "config": {"config": {"tables": [_TABLE]}, "rows": 10**15}},
            "config.rows",
            "(SYNDATA_MAX_ROWS)",
        ),
        (
            {"job_type": "sample", "config": {"model": "m", "rows": 5, "seed": 2**64}},
            "config.seed",
            "is out of range",
        ),
        (
            {"job_type": "generate", "config": {"tables": [dict(_TABLE, table_name="../x")]}},
            "config.tables[0].table_name",
            "table name '../x' is not allowed",
        ),
    ],
)
def test_jobs_with_bad_numbers_or_names_are_400(client, auth, check_error, body, path, fragment):
    error = check_error(
        client.post("/jobs", json=body, headers=auth("operator")), 400, "invalid_config"
    )
    problem = next(p for p in error["problems"] if p["path"] == path)
    assert fragment in problem["message"]


def test_job_logs_hold_no_traceback_or_server_path(client, auth, store, home):
    job = client.post(
        "/jobs",
        json={"job_type": "generate", "config": {"tables": [_TABLE]}},
        headers=auth("operator"),
    ).json()
    store.log(
        job["job_id"],
        f"cannot read {home}/uploads/ds_1/data.csv",
        level="ERROR",
        traceback='Traceback (most recent call last):\n  File "/srv/x.py"',
    )
    lines = client.get(f"/jobs/{job['job_id']}/logs", headers=auth("viewer")).json()["lines"]
    text = json.dumps(lines)
    assert "Traceback" not in text and str(home) not in text
    assert "uploads/ds_1/data.csv" in text
    assert all(line["job_id"] == job["job_id"] for line in lines)
