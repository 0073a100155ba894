"""Projects: a key sees only its project's jobs, datasets, configs, models and keys."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import model_registry
from syndata.access.projects import SERVER_PROJECT
from syndata.models import GaussianCopula

SETUP = "test setup"  # keys made with this ``via`` are left out of audit_log (conftest)

CSV = b"age,score\n31,3.5\n45,4.0\n27,2.25\n52,4.5\n38,3.0\n"
YAML = b"tables:\n  - table_name: t\n    columns:\n      - {name: id, type: int}\nrows: 3\n"


def _plain(message: str, name: str) -> str:
    """A message with its object id (or model name) taken out."""
    return re.sub(r"\b(job|ds|cfg)_[0-9a-f]+", "ID", message).replace(f"'{name}'", "'ID'")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def teams(key_store):
    """Operator, viewer and admin keys of projects 'alpha' and 'beta', and a server admin."""
    out: dict[str, dict[str, str]] = {}
    for project in ("alpha", "beta"):
        out[project] = {
            role: key_store.create_key(role, f"{project} {role}", project=project, via=SETUP)[1]
            for role in ("viewer", "operator", "admin")
        }
    out["server"] = {
        "admin": key_store.create_key("admin", "root", project=SERVER_PROJECT, via=SETUP)[1]
    }
    return {p: {r: bearer(s) for r, s in keys.items()} for p, keys in out.items()}


@pytest.fixture
def alpha_objects(client, teams, config):
    """A dataset, a config, a queued job and a model of project alpha."""
    op = teams["alpha"]["operator"]
    ds = client.post("/datasets", headers=op, files={"file": ("people.csv", CSV, "text/csv")})
    assert ds.status_code == 201, ds.text
    cfg = client.post(
        "/config/upload", headers=op, files={"file": ("c.yaml", YAML, "application/yaml")}
    )
    assert cfg.status_code == 201, cfg.text
    job = client.post("/jobs", headers=op, json={"job_type": "generate", "config": config})
    assert job.status_code == 202, job.text
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 90, 40), "score": rng.normal(3, 1, 40)})
    model_registry.log_model(GaussianCopula().fit(frame), "people", project="alpha")
    return {
        "dataset": ds.json()["dataset_id"],
        "config": cfg.json()["config_id"],
        "job": job.json()["job_id"],
    }


def test_objects_carry_their_project(client, teams, alpha_objects, store):
    assert store.get(alpha_objects["job"]).project == "alpha"
    ds = client.get(f"/datasets/{alpha_objects['dataset']}", headers=teams["alpha"]["viewer"])
    assert ds.json()["project"] == "alpha"
    cfg = client.get(f"/config/uploads/{alpha_objects['config']}", headers=teams["alpha"]["viewer"])
    assert cfg.status_code == 200, cfg.text
    assert (cfg.json()["project"], cfg.json()["config"]["rows"]) == ("alpha", 3)
    model = client.get("/models/people", headers=teams["alpha"]["viewer"]).json()
    assert (model["name"], model["project"]) == ("people", "alpha")


def test_another_project_gets_404_exactly_like_unknown_ids(
    client, teams, alpha_objects, check_error
):
    beta = teams["beta"]
    job, ds, cfg = alpha_objects["job"], alpha_objects["dataset"], alpha_objects["config"]
    pairs = [
        (("get", f"/jobs/{job}"), ("get", "/jobs/job_000000000000000000000000")),
        (("get", f"/jobs/{job}/logs"), ("get", "/jobs/job_000000000000000000000000/logs")),
        (("get", f"/jobs/{job}/result"), ("get", "/jobs/job_000000000000000000000000/result")),
        (("delete", f"/jobs/{job}"), ("delete", "/jobs/job_000000000000000000000000")),
        (("get", f"/datasets/{ds}"), ("get", "/datasets/ds_0000000000000000")),
        (("get", f"/config/uploads/{cfg}"), ("get", "/config/uploads/cfg_0000000000000000")),
        (("get", "/models/people"), ("get", "/models/nobody")),
    ]
    for (method, path), (_, unknown) in pairs:
        role = "operator" if method == "delete" else "viewer"
        theirs = check_error(getattr(client, method)(path, headers=beta[role]), 404, "not_found")
        none = check_error(getattr(client, method)(unknown, headers=beta[role]), 404, "not_found")
        assert _plain(theirs["message"], "people") == _plain(none["message"], "nobody"), path
    check_error(
        client.post("/models/people/sample", json={"rows": 5}, headers=beta["operator"]),
        404,
        "not_found",
    )
    check_error(
        client.put(
            "/models/people/aliases/champion", json={"version": "1"}, headers=beta["operator"]
        ),
        404,
        "not_found",
    )
    # a model of another project is not named among the known ones
    message = client.get("/models/nobody", headers=beta["viewer"]).json()["error"]["message"]
    assert "people" not in message


def test_lists_and_stats_hold_only_the_projects_objects(client, teams, alpha_objects):
    beta, alpha = teams["beta"]["viewer"], teams["alpha"]["viewer"]
    assert client.get("/jobs", headers=beta).json()["total"] == 0
    assert client.get("/datasets", headers=beta).json()["datasets"] == []
    assert client.get("/config/uploads", headers=beta).json()["configs"] == []
    assert client.get("/models", headers=beta).json()["models"] == []
    assert client.get("/stats", headers=beta).json()["total"] == 0
    assert client.get("/stats", headers=beta).json()["datasets"] == 0
    assert [j["job_id"] for j in client.get("/jobs", headers=alpha).json()["jobs"]] == [
        alpha_objects["job"]
    ]
    assert client.get("/stats", headers=alpha).json()["total"] == 1
    assert [m["name"] for m in client.get("/models", headers=alpha).json()["models"]] == ["people"]
    metrics = client.get("/metrics").text
    assert 'syndata_project_jobs_total{project="alpha",status="queued"} 1.0' in metrics


def test_the_server_admin_sees_every_project(client, teams, alpha_objects):
    root = teams["server"]["admin"]
    assert client.get(f"/jobs/{alpha_objects['job']}", headers=root).status_code == 200
    assert client.get(f"/datasets/{alpha_objects['dataset']}", headers=root).status_code == 200
    models = client.get("/models", headers=root).json()["models"]
    assert [(m["name"], m["project"]) for m in models] == [("alpha~people", "alpha")]
    assert client.get("/models/alpha~people", headers=root).status_code == 200
    projects = {k["project"] for k in client.get("/keys", headers=root).json()["keys"]}
    assert {"alpha", "beta", SERVER_PROJECT} <= projects


def test_a_fit_naming_another_projects_dataset_is_refused_like_an_unknown_id(
    client, teams, alpha_objects, check_error
):
    beta = teams["beta"]["operator"]
    theirs = check_error(
        client.post("/models/m/fit", json={"dataset": alpha_objects["dataset"]}, headers=beta),
        400,
        "invalid_config",
    )
    unknown = check_error(
        client.post("/models/m/fit", json={"dataset": "ds_0123456789abcdef"}, headers=beta),
        400,
        "invalid_config",
    )
    assert theirs["problems"][0]["path"] == unknown["problems"][0]["path"] == "body.dataset"
    assert theirs["problems"][0]["message"].replace(alpha_objects["dataset"], "ID") == unknown[
        "problems"
    ][0]["message"].replace("ds_0123456789abcdef", "ID")
    # evaluate against another project's job: the same as an unknown job
    for synthetic in (alpha_objects["job"], "job_000000000000000000000000"):
        error = check_error(
            client.post(
                "/jobs",
                headers=beta,
                json={
                    "job_type": "evaluate",
                    "config": {"real": "ds_0123456789abcdef", "synthetic": synthetic},
                },
            ),
            400,
            "invalid_config",
        )
        assert "config.synthetic" in {p["path"] for p in error["problems"]}


def test_project_admins_manage_only_their_projects_keys(client, teams, key_store, check_error):
    alpha_admin = teams["alpha"]["admin"]
    listed = client.get("/keys", headers=alpha_admin).json()["keys"]
    assert {k["project"] for k in listed} == {"alpha"}
    made = client.post("/keys", json={"role": "viewer"}, headers=alpha_admin)
    assert made.status_code == 201 and made.json()["key"]["project"] == "alpha"
    check_error(
        client.post("/keys", json={"role": "viewer", "project": "beta"}, headers=alpha_admin),
        403,
        "forbidden",
    )
    beta_key = next(k for k in key_store.list_keys(project="beta"))
    check_error(client.delete(f"/keys/{beta_key.key_id}", headers=alpha_admin), 404, "not_found")
    root = teams["server"]["admin"]
    other = client.post("/keys", json={"role": "operator", "project": "gamma"}, headers=root)
    assert other.status_code == 201 and other.json()["key"]["project"] == "gamma"
    for bad in ("Gamma", "-x", "a" * 64, "a/b", "*"):
        response = client.post("/keys", json={"role": "viewer", "project": bad}, headers=root)
        assert response.status_code == 400, (bad, response.text)
        assert "project" in response.json()["error"]["message"] + str(
            response.json()["error"]["problems"]
        ), bad


def test_the_last_admin_key_of_a_project_cannot_be_revoked(client, teams, key_store, check_error):
    root = teams["server"]["admin"]
    alpha_admin = next(k for k in key_store.list_keys(project="alpha") if k.role == "admin")
    error = check_error(client.delete(f"/keys/{alpha_admin.key_id}", headers=root), 409, "conflict")
    assert "create another admin key first" in error["message"]
    second = client.post("/keys", json={"role": "admin", "project": "alpha"}, headers=root)
    assert second.status_code == 201
    assert client.delete(f"/keys/{alpha_admin.key_id}", headers=root).status_code == 200
    check_error(
        client.delete(f"/keys/{second.json()['key']['key_id']}", headers=root), 409, "conflict"
    )


def test_active_jobs_are_limited_per_project_and_per_key(make_client, teams, config, check_error):
    client = make_client()
    alpha = teams["alpha"]["operator"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYNDATA_MAX_ACTIVE_JOBS_PER_KEY", "2")
        for _ in range(2):
            assert (
                client.post(
                    "/jobs", headers=alpha, json={"job_type": "generate", "config": config}
                ).status_code
                == 202
            )
        error = check_error(
            client.post("/jobs", headers=alpha, json={"job_type": "generate", "config": config}),
            409,
            "conflict",
        )
        assert "SYNDATA_MAX_ACTIVE_JOBS_PER_KEY" in error["message"]
        mp.setenv("SYNDATA_MAX_ACTIVE_JOBS_PER_PROJECT", "2")
        mp.setenv("SYNDATA_MAX_ACTIVE_JOBS_PER_KEY", "20")
        error = check_error(
            client.post(
                "/jobs",
                headers=teams["alpha"]["admin"],
                json={"job_type": "generate", "config": config},
            ),
            409,
            "conflict",
        )
        assert "SYNDATA_MAX_ACTIVE_JOBS_PER_PROJECT" in error["message"]
        # another project is not held back by alpha's jobs
        assert (
            client.post(
                "/jobs",
                headers=teams["beta"]["operator"],
                json={"job_type": "generate", "config": config},
            ).status_code
            == 202
        )


def test_objects_from_before_projects_belong_to_default(client, auth, home, key_store):
    """Old uploads (no project in the meta) and keys of a single-user install: 'default'."""
    made = client.post(
        "/datasets", headers=auth("operator"), files={"file": ("people.csv", CSV, "text/csv")}
    ).json()
    meta_path = home / "uploads" / made["dataset_id"] / "meta.json"
    meta = json.loads(meta_path.read_text())
    assert meta.pop("project") == "default"
    meta_path.write_text(json.dumps(meta))
    assert (
        client.get(f"/datasets/{made['dataset_id']}", headers=auth("viewer")).json()["project"]
        == "default"
    )
    assert {k.project for k in key_store.list_keys()} == {"default"}
