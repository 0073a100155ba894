from __future__ import annotations

import json

import pytest
import yaml


def test_validate_a_valid_config(client, auth, config):
    response = client.post("/config/validate", json=config, headers=auth("operator"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is True
    assert body["tables"] == [{"name": "people", "rows": 20, "columns": ["id", "age"]}]
    assert isinstance(body["warnings"], list)


def test_validate_with_a_row_override(client, auth, config):
    response = client.post("/config/validate?rows=7", json=config, headers=auth("operator"))
    assert response.json()["tables"][0]["rows"] == 7


def test_validate_lists_every_problem_with_its_path(client, auth, bad_config, check_error):
    error = check_error(
        client.post("/config/validate", json=bad_config, headers=auth("operator")),
        400,
        "invalid_config",
    )
    paths = [p["path"] for p in error["problems"]]
    assert {"tables[0].columns[0].type", "tables[0].columns[1].rule", "rows"} <= set(paths)
    assert "3 problems" in error["message"]
    fixes = {p["path"]: p["fix"] for p in error["problems"]}
    assert "int" in fixes["tables[0].columns[0].type"]


def test_validate_needs_a_json_object(client, auth, check_error):
    check_error(
        client.post("/config/validate", json=[1, 2], headers=auth("operator")),
        422,
        "validation_error",
    )
    empty = check_error(
        client.post("/config/validate", json={}, headers=auth("operator")), 400, "invalid_config"
    )
    assert empty["problems"]


def test_upload_a_yaml_config(client, auth, config, home):
    text = "# people\n" + yaml.safe_dump(config)
    response = client.post(
        "/config/upload",
        headers=auth("operator"),
        files={"file": ("../../etc/people.yaml", text.encode(), "application/yaml")},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["valid"] is True and body["format"] == "yaml"
    assert body["filename"] == "people.yaml"
    assert body["config"]["tables"][0]["table_name"] == "people"
    assert body["config_id"].startswith("cfg_")
    stored = home / "uploads" / "configs" / f"{body['config_id']}.yaml"
    assert stored.read_text() == text
    assert not (home / "etc").exists()


def test_upload_a_json_config(client, auth, config):
    response = client.post(
        "/config/upload",
        headers=auth("operator"),
        files={"file": ("people.json", json.dumps(config).encode())},
    )
    assert response.status_code == 201, response.text
    assert response.json()["tables"][0]["name"] == "people"


def test_upload_an_invalid_config_lists_its_problems(client, auth, bad_config, check_error, home):
    error = check_error(
        client.post(
            "/config/upload",
            headers=auth("operator"),
            files={"file": ("bad.yaml", yaml.safe_dump(bad_config).encode())},
        ),
        400,
        "invalid_config",
    )
    assert "rows" in {p["path"] for p in error["problems"]}
    assert not list((home / "uploads").glob("configs/cfg_*"))


def test_upload_with_a_syntax_error_names_the_line(client, auth, check_error):
    error = check_error(
        client.post(
            "/config/upload",
            headers=auth("operator"),
            files={"file": ("broken.yaml", b"tables:\n  - table_name: [unclosed\n")},
        ),
        400,
        "invalid_config",
    )
    assert error["problems"][0]["path"].startswith("broken.yaml:")


def test_upload_other_file_types_is_refused(client, auth, check_error):
    error = check_error(
        client.post(
            "/config/upload", headers=auth("operator"), files={"file": ("config.exe", b"MZ")}
        ),
        400,
        "invalid_config",
    )
    assert ".yaml" in error["problems"][0]["fix"]


def test_list_templates(client, auth):
    response = client.get("/schemas", headers=auth("viewer"))
    assert response.status_code == 200
    names = [s["name"] for s in response.json()["schemas"]]
    assert {"customer_config", "employees_config", "penguins_config"} <= set(names)
    assert names == sorted(names)
    employees = next(s for s in response.json()["schemas"] if s["name"] == "employees_config")
    assert employees["format"] == "yaml"
    assert employees["description"].startswith("Departments and their employees")


def test_get_a_template(client, auth):
    response = client.get("/schemas/customer_config", headers=auth("viewer"))
    assert response.status_code == 200
    body = response.json()
    assert body["config"]["tables"][0]["table_name"] == "customers"
    assert json.loads(body["text"]) == body["config"]
    by_file = client.get("/schemas/customer_config.json", headers=auth("viewer"))
    assert by_file.json()["name"] == "customer_config"


@pytest.mark.parametrize(
    "name",
    [
        "..%2f..%2fetc%2fpasswd",
        "..%2f..%2fpyproject.toml",
        "..",
        "%2e%2e%2fREADME.md",
        "nope",
        "sample_configs%2fcustomer_config.json",
        "%2fetc%2fpasswd",
    ],
)
def test_template_names_never_become_paths(client, auth, check_error, name):
    response = client.get(f"/schemas/{name}", headers=auth("viewer"))
    assert response.status_code == 404
    check_error(response, 404, "not_found")
    assert "root:" not in response.text and "[project]" not in response.text
