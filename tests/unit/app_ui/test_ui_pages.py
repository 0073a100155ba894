"""Every page of the UI driven by AppTest against a real API server (`syndata serve`)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from ui_server import APP, ISOLATED, PENGUINS, ApiServer, free_port

FIT_TIMEOUT = 180


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.radio(key="nav").set_value(page).run()
    assert not at.exception, at.exception
    return at


def texts(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table shown (st.dataframe) that has all of ``columns``."""
    for frame in at.dataframe:
        value = frame.value
        if set(columns) <= set(value.columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def errors_besides_privacy(at: AppTest) -> list[str]:
    """The error boxes shown, but for a privacy verdict's ("Privacy: **fail**")."""
    return [str(e.value) for e in at.error if not str(e.value).startswith("Privacy:")]


def element_types(node: Any) -> list[str]:
    found = []
    for child in getattr(node, "children", {}).values():
        found.append(child.type)
        found += element_types(child)
    return found


@pytest.fixture(scope="module")
def generated(api_server: ApiServer) -> Iterator[AppTest]:
    """The Generate flow run once: upload penguins → profile → fit → sample 300 rows."""
    with pytest.MonkeyPatch.context() as mp:
        for var in ISOLATED:
            mp.delenv(var, raising=False)
        mp.setenv("SYNDATA_API_URL", api_server.url)
        mp.setenv("SYNDATA_API_KEY", api_server.key)
        at = new_app()
        at.file_uploader(key="gen_files").set_value(
            ("penguins.csv", PENGUINS.read_bytes(), "text/csv")
        )
        at.run()
        at.button(key="gen_profile").click().run(timeout=FIT_TIMEOUT)
        assert not at.exception and not at.error, texts(at.error)
        at.text_input(key="gen_model_name").set_value("penguins_ui")
        at.button(key="gen_fit").click().run(timeout=FIT_TIMEOUT)
        assert not at.exception and not at.error, texts(at.error)
        at.number_input(key="gen_rows").set_value(300)
        at.button(key="gen_sample").click().run(timeout=FIT_TIMEOUT)
        assert not at.exception and not at.error, texts(at.error)
        yield at


def test_generate_profiles_fits_samples_and_compares(
    generated: AppTest, api_server: ApiServer
) -> None:
    at = generated
    shown = metrics(at)
    assert shown["Rows"] == "344" and shown["Columns"] == "8" and shown["PII columns"] == "0"
    assert "No personal data detected" in texts(at.success)
    # the profile's kinds per column
    profile = table_with(at, "column", "kind", "distinct")
    kinds = dict(zip(profile["column"], profile["kind"], strict=True))
    assert kinds["species"] == "categorical" and kinds["body_mass_g"] == "numerical"
    # the fit's scores with their verdicts
    quality = shown["Quality score"]
    assert quality.endswith("%") and float(quality.rstrip("%")) > 60
    assert shown["Privacy verdict"] in ("PASS", "WARN", "FAIL")
    assert "Quality: **good**" in texts(at.success) + texts(at.warning)
    # consistency beside it, each rule with the real and synthetic shares breaking it
    assert shown["Consistency"].endswith("%") and float(shown["Consistency"].rstrip("%")) > 90
    rules = table_with(at, "rule", "real", "synthetic", "rows breaking it")
    assert "species × island: 5 of 9 combinations occur" in list(rules["rule"])
    assert (rules["real"] == 0.0).all() and rules["synthetic"].between(0, 1).all()
    # the sample: preview, charts (8 distributions, 2 heatmaps, column scores), downloads
    preview = table_with(at, "species", "body_mass_g")
    assert len(preview) == 100 and list(preview.columns) == list(
        pd.read_csv(PENGUINS, nrows=1).columns
    )
    assert element_types(at.main).count("vega_lite_chart") >= 11
    keys = {b.key for b in at.download_button}
    assert {"gen_dl_csv_penguins", "gen_dl_parquet_penguins", "gen_dl_sql_penguins"} <= keys
    assert "300 synthetic rows" in texts(at.caption)
    # what the buttons download: the sample job's table, in each format
    job_id = at.session_state["gen"]["sample_job"]["job_id"]
    with api_server.http() as http:
        csv = http.get(f"/jobs/{job_id}/result", params={"table": "penguins", "format": "csv"})
        sql = http.get(f"/jobs/{job_id}/result", params={"table": "penguins", "format": "sql"})
    assert csv.status_code == 200 and len(csv.text.strip().splitlines()) == 301
    assert "CREATE TABLE" in sql.text


def test_the_pii_review_decides_each_flagged_column(ui_env: ApiServer) -> None:
    from faker import Faker

    fake = Faker("en_US")
    Faker.seed(3)
    people = pd.DataFrame(
        {
            "name": [fake.name() for _ in range(120)],
            "email": [fake.email() for _ in range(120)],
            "age": [18 + (i * 7) % 60 for i in range(120)],
            "plan": [("basic", "pro", "team")[i % 3] for i in range(120)],
        }
    )
    at = new_app()
    at.file_uploader(key="gen_files").set_value(
        ("people.csv", people.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.button(key="gen_profile").click().run(timeout=FIT_TIMEOUT)
    assert not at.error, texts(at.error)
    assert int(metrics(at)["PII columns"]) >= 2
    editor = next(e for e in at.data_editor if e.key == "gen_pii_editor")
    review = editor.value
    assert {"name", "email"} <= set(review["column"])
    assert set(review["decision"]) == {"regenerate"}
    # the user drops the email column and allows nothing else to change
    email_row = list(review["column"]).index("email")
    at.session_state["gen_pii_editor"] = {
        "edited_rows": {email_row: {"decision": "drop"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    plan = json.loads(next(j.value for j in at.json))
    assert plan["columns"]["email"] == {"action": "drop"}
    assert plan["columns"]["name"]["action"] == "regenerate"
    at.text_input(key="gen_model_name").set_value("people_ui")
    at.button(key="gen_fit").click().run(timeout=FIT_TIMEOUT)
    assert not at.exception and not at.error, texts(at.error)
    assert "Fit completed" in texts(at.success)
    with ui_env.http() as http:
        model = http.get("/models/people_ui").json()
    privacy = model["versions"][0]["artifacts"]["privacy"]["pii"]
    assert "email" in privacy["dropped"] and "name" in privacy["regenerated"]


def test_several_files_fit_a_relational_model(ui_env: ApiServer) -> None:
    customers = pd.DataFrame(
        {
            "customer_id": range(1, 41),
            "segment": [("retail", "business")[i % 2] for i in range(40)],
            "score": [round(10 + (i * 37) % 90 * 1.1, 1) for i in range(40)],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": range(1, 121),
            "customer_id": [1 + (i * 7) % 40 for i in range(120)],
            "amount": [round(5 + (i * 13) % 200 * 0.75, 2) for i in range(120)],
        }
    )
    at = new_app()
    at.file_uploader(key="gen_files").set_value(
        [
            ("customers.csv", customers.to_csv(index=False).encode(), "text/csv"),
            ("orders.csv", orders.to_csv(index=False).encode(), "text/csv"),
        ]
    )
    at.run()
    at.button(key="gen_profile").click().run(timeout=FIT_TIMEOUT)
    assert not at.exception and not at.error, texts(at.error)
    assert [m.value for m in at.metric if m.label == "Primary key"] == ["customer_id", "order_id"]
    assert at.selectbox(key="gen_model").value == "hierarchical"
    at.text_input(key="gen_model_name").set_value("shop_ui")
    at.button(key="gen_fit").click().run(timeout=FIT_TIMEOUT)
    # a fail verdict is shown in an error box: 120 orders (24 held out) of one modelled
    # column may well fail the distance check; any other error box is a failure
    assert not at.exception and not errors_besides_privacy(at), texts(at.error)
    assert "`orders.customer_id` → `customers.customer_id`" in texts(at.markdown)
    assert metrics(at)["Quality score"].endswith("%")
    assert metrics(at)["Consistency"].endswith("%")
    rules = table_with(at, "table", "rule", "real", "synthetic")
    assert set(rules["table"]) <= {"customers", "orders"} and len(rules) > 0
    # the schema's privacy verdict: the worst table's (orders; 40 customers hold none out)
    verdict = metrics(at)["Privacy verdict"]
    assert verdict in ("PASS", "WARN", "FAIL")
    with ui_env.http() as http:
        privacy = http.get("/models/shop_ui").json()["versions"][0]["artifacts"]["privacy"]
    assert privacy["verdict"] == verdict.lower() and set(privacy["tables"]) == {"orders"}
    assert "customers: not measured" in privacy["summary"]
    models = go(new_app(), "Models")
    models.selectbox(key="models_name").set_value("shop_ui").run()
    assert not models.exception, models.exception
    assert metrics(models)["Privacy verdict"] == verdict
    at.button(key="gen_sample").click().run(timeout=FIT_TIMEOUT)
    assert not at.exception and not errors_besides_privacy(at), texts(at.error)
    keys = {b.key for b in at.download_button}
    assert {"gen_dl_csv_customers", "gen_dl_sql_orders", "gen_dl_zip"} <= keys
    synthetic = at.session_state["gen"]["synthetic"]
    assert len(synthetic["customers"]) == 40 and len(synthetic["orders"]) == 120
    assert set(synthetic["orders"]["customer_id"]) <= set(synthetic["customers"]["customer_id"])


def test_rule_based_validates_shows_problems_by_path_and_generates(ui_env: ApiServer) -> None:
    at = go(new_app(), "Rule-based")
    assert at.selectbox(key="rb_template").value == "customer_config"
    assert "customers" in at.text_area(key="rb_text").value
    at.button(key="rb_validate").click().run()
    assert "The config is valid: 1 table(s)." in texts(at.success)
    tables = table_with(at, "table", "rows", "columns")
    assert list(tables["table"]) == ["customers"]

    broken = {
        "tables": [
            {
                "table_name": "people",
                "columns": [
                    {"name": "id", "type": "intx"},
                    {"name": "age", "type": "int", "rule": {"type": "range", "min": 90, "max": 18}},
                ],
            }
        ],
        "rows": -5,
    }
    at.text_area(key="rb_text").set_value(json.dumps(broken, indent=2)).run()
    at.button(key="rb_validate").click().run()
    assert not at.exception
    assert "problems found" in texts(at.error)
    problems = table_with(at, "path", "problem", "fix")
    by_path = dict(zip(problems["path"], problems["problem"], strict=True))
    assert "unknown column type 'intx'" in by_path["tables[0].columns[0].type"]
    assert "rows" in by_path and any("columns[1]" in p for p in by_path)

    at.text_area(key="rb_text").set_value("tables: [unclosed").run()
    at.button(key="rb_validate").click().run()
    assert "not valid YAML/JSON at line 1" in texts(at.error) and not at.exception

    uploaded = "tables:\n  - table_name: pets\n    columns:\n      - {name: pet_id, type: int}\n"
    at.file_uploader(key="rb_file").set_value(("pets.yaml", uploaded.encode(), "text/yaml"))
    at.run()
    assert at.text_area(key="rb_text").value == uploaded
    at.button(key="rb_validate").click().run()
    assert list(table_with(at, "table", "rows", "columns")["table"]) == ["pets"]

    at.selectbox(key="rb_template").set_value("employees_config").run()
    assert "employees" in at.text_area(key="rb_text").value
    at.number_input(key="rb_rows").set_value(8)
    at.button(key="rb_generate").click().run(timeout=120)
    assert not at.exception and not at.error, texts(at.error)
    assert "Generation completed" in texts(at.success)
    keys = {b.key for b in at.download_button}
    assert {
        "rb_dl_csv_employees",
        "rb_dl_parquet_employees",
        "rb_dl_sql_employees",
        "rb_dl_csv_departments",
        "rb_dl_zip",
    } <= keys
    preview = table_with(at, "emp_id", "salary")
    assert len(preview) == 8


def test_jobs_lists_shows_logs_and_cancels_a_long_job(ui_env: ApiServer) -> None:
    config = {
        "tables": [
            {
                "table_name": "big",
                "columns": [
                    {"name": "id", "type": "int", "rule": {"type": "sequence", "start": 1}},
                    {"name": "x", "type": "float", "rule": {"type": "range", "min": 0, "max": 1}},
                ],
            }
        ]
    }
    with ui_env.http() as http:
        job = http.post(
            "/jobs",
            json={"job_type": "generate", "config": {"config": config, "rows": 100_000_000}},
        ).json()
    job_id = job["job_id"]
    try:
        ui_env.wait(job_id, timeout=60, until=("running", "completed", "failed", "cancelled"))
        at = go(new_app(), "Jobs")
        at.selectbox(key="jobs_status").set_value("running").run()
        listed = table_with(at, "job", "status", "progress")
        assert job_id in list(listed["job"]) and set(listed["status"]) == {"running"}
        at.selectbox(key="jobs_selected").set_value(job_id).run()
        assert "job started" in texts(at.code)
        at.button(key="jobs_cancel").click().run()
        assert not at.exception and not at.error, texts(at.error)
        assert "Cancellation requested" in texts(at.success)
        assert ui_env.wait(job_id, timeout=60)["status"] == "cancelled"
        at.selectbox(key="jobs_status").set_value("cancelled").run()
        at.button(key="jobs_refresh").click().run()
        listed = table_with(at, "job", "status", "progress")
        assert job_id in list(listed["job"])
        at.selectbox(key="jobs_selected").set_value(job_id).run()
        assert "jobs_cancel" not in {b.key for b in at.button}
    finally:
        with ui_env.http() as http:
            http.delete(f"/jobs/{job_id}")


def test_models_lists_the_fitted_model_sets_an_alias_and_samples(
    generated: AppTest, ui_env: ApiServer
) -> None:
    at = go(new_app(), "Models")
    table = table_with(at, "model", "latest version")
    assert "penguins_ui" in list(table["model"])
    at.selectbox(key="models_name").set_value("penguins_ui").run()
    assert metrics(at)["Quality score"].endswith("%")
    assert metrics(at)["Consistency"].endswith("%")
    assert "species × island: 5 of 9 combinations occur" in list(
        table_with(at, "rule", "real", "synthetic")["rule"]
    )
    links = [b.proto.url for b in at.get("link_button")]
    assert "http://127.0.0.1:5999/#/models/penguins_ui" in links
    at.text_input(key="models_alias").set_value("champion")
    at.button(key="models_set_alias").click().run()
    assert not at.error, texts(at.error)
    assert "`penguins_ui@champion` now points at version 1" in texts(at.success)
    with ui_env.http() as http:
        assert http.get("/models/penguins_ui").json()["aliases"] == {"champion": "1"}
    at.number_input(key="models_rows").set_value(25)
    at.button(key="models_sample").click().run(timeout=FIT_TIMEOUT)
    assert not at.exception and not at.error, texts(at.error)
    assert "models_dl_csv_penguins" in {b.key for b in at.download_button}
    at.text_input(key="models_alias").set_value("v2")
    at.button(key="models_set_alias").click().run()
    assert "reserved" in texts(at.error) and "`alias`" in texts(at.error)


def test_dashboard_shows_the_counts(generated: AppTest, ui_env: ApiServer) -> None:
    with ui_env.http() as http:
        stats = http.get("/stats").json()
    at = go(new_app(), "Dashboard")
    shown = metrics(at)
    assert shown["Jobs"] == f"{stats['total']:,}"
    assert shown["Completed"] == f"{stats['jobs']['completed']:,}"
    assert shown["Rows generated"] == f"{stats['rows_generated']:,}"
    assert shown["Datasets"] == f"{stats['datasets']:,}"
    assert int(shown["Models"]) >= 1
    assert shown["Mean generation time"].endswith(" s")
    recent = table_with(at, "job", "status")
    assert 1 <= len(recent) <= 10
    assert "vega_lite_chart" in element_types(at.main)


def test_an_invalid_key_shows_readable_errors(
    ui_env: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNDATA_API_KEY", "sk_wrong_" + "x" * 30)
    at = new_app()
    assert "Key rejected: the API key is unknown or revoked (HTTP 401)" in texts(at.sidebar.error)
    for page in ("Dashboard", "Jobs", "Models", "Rule-based"):
        go(at, page)
        assert "the API key is unknown or revoked (HTTP 401)" in texts(at.error), page
    go(at, "Generate")
    at.file_uploader(key="gen_files").set_value(("penguins.csv", PENGUINS.read_bytes(), "text/csv"))
    at.run()
    at.button(key="gen_profile").click().run()
    assert not at.exception
    assert "upload of penguins.csv failed: the API key is unknown or revoked (HTTP 401)" in texts(
        at.error
    )
    assert "Traceback" not in texts(at.error)
    # a key pasted in the sidebar replaces it
    at.text_input(key="api_key").set_value(ui_env.key).run()
    assert not at.sidebar.error and "key accepted" in texts(at.sidebar.caption)


def test_an_unreachable_api_is_said_plainly(
    ui_env: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNDATA_API_URL", f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    at = go(new_app(), "Dashboard")
    assert time.monotonic() - started < 30
    assert "cannot reach the syndata API" in texts(at.sidebar.error)
    assert "cannot reach the syndata API" in texts(at.error) and not at.exception
