"""Projects against a real `syndata serve`: one project's keys never reach another's objects.

Keys of projects alpha and beta are made with `syndata keys create --project`; alpha
uploads a dataset and a config, runs a generate job and fits a small model; beta gets a 404
(the same as for an unknown id) for every one of them and never sees them in its lists.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serve_process import ADMIN, Server, cli, service_env, wait_job

PENGUINS = Path(__file__).resolve().parents[2] / "examples" / "data" / "penguins.csv"
# the first 120 rows keep the fit fast
SMALL = b"".join(PENGUINS.read_bytes().splitlines(keepends=True)[:121])
CONFIG = {
    "tables": [
        {
            "table_name": "people",
            "columns": [
                {"name": "id", "type": "int", "constraints": ["PK"]},
                {"name": "age", "type": "int", "rule": {"type": "range", "min": 18, "max": 90}},
            ],
        }
    ],
    "rows": 50,
    "output_format": "csv",
}
YAML = b"tables:\n  - table_name: t\n    columns:\n      - {name: id, type: int}\nrows: 3\n"
NO_JOB = "job_000000000000000000000000"


def _key(env: dict[str, str], role: str, project: str) -> str:
    made = cli(
        "keys",
        "create",
        "--role",
        role,
        "--project",
        project,
        "--name",
        f"{project} {role}",
        env=env,
    )
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with pytest.MonkeyPatch.context() as patch:
        env = service_env(tmp_path_factory.mktemp("projects"), patch)
        server = Server(env).start()
        try:
            # operator keys from the CLI (both at once), admin keys from the server admin
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                secrets = pool.map(lambda p: _key(env, "operator", p), ("alpha", "beta"))
                made = dict(zip(("alpha_operator", "beta_operator"), secrets, strict=True))
            root = server.client(ADMIN)
            keys = dict(made)
            for project in ("alpha", "beta"):
                response = root.post("/keys", json={"role": "admin", "project": project})
                assert response.status_code == 201, response.text
                keys[f"{project}_admin"] = response.json()["secret"]
            a = server.client(keys["alpha_operator"])
            ds = a.post("/datasets", files={"file": ("penguins.csv", SMALL, "text/csv")})
            assert ds.status_code == 201, ds.text
            dataset = ds.json()["dataset_id"]
            cfg = a.post("/config/upload", files={"file": ("c.yaml", YAML, "application/yaml")})
            assert cfg.status_code == 201, cfg.text
            gen = a.post("/jobs", json={"job_type": "generate", "config": CONFIG})
            fit = a.post(
                "/models/penguins/fit",
                json={"dataset": dataset, "model": "gaussian_copula", "attacks": False},
            )
            assert gen.status_code == 202 and fit.status_code == 202, (gen.text, fit.text)
            for job in (gen.json(), fit.json()):
                done = wait_job(a, job["job_id"])
                assert done["status"] == "completed", done
            yield {
                "server": server,
                "env": env,
                "keys": keys,
                "dataset": dataset,
                "config": cfg.json()["config_id"],
                "job": gen.json()["job_id"],
                "fit": fit.json()["job_id"],
            }
        finally:
            server.stop()


def _client(world: dict, name: str) -> httpx.Client:
    return world["server"].client(world["keys"][name])


def _plain(message: str) -> str:
    return (
        re.sub(r"\b(job|ds|cfg)_[0-9a-f]+", "ID", message)
        .replace("'penguins'", "'X'")
        .replace("'nobody'", "'X'")
    )


def test_beta_gets_404_for_alphas_objects_like_unknown_ids(world: dict) -> None:
    beta = _client(world, "beta_operator")
    job, ds, cfg = world["job"], world["dataset"], world["config"]
    pairs = [
        ("GET", f"/jobs/{job}", f"/jobs/{NO_JOB}"),
        ("GET", f"/jobs/{job}/logs", f"/jobs/{NO_JOB}/logs"),
        ("GET", f"/jobs/{job}/result", f"/jobs/{NO_JOB}/result"),
        ("DELETE", f"/jobs/{job}", f"/jobs/{NO_JOB}"),
        ("GET", f"/datasets/{ds}", "/datasets/ds_0000000000000000"),
        ("GET", f"/config/uploads/{cfg}", "/config/uploads/cfg_0000000000000000"),
        ("GET", "/models/penguins", "/models/nobody"),
    ]
    for method, theirs, unknown in pairs:
        got, none = beta.request(method, theirs), beta.request(method, unknown)
        assert (got.status_code, none.status_code) == (404, 404), (theirs, got.text)
        assert _plain(got.json()["error"]["message"]) == _plain(none.json()["error"]["message"]), (
            theirs
        )
    for path, body in (
        ("/models/penguins/sample", {"rows": 5}),
        ("/models/nobody/sample", {"rows": 5}),
    ):
        assert beta.post(path, json=body).status_code == 404, path
    for name in ("penguins", "nobody"):
        response = beta.put(f"/models/{name}/aliases/champion", json={"version": "1"})
        assert response.status_code == 404, response.text
    # alpha's own requests succeed, so the 404s above are about the project
    alpha = _client(world, "alpha_operator")
    assert alpha.get(f"/jobs/{job}/result", params={"table": "people"}).status_code == 200
    assert alpha.post("/models/penguins/sample", json={"rows": 5}).status_code == 202
    assert alpha.put("/models/penguins/aliases/champion", json={"version": "1"}).status_code == 200


def test_betas_lists_hold_none_of_alphas_objects(world: dict) -> None:
    beta = _client(world, "beta_operator")
    assert beta.get("/jobs").json()["total"] == 0
    assert beta.get("/datasets").json()["datasets"] == []
    assert beta.get("/config/uploads").json()["configs"] == []
    assert beta.get("/models").json()["models"] == []
    assert beta.get("/stats").json()["total"] == 0
    message = beta.get("/models/nobody").json()["error"]["message"]
    assert "penguins" not in message
    alpha = _client(world, "alpha_operator")
    assert {world["job"], world["fit"]} <= {j["job_id"] for j in alpha.get("/jobs").json()["jobs"]}
    assert [m["name"] for m in alpha.get("/models").json()["models"]] == ["penguins"]


def test_a_fit_by_beta_naming_alphas_dataset_is_refused_like_an_unknown_id(world: dict) -> None:
    beta = _client(world, "beta_operator")
    theirs = beta.post("/models/mine/fit", json={"dataset": world["dataset"]})
    unknown = beta.post("/models/mine/fit", json={"dataset": "ds_0123456789abcdef"})
    assert (theirs.status_code, unknown.status_code) == (400, 400), theirs.text
    first, second = theirs.json()["error"]["problems"], unknown.json()["error"]["problems"]
    assert first[0]["path"] == second[0]["path"] == "body.dataset"
    assert _plain(first[0]["message"]) == _plain(second[0]["message"])


def test_the_server_admin_sees_both_projects(world: dict) -> None:
    root = world["server"].client(ADMIN)
    assert root.get(f"/jobs/{world['job']}").status_code == 200
    assert root.get(f"/datasets/{world['dataset']}").status_code == 200
    assert root.get(f"/config/uploads/{world['config']}").status_code == 200
    models = root.get("/models").json()["models"]
    assert ("alpha~penguins", "alpha") in {(m["name"], m["project"]) for m in models}
    assert root.get("/models/alpha~penguins").status_code == 200
    keys = root.get("/keys").json()["keys"]
    assert {"alpha", "beta", "*"} <= {k["project"] for k in keys}
    # a project admin lists its own project's keys only
    alpha_keys = _client(world, "alpha_admin").get("/keys").json()["keys"]
    assert {k["project"] for k in alpha_keys} == {"alpha"}


def test_the_last_admin_key_of_a_project_cannot_be_revoked(world: dict) -> None:
    beta_admin = _client(world, "beta_admin")
    keys = beta_admin.get("/keys").json()["keys"]
    only = next(k["key_id"] for k in keys if k["role"] == "admin")
    refused = beta_admin.delete(f"/keys/{only}")
    assert refused.status_code == 409, refused.text
    assert "create another admin key first" in refused.json()["error"]["message"]
    second = beta_admin.post("/keys", json={"role": "admin", "name": "second"})
    assert second.status_code == 201 and second.json()["key"]["project"] == "beta"
    assert beta_admin.delete(f"/keys/{second.json()['key']['key_id']}").status_code == 200
    assert beta_admin.delete(f"/keys/{only}").status_code == 409
    # the bootstrap server admin is the last server admin
    root = world["server"].client(ADMIN)
    me = next(k["key_id"] for k in root.get("/keys").json()["keys"] if k["project"] == "*")
    assert root.delete(f"/keys/{me}").status_code == 409


def test_keys_revoke_refuses_the_last_admin_key_of_a_project(tmp_path, monkeypatch) -> None:
    env = service_env(tmp_path, monkeypatch)
    made = cli("keys", "create", "--role", "admin", "--project", "gamma", env=env)
    assert made.returncode == 0, made.stderr
    only = re.search(r"key_[0-9a-f]{16}", made.stderr)
    assert only is not None and "project gamma" in made.stderr, made.stderr
    refused = cli("keys", "revoke", only.group(0), env=env)
    assert refused.returncode != 0
    assert "create another admin key first" in " ".join(refused.stderr.split())
    bad = cli("keys", "create", "--role", "viewer", "--project", "Not A Name", env=env)
    assert bad.returncode != 0 and "project" in bad.stderr
