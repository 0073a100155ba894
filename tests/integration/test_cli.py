"""The ``syndata`` command as a user runs it: examples in every format, errors, exit codes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from syndata.cli import app
from syndata.io import FORMATS, read_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EMAIL_RE = r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def read_back(path: Path, fmt: str, table: str) -> pa.Table:
    if fmt == "sql":
        import sqlite3

        db = path / "check.db"
        con = sqlite3.connect(db)
        con.executescript((path / f"{table}.sql").read_text())
        con.close()
        return read_table(table, db_url=f"sqlite:///{db}", table=table)
    return read_table(path / f"{table}.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_customer_example_in_every_format(tmp_path, fmt):
    extra = ["--sql-dialect", "sqlite"] if fmt == "sql" else []
    result = run(
        "generate",
        "--config",
        str(EXAMPLES / "customer_config.json"),
        "--rows",
        "1000",
        "--output-format",
        fmt,
        "--output-dir",
        str(tmp_path),
        "--seed",
        "5",
        *extra,
    )
    assert result.exit_code == 0, result.output
    df = read_back(tmp_path, fmt, "customers").to_pandas()
    assert len(df) == 1000
    assert df.customer_id.is_unique and df.customer_id.between(1, 10000).all()
    assert df.age.between(18, 80).all()
    assert df.email.str.match(EMAIL_RE).all()
    assert df.first_name.str.len().gt(0).all()


@pytest.mark.parametrize("fmt", FORMATS)
def test_employees_example_in_every_format(tmp_path, fmt):
    extra = ["--sql-dialect", "sqlite"] if fmt == "sql" else []
    result = run(
        "generate",
        "--config",
        str(EXAMPLES / "employees_config.yaml"),
        "--rows",
        "500",
        "-f",
        fmt,
        "-o",
        str(tmp_path),
        "--seed",
        "9",
        *extra,
    )
    assert result.exit_code == 0, result.output
    assert "only 10 distinct values" in result.output  # the cap warning
    if fmt == "sql":
        import sqlite3

        db = tmp_path / "all.db"
        con = sqlite3.connect(db)
        con.execute("PRAGMA foreign_keys = ON")
        for table in ("departments", "employees"):  # FK constraints are enforced
            con.executescript((tmp_path / f"{table}.sql").read_text())
        con.close()
        deps = read_table("departments", db_url=f"sqlite:///{db}", table="departments")
        emps = read_table("employees", db_url=f"sqlite:///{db}", table="employees")
    else:
        deps = read_table(tmp_path / f"departments.{fmt}")
        emps = read_table(tmp_path / f"employees.{fmt}")
    deps, emps = deps.to_pandas(), emps.to_pandas()
    assert sorted(deps.dept_id) == list(range(1, 11))
    assert len(emps) == 500 and emps.emp_id.is_unique
    assert emps.dept_id.isin(deps.dept_id).all()
    assert emps.salary[emps.dept_id == 1].between(80000, 150000).all()


def test_same_seed_same_bytes(tmp_path):
    for name in ("a", "b"):
        result = run(
            "generate",
            "-c",
            str(EXAMPLES / "customer_config.json"),
            "-n",
            "3000",
            "-f",
            "csv",
            "-o",
            str(tmp_path / name),
            "--seed",
            "42",
            "--batch-size",
            "1000",
        )
        assert result.exit_code == 0, result.output
    first, second = (tmp_path / "a/customers.csv"), (tmp_path / "b/customers.csv")
    assert first.read_bytes() == second.read_bytes()


def test_existing_output_is_kept(tmp_path):
    target = tmp_path / "customers.csv"
    target.write_text("precious\n")
    result = run("generate", "-c", str(EXAMPLES / "customer_config.json"), "-o", str(tmp_path))
    assert result.exit_code == 6
    assert "already exists" in result.output and "--if-exists replace" in result.output
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["customers.csv"]
    result = run(
        "generate",
        "-c",
        str(EXAMPLES / "customer_config.json"),
        "-o",
        str(tmp_path),
        "-n",
        "10",
        "--if-exists",
        "replace",
    )
    assert result.exit_code == 0, result.output
    assert len(target.read_text().splitlines()) == 11


def test_validate_ok_and_relationships():
    result = run(
        "validate", "--config", str(EXAMPLES / "employees_config.yaml"), "--check-relationships"
    )
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    assert "employees.dept_id -> departments.dept_id" in result.output
    assert "generation order: departments -> employees" in result.output


def test_validate_reports_every_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "tables:\n"
        "  - table_name: t\n"
        "    columns:\n"
        "      - {name: a, type: int, rule: {type: range, min: 10, max: 5}}\n"
        "      - {name: b, rule: {type: rnage}}\n"
        "      - {name: c, rule: {type: choice, value: []}}\n"
    )
    result = run("validate", "--config", str(bad))
    assert result.exit_code == 3
    out = result.output
    assert "3 problems" in out
    assert "tables[0].columns[0].rule: min (10) is greater than max (5)" in out
    assert "tables[0].columns[1].rule: unknown rule type 'rnage'" in out
    assert "tables[0].columns[2].rule: the choice list 'value' is empty" in out


def test_generate_with_bad_config_exits_3_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tables": [}')
    result = run("generate", "--config", str(bad), "-o", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert re.search(r"bad\.json:1:13: JSON syntax error", result.output), result.output
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2():
    assert run("generate").exit_code == 2  # --config missing
    assert run("generate", "-c", "x.yaml", "--rows", "-5").exit_code == 2
    assert run("generate", "-c", "x.yaml", "-f", "xlsx").exit_code == 2


def test_help_on_every_command():
    for command in ([], ["generate"], ["validate"]):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Usage" in result.output
    assert "--batch-size" in run("generate", "--help").output


def test_installed_script_runs(tmp_path):
    script = shutil.which("syndata", path=str(Path(sys.executable).parent))
    assert script, "the syndata script is installed next to the interpreter"
    proc = subprocess.run(
        [
            script,
            "generate",
            "--config",
            str(EXAMPLES / "customer_config.json"),
            "--rows",
            "200",
            "--output-dir",
            str(tmp_path),
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len((tmp_path / "customers.csv").read_text().splitlines()) == 201
    proc = subprocess.run(
        [script, "validate", "--config", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3 and "does not exist" in proc.stderr


@pytest.mark.postgres
def test_generate_into_postgresql_with_keys_declared(pg_url):
    import sqlalchemy as sa

    result = run(
        "generate",
        "-c",
        str(EXAMPLES / "employees_config.yaml"),
        "-n",
        "2000",
        "--db-url",
        pg_url,
        "--seed",
        "4",
    )
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        counts = conn.execute(
            sa.text(
                "select (select count(*) from departments), (select count(*) from employees), "
                "(select count(*) from employees e left join departments d using (dept_id) "
                "where d.dept_id is null)"
            )
        ).one()
        fks = conn.execute(
            sa.text(
                "select count(*) from information_schema.table_constraints "
                "where constraint_type = 'FOREIGN KEY' and table_name = 'employees' "
                "and table_schema = current_schema()"
            )
        ).scalar()
        low = conn.execute(sa.text("select min(salary) from employees where dept_id = 1")).scalar()
    engine.dispose()
    assert counts == (10, 2000, 0)
    assert fks == 1
    assert low >= 80000
    again = run(
        "generate", "-c", str(EXAMPLES / "employees_config.yaml"), "-n", "5", "--db-url", pg_url
    )
    assert again.exit_code == 6 and "already exists" in again.output  # nothing overwritten


def test_generate_into_sqlite(tmp_path):
    import sqlite3

    db = tmp_path / "out.db"
    result = run(
        "generate",
        "-c",
        str(EXAMPLES / "customer_config.json"),
        "-n",
        "3000",
        "--db-url",
        f"sqlite:///{db}",
        "--batch-size",
        "1000",
    )
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(db)
    assert con.execute(
        "select count(*), count(distinct customer_id) from customers"
    ).fetchone() == (3000, 3000)
    con.close()
