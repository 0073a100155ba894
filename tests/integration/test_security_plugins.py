"""Plug-ins are installed, never named into existence: the attacks of issue 12 replayed
against a real `syndata serve`.

A `custom` rule naming `subprocess:Popen` (a shell command that would write a marker
file) or `io:FileIO` (mode w on a file whose bytes must survive) is sent through every
door that takes a config: `POST /config/validate`, `POST /jobs`, `POST /config/upload`
and `POST /models/{name}/sample`. Each answers 400 naming how to register a plug-in, and
nothing runs. A plug-in registered by the admin (`SYNDATA_RULE_PLUGINS`) makes values in
a real generate job.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
from serve_process import ADMIN, Server, cli, wait_job

HERE = Path(__file__).resolve().parent
PLUGIN = "security_plugin_rules"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("security_plugins")
    env = dict(os.environ)
    for var in (
        "SYNDATA_API_URL",
        "SYNDATA_BROKER_URL",
        "SYNDATA_JOBS_URL",
        "SYNDATA_AUTH",
        "SYNDATA_AUDIT_LOG",
    ):
        env.pop(var, None)
    env["SYNDATA_HOME"] = str(root / "home")
    env["SYNDATA_API_KEY"] = ADMIN
    env["SYNDATA_RULE_PLUGINS"] = f"sec_sku={PLUGIN}:Sku"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH")) if p)
    return env


@pytest.fixture(scope="module")
def server(env: dict[str, str]) -> Iterator[Server]:
    srv = Server(env, workers=1).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def http(server: Server, env: dict[str, str]) -> Iterator[httpx.Client]:
    made = cli("keys", "create", "--role", "operator", env=env)
    assert made.returncode == 0, made.stderr
    with server.client(made.stdout.strip().splitlines()[-1]) as client:
        yield client


def one_column(rule: dict, rows: int = 25) -> dict:
    return {
        "tables": [
            {
                "table_name": "t",
                "rows": rows,
                "columns": [{"name": "x", "type": "str", "rule": rule}],
            }
        ]
    }


def shell_attack(marker: Path) -> dict:
    return one_column(
        {
            "type": "custom",
            "custom_class": "subprocess:Popen",
            "parameters": {"args": ["/bin/sh", "-c", f"id > {marker}"]},
        }
    )


def truncate_attack(victim: Path) -> dict:
    return one_column(
        {
            "type": "custom",
            "custom_class": "io:FileIO",
            "parameters": {"file": str(victim), "mode": "w"},
        }
    )


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    text = response.text
    assert "not a registered plug-in name" in text
    assert "syndata.rules" in text and "SYNDATA_RULE_PLUGINS=" in text
    assert "Traceback" not in text


@pytest.fixture
def targets(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    marker, victim = tmp_path / "pwned", tmp_path / "victim.txt"
    victim.write_bytes(b"precious bytes\n")
    yield marker, victim
    assert not marker.exists(), "the attack's command ran"
    assert victim.read_bytes() == b"precious bytes\n", "the attack truncated a file"


def test_config_validate_refuses_code_paths(http: httpx.Client, targets) -> None:
    marker, victim = targets
    assert_refused(http.post("/config/validate", json=shell_attack(marker)))
    assert_refused(http.post("/config/validate", json=truncate_attack(victim)))
    for name in ("os:system", "os.system", "builtins:eval", f"{PLUGIN}:Sku"):
        refused = http.post(
            "/config/validate", json=one_column({"type": "custom", "custom_class": name})
        )
        assert refused.status_code == 400, refused.text
        assert "SYNDATA_RULE_PLUGINS" in refused.text


def test_generate_job_refuses_code_paths(http: httpx.Client, targets) -> None:
    marker, victim = targets
    for config in (shell_attack(marker), truncate_attack(victim)):
        assert_refused(http.post("/jobs", json={"job_type": "generate", "config": config}))


def test_config_upload_refuses_code_paths(http: httpx.Client, targets) -> None:
    marker, victim = targets
    for config in (shell_attack(marker), truncate_attack(victim)):
        body = json.dumps(config).encode()
        response = http.post(
            "/config/upload", files={"file": ("attack.json", body, "application/json")}
        )
        assert_refused(response)


def test_model_sample_refuses_code_paths(http: httpx.Client, targets) -> None:
    """Refused before the config is used: 404 when the model does not exist (the model is
    looked up first), else 400 naming how to register a plug-in; nothing runs either way."""
    marker, victim = targets
    for config in (shell_attack(marker), truncate_attack(victim)):
        response = http.post("/models/anything/sample", json={"rows": 10, "config": config})
        assert response.status_code in (400, 404), response.text
        if response.status_code == 404:
            assert "no model named 'anything'" in response.text
        else:
            assert_refused(response)


def test_method_and_faker_names_refused(http: httpx.Client) -> None:
    method = http.post(
        "/config/validate",
        json=one_column({"type": "custom", "custom_class": "sec_sku", "custom_method": "__init__"}),
    )
    assert method.status_code == 400 and "custom_method" in method.text
    for provider in ("seed_instance", "__class__", "_Faker__config"):
        refused = http.post("/config/validate", json=one_column({"type": provider}))
        assert refused.status_code == 400 and "nor a Faker provider" in refused.text
    locale = http.post(
        "/config/validate", json={**one_column({"type": "name"}), "locale": "../../../etc/passwd"}
    )
    assert locale.status_code == 400 and "unknown locale" in locale.text


def test_registered_plugin_generates_values_in_a_real_job(http: httpx.Client) -> None:
    config = one_column(
        {"type": "custom", "custom_class": "sec_sku", "parameters": {"prefix": "SEC"}}, rows=40
    )
    checked = http.post("/config/validate", json=config)
    assert checked.status_code == 200, checked.text
    job = http.post("/jobs", json={"job_type": "generate", "config": config})
    assert job.status_code == 202, job.text
    done = wait_job(http, job.json()["job_id"], timeout=90)
    assert done["status"] == "completed", done.get("error")
    csv = http.get(f"/jobs/{done['job_id']}/result", params={"table": "t", "format": "csv"})
    assert csv.status_code == 200, csv.text
    frame = pd.read_csv(io.BytesIO(csv.content))
    assert len(frame) == 40 and frame.x.str.fullmatch(r"SEC-\d{6}").all()
