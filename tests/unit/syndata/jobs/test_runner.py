"""The job runner: parameter checks, every job type through the pipeline, partitions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import model_registry
from syndata.errors import ConfigError
from syndata.jobs import checks, partitions, runner
from syndata.jobs import params as job_params
from syndata.jobs.datasets import save_dataset
from syndata.jobs.results import RESULT_FILE, table_frame
from syndata.settings import jobs_dir

ROOT = Path(__file__).resolve().parents[4]
PENGUINS = ROOT / "examples" / "data" / "penguins.csv"
CUSTOMERS = ROOT / "examples" / "customer_config.json"
PENGUIN_COLUMNS = [
    "species",
    "island",
    "bill_length_mm",
    "bill_depth_mm",
    "flipper_length_mm",
    "body_mass_g",
    "sex",
    "year",
]
ID_RULES = {
    "tables": [
        {
            "table_name": "penguins",
            "columns": [
                {
                    "name": "penguin_id",
                    "type": "int",
                    "constraints": ["PK"],
                    "rule": {"type": "sequence", "start": 1},
                }
            ],
        }
    ]
}


class Recorder:
    """Collects progress and log calls."""

    def __init__(self):
        self.fractions: list[float] = []
        self.stages: list[str] = []
        self.logs: list[tuple[str, dict]] = []

    def progress(self, fraction, stage):
        self.fractions.append(fraction)
        self.stages.append(stage)

    def log(self, message, **fields):
        self.logs.append((message, fields))

    def kwargs(self):
        return {"progress": self.progress, "log": self.log}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A data folder holding the penguins upload and a model fitted on it (once)."""
    path = tmp_path_factory.mktemp("runner") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SYNDATA_HOME", str(path))
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        dataset = save_dataset([PENGUINS.read_bytes()], "penguins.csv", limit=10**7)
        rec = Recorder()
        fitted = runner.run(
            "fit",
            {"dataset": dataset.dataset_id, "name": "penguins", "attacks": False},
            workdir=path / "fitjob",
            seed=0,
            **rec.kwargs(),
        )
        yield {"path": path, "dataset": dataset.dataset_id, "fit": fitted, "fit_rec": rec}


def problems_of(info):
    return {p.path: p for p in info.value.problems}


# --------------------------------------------------------------------------- check_params


def test_unknown_job_type_names_the_valid_ones(home):
    with pytest.raises(ConfigError) as info:
        checks.check_params("train", {})
    assert all(t in str(info.value) for t in job_params.JOB_TYPES)


def test_generate_lists_every_problem_with_its_path(home):
    bad = {
        "tables": [
            {
                "table_name": "t",
                "columns": [
                    {"name": "a", "type": "integr"},
                    {"name": "b", "type": "int", "rule": {"type": "range", "min": 5, "max": 1}},
                ],
            }
        ],
        "rows": -3,
    }
    with pytest.raises(ConfigError) as info:
        checks.check_params(
            "generate", {"config": bad, "rows": 0, "colour": "red", "output_format": "xlsx"}
        )
    found = problems_of(info)
    assert set(found) == {
        "rows",
        "colour",
        "output_format",
        "config.rows",
        "config.tables[0].columns[0].type",
        "config.tables[0].columns[1].rule",
    }
    assert "integr" in found["config.tables[0].columns[0].type"].message
    assert found["colour"].message == "unknown field 'colour'"


def test_generate_without_config_says_it_is_required(home):
    with pytest.raises(ConfigError) as info:
        checks.check_params("generate", {})
    assert problems_of(info)["config"].message == "'config' is required"


def test_fit_problems(home):
    with pytest.raises(ConfigError) as info:
        checks.check_params(
            "fit",
            {
                "dataset": "ds_0000000000000000",
                "name": "../x",
                "model": "hierarchical",
                "pii": "ignore",
                "plan": {"columns": {"email": {"operator": "hsah"}}},
            },
        )
    found = problems_of(info)
    assert set(found) == {"dataset", "name", "model", "pii", "plan.columns.email.operator"}
    assert "no dataset 'ds_0000000000000000'" in found["dataset"].message
    assert "multi-table" in found["model"].message

    with pytest.raises(ConfigError) as info:
        checks.check_params("fit", {"name": "m"})
    assert "'dataset'" in problems_of(info)["dataset"].message

    with pytest.raises(ConfigError) as info:
        checks.check_params(
            "fit",
            {
                "name": "m",
                "datasets": {"orders": "ds_0000000000000001", "bad name": home["dataset"]},
            },
        )
    assert set(problems_of(info)) == {"datasets.orders", "datasets.bad name"}


def test_fit_params_are_normalized_with_defaults(home):
    params = checks.check_params("fit", {"dataset": home["dataset"], "name": "m"})
    assert params == {
        "dataset": home["dataset"],
        "datasets": None,
        "name": "m",
        "model": "auto",
        "plan": None,
        "pii": "stop",
        "holdout": 0.2,
        "attacks": True,
        "seed": 0,
    }


def test_sample_needs_rows_or_scale(home):
    with pytest.raises(ConfigError) as info:
        checks.check_params("sample", {"model": "penguins"})
    assert set(problems_of(info)) == {"rows"}
    with pytest.raises(ConfigError) as info:
        checks.check_params("sample", {"model": "p:abc", "rows": 5, "scale": 1.0})
    assert set(problems_of(info)) == {"scale", "model"}
    assert checks.check_params("sample", {"model": "penguins@best", "scale": 2})["scale"] == 2.0


def test_other_types_check_their_datasets(home):
    with pytest.raises(ConfigError) as info:
        checks.check_params("evaluate", {"real": "../etc", "synthetic": "job_../../x"})
    assert set(problems_of(info)) == {"real", "synthetic"}
    with pytest.raises(ConfigError) as info:
        checks.check_params("mask", {"dataset": home["dataset"]})
    assert set(problems_of(info)) == {"plan"}
    with pytest.raises(ConfigError) as info:
        checks.check_params(
            "profile", {"dataset": home["dataset"], "sample_size": 5}, prefix="params"
        )
    assert set(problems_of(info)) == {"params.sample_size"}


# --------------------------------------------------------------------------- run


def test_generate_writes_its_tables_under_the_workdir(home, tmp_path):
    config = json.loads(CUSTOMERS.read_text())
    rec = Recorder()
    result = runner.run(
        "generate",
        {"config": config, "rows": 50, "seed": 3},
        workdir=tmp_path / "a",
        seed=99,
        **rec.kwargs(),
    )
    assert result["outputs"] == [
        {"table": "customers", "path": "customers.csv", "rows": 50, "format": "csv"}
    ]
    assert result["rows"] == 50 and result["seed"] == 3
    frame = pd.read_csv(tmp_path / "a" / "customers.csv")
    assert len(frame) == 50 and frame["customer_id"].is_unique
    assert rec.fractions[-1] == 1.0 and rec.fractions == sorted(rec.fractions)
    assert all(0.0 <= f <= 1.0 for f in rec.fractions)
    assert any("customers" in s for s in rec.stages)
    assert [m for m, _ in rec.logs][-1] == "job finished"
    assert json.loads((tmp_path / "a" / RESULT_FILE).read_text()) == result
    # same seed, same bytes; the job seed is used when neither params nor config give one
    again = runner.run(
        "generate",
        {"config": config, "rows": 50, "seed": 3, "output_format": "parquet"},
        workdir=tmp_path / "b",
        seed=1,
        **rec.kwargs(),
    )
    assert again["outputs"][0]["path"] == "customers.parquet"
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "b" / "customers.parquet"), frame, check_dtype=False
    )
    unseeded = {k: v for k, v in config.items() if k != "seed"}
    first = runner.run(
        "generate", {"config": unseeded, "rows": 20}, workdir=tmp_path / "c", seed=5, **rec.kwargs()
    )
    second = runner.run(
        "generate", {"config": unseeded, "rows": 20}, workdir=tmp_path / "d", seed=5, **rec.kwargs()
    )
    assert first["seed"] == second["seed"] == 5
    assert (tmp_path / "c" / "customers.csv").read_bytes() == (
        tmp_path / "d" / "customers.csv"
    ).read_bytes()


def test_fit_registers_the_model(home):
    result, rec = home["fit"], home["fit_rec"]
    assert result["model"] == "penguins" and result["version"] == "1"
    assert 0.5 < result["quality"] <= 1.0
    assert result["privacy"]["verdict"] in ("pass", "warn", "fail", "inconclusive")
    assert result["fit_rows"] == 344 and result["rows"] == 0
    assert (home["path"] / "mlflow.db").is_file()
    assert str(model_registry.resolve("penguins")) == "penguins:1"
    quality = json.loads((home["path"] / "fitjob" / "quality.json").read_text())
    assert quality["overall"] == result["quality"]
    assert quality["consistency"] == result["consistency"] and 0.9 <= result["consistency"] <= 1
    assert {"kind", "columns", "description", "real_violation_share"} <= set(
        quality["constraints"][0]
    )
    assert {o["path"] for o in result["outputs"]} == {"quality.json", "privacy.json"}
    assert rec.fractions[-1] == 1.0 and rec.fractions == sorted(rec.fractions)
    assert len(set(rec.fractions)) >= 5  # the pipeline's steps came through
    assert "fit started" in [m for m, _ in rec.logs]


def test_sample_from_the_fitted_model(home, tmp_path):
    rec = Recorder()
    result = runner.run(
        "sample",
        {"model": "penguins", "rows": 120, "seed": 4},
        workdir=tmp_path / "s",
        seed=0,
        **rec.kwargs(),
    )
    assert result["model"] == "penguins:1" and result["seed"] == 4
    assert result["outputs"] == [
        {"table": "penguins", "path": "penguins.csv", "rows": 120, "format": "csv"}
    ]
    frame = pd.read_csv(tmp_path / "s" / "penguins.csv")
    assert list(frame.columns) == PENGUIN_COLUMNS and len(frame) == 120
    assert rec.fractions[-1] == 1.0
    # the job's seed stands in for a missing one
    by_job_seed = runner.run(
        "sample",
        {"model": "penguins:1", "rows": 120},
        workdir=tmp_path / "t",
        seed=4,
        **rec.kwargs(),
    )
    assert by_job_seed["seed"] == 4
    assert (tmp_path / "t" / "penguins.csv").read_bytes() == (
        tmp_path / "s" / "penguins.csv"
    ).read_bytes()


def test_sample_with_scale_of_a_single_table_model_fails(home, tmp_path):
    with pytest.raises(ConfigError, match="single-table"):
        runner.run(
            "sample",
            {"model": "penguins", "scale": 1.0},
            workdir=tmp_path / "x",
            seed=0,
            **Recorder().kwargs(),
        )


def test_profile_writes_json_and_html(home, tmp_path):
    result = runner.run(
        "profile",
        {"dataset": home["dataset"]},
        workdir=tmp_path / "p",
        seed=0,
        **Recorder().kwargs(),
    )
    assert [o["path"] for o in result["outputs"]] == ["profile.json", "profile.html"]
    assert all(o["table"] is None for o in result["outputs"])
    assert result["profile"]["table"] == "penguins"
    assert result["profile"]["rows"] == 344 and result["profile"]["columns"] == 8
    report = json.loads((tmp_path / "p" / "profile.json").read_text())
    assert report["rows"] == 344
    assert "<html" in (tmp_path / "p" / "profile.html").read_text().lower()


def test_mask_redacts_the_planned_column(home, tmp_path):
    people = pd.DataFrame(
        {
            "name_id": range(30),
            "email": [f"person{i}@example.org" for i in range(30)],
            "score": [i * 1.5 for i in range(30)],
        }
    )
    dataset = save_dataset([people.to_csv(index=False).encode()], "people.csv", limit=10**6)
    plan = {"columns": {"email": {"operator": "redact"}}}
    result = runner.run(
        "mask",
        {"dataset": dataset.dataset_id, "plan": plan},
        workdir=tmp_path / "m",
        seed=0,
        **Recorder().kwargs(),
    )
    assert result["outputs"] == [
        {"table": "people", "path": "people.csv", "rows": 30, "format": "csv"}
    ]
    assert result["columns"]["email"]["operator"] == "redact"
    masked = pd.read_csv(tmp_path / "m" / "people.csv")
    assert not masked["email"].str.contains("@").any()
    pd.testing.assert_frame_equal(masked[["name_id", "score"]], people[["name_id", "score"]])
    as_parquet = runner.run(
        "mask",
        {"dataset": dataset.dataset_id, "plan": plan, "output_format": "parquet"},
        workdir=tmp_path / "n",
        seed=0,
        **Recorder().kwargs(),
    )
    assert as_parquet["outputs"][0]["path"] == "people.parquet"
    assert len(pd.read_parquet(tmp_path / "n" / "people.parquet")) == 30


def test_evaluate_a_dataset_and_a_finished_job(home, tmp_path):
    sampled = runner.run(
        "sample",
        {"model": "penguins", "rows": 300, "seed": 2},
        workdir=jobs_dir() / "job_sample1",
        seed=0,
        **Recorder().kwargs(),
    )
    csv = (jobs_dir() / "job_sample1" / sampled["outputs"][0]["path"]).read_bytes()
    synthetic = save_dataset([csv], "synthetic.csv", limit=10**7)
    by_dataset = runner.run(
        "evaluate",
        {"real": home["dataset"], "synthetic": synthetic.dataset_id},
        workdir=tmp_path / "e1",
        seed=0,
        **Recorder().kwargs(),
    )
    assert 0.5 < by_dataset["quality"] <= 1.0
    assert by_dataset["outputs"] == [
        {"table": None, "path": "quality.json", "rows": None, "format": "json"}
    ]
    report = json.loads((tmp_path / "e1" / "quality.json").read_text())
    assert report["overall"] == by_dataset["quality"]
    assert by_dataset["consistency"] == report["consistency"] is not None
    assert by_dataset["constraints"] == report["constraints"] and report["constraints"]
    assert "Consistency" in by_dataset["summary"]
    by_job = runner.run(
        "evaluate",
        {"real": home["dataset"], "synthetic": "job_sample1"},
        workdir=tmp_path / "e2",
        seed=0,
        **Recorder().kwargs(),
    )
    assert by_job["quality"] == pytest.approx(by_dataset["quality"])
    with pytest.raises(ConfigError, match="penguins"):
        runner.run(
            "evaluate",
            {"real": home["dataset"], "synthetic": "job_sample1", "table": "nope"},
            workdir=tmp_path / "e3",
            seed=0,
            **Recorder().kwargs(),
        )


# --------------------------------------------------------------------------- partitions


def test_partitions_cover_the_rows_with_seeds_from_job_seed_and_index():
    parts = partitions.partitions(10, 4, 7)
    assert [(p.index, p.start, p.rows) for p in parts] == [(0, 0, 4), (1, 4, 4), (2, 8, 2)]
    assert [p.seed for p in parts] == [partitions.partition_seed(7, i) for i in range(3)]
    assert len({p.seed for p in parts}) == 3
    assert partitions.partitions(10, 4, 7) == parts
    assert [p.seed for p in partitions.partitions(10, 4, 8)] != [p.seed for p in parts]
    assert partitions.partitions(3, 4, 7) == [partitions.Partition(0, 0, 3, parts[0].seed)]
    with pytest.raises(ConfigError):
        partitions.partitions(0, 4, 7)


def _run_parts(params, parts, order, workdir):
    results = {}
    for i in order:
        results[i] = partitions.run_partition(
            params, parts[i], workdir=workdir, **Recorder().kwargs()
        )
    return partitions.merge_partitions([results[i] for i in order], workdir=workdir)


def test_partitions_give_the_same_output_in_any_order(home, tmp_path):
    params = checks.check_params("sample", {"model": "penguins:1", "rows": 90, "config": ID_RULES})
    parts = partitions.partitions(90, 30, seed=11)
    merged = _run_parts(params, parts, [0, 1, 2], tmp_path / "a")
    reversed_ = _run_parts(params, parts, [2, 0, 1], tmp_path / "b")
    assert merged == reversed_
    assert merged["outputs"] == [
        {
            "table": "penguins",
            "path": "penguins",
            "rows": 90,
            "format": "parquet",
            "partitioned": True,
            "parts": 3,
        }
    ]
    assert merged["rows"] == 90 and merged["model"] == "penguins:1"
    for i in range(3):
        name = f"penguins/part-{i:05d}.parquet"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    frame = table_frame(tmp_path / "a", merged, "penguins")
    pd.testing.assert_frame_equal(frame, table_frame(tmp_path / "b", merged, "penguins"))
    assert frame["penguin_id"].tolist() == list(range(1, 91))  # rules continue across parts
    # one partition run on its own (another worker) writes the same part
    alone = partitions.run_partition(
        params, parts[1], workdir=tmp_path / "c", **Recorder().kwargs()
    )
    assert alone["outputs"][0]["path"] == "penguins/part-00001.parquet"
    assert (tmp_path / "c" / "penguins" / "part-00001.parquet").read_bytes() == (
        tmp_path / "a" / "penguins" / "part-00001.parquet"
    ).read_bytes()
    # another job seed gives other rows
    other = _run_parts(params, partitions.partitions(90, 30, seed=12), [0, 1, 2], tmp_path / "d")
    changed = table_frame(tmp_path / "d", other, "penguins")
    assert not changed[PENGUIN_COLUMNS].equals(frame[PENGUIN_COLUMNS])


def test_a_partition_needs_a_single_table_sample(home, tmp_path):
    params = checks.check_params("sample", {"model": "penguins", "scale": 2.0})
    with pytest.raises(ConfigError, match="single-table"):
        partitions.run_partition(
            params, partitions.partitions(10, 10, 0)[0], workdir=tmp_path, **Recorder().kwargs()
        )


# ------------------------------------------------------------------ limits and bad numbers

SMALL = {"tables": [{"table_name": "t", "columns": [{"name": "id", "type": "int"}]}]}


@pytest.mark.parametrize(
    ("job_type", "params", "path", "fragment"),
    [
        (
            "generate",
            {"config": SMALL, "rows": 10**15},
            "rows",
            "rows per table 1,000,000,000,000,000 is over the limit of 100,000,000 "
            "(SYNDATA_MAX_ROWS)",
        ),
        (
            "generate",
            {"config": {**SMALL, "rows": 10**9}},
            "config.tables[0].rows",
            "over the limit of 100,000,000 (SYNDATA_MAX_ROWS)",
        ),
        (
            "generate",
            {"config": SMALL, "seed": 2**64},
            "seed",
            "the integer 18446744073709551616 is out of range",
        ),
        ("generate", {"config": {**SMALL, "seed": 2**64}}, "config.seed", "is out of range"),
        (
            "generate",
            {
                "config": {
                    "tables": [
                        {
                            "table_name": "t",
                            "columns": [
                                {
                                    "name": "id",
                                    "type": "int",
                                    "rule": {"type": "range", "min": 0, "max": 2**80},
                                }
                            ],
                        }
                    ]
                }
            },
            "config.tables[0].columns[0].rule.max",
            "is out of range",
        ),
        (
            "generate",
            {
                "config": {
                    "tables": [{"table_name": "../x", "columns": [{"name": "id", "type": "int"}]}]
                }
            },
            "config.tables[0].table_name",
            "table name '../x' is not allowed",
        ),
        (
            "generate",
            {
                "config": {
                    "tables": [dict(SMALL["tables"][0], table_name=f"t{i}") for i in range(201)]
                }
            },
            "config.tables",
            "tables per config 201 is over the limit of 200 (SYNDATA_MAX_TABLES)",
        ),
        (
            "generate",
            {
                "config": {
                    "tables": [
                        {
                            "table_name": "t",
                            "columns": [{"name": f"c{i}", "type": "int"} for i in range(2001)],
                        }
                    ]
                }
            },
            "config.tables[0].columns",
            "over the limit of 2,000 (SYNDATA_MAX_COLUMNS)",
        ),
        (
            "sample",
            {"model": "m", "scale": 8.3e307},
            "scale",
            "scale 8.3e+307 is over the limit of 100 (SYNDATA_MAX_SCALE)",
        ),
        ("sample", {"model": "m", "rows": 10**9}, "rows", "(SYNDATA_MAX_ROWS)"),
        ("sample", {"model": "m", "rows": 5, "seed": 2**64}, "seed", "is out of range"),
        ("sample", {"model": "m", "rows": 5, "seed": 2**63}, "seed", "is out of range"),
        ("sample", {"model": "m", "rows": 5, "seed": -1}, "seed", "greater than or equal to 0"),
        ("sample", {"model": "m", "scale": float("inf")}, "scale", "is not finite"),
        (
            "fit",
            {"dataset": "ds_0000000000000000", "name": "m", "seed": -(2**70)},
            "seed",
            "the integer -1180591620717411303424 is out of range",
        ),
        (
            "fit",
            {"datasets": {"../x": "ds_0000000000000000"}, "name": "m"},
            "datasets.../x",
            "table name '../x' is not allowed",
        ),
        (
            "profile",
            {"dataset": "ds_0000000000000000", "sample_size": 2**100},
            "sample_size",
            "is out of range",
        ),
        (
            "evaluate",
            {"real": "ds_0000000000000000", "synthetic": "job_abc", "table": "a/b"},
            "table",
            "table name 'a/b' is not allowed",
        ),
    ],
)
def test_bad_numbers_limits_and_table_names_are_refused_at_submit(job_type, params, path, fragment):
    with pytest.raises(ConfigError) as caught:
        checks.check_params(job_type, params)
    at_path = [p for p in caught.value.problems if p.path == path]
    assert at_path, caught.value.problems
    problem = next((p for p in at_path if fragment in p.message), None)
    assert problem is not None, at_path
    if "SYNDATA_MAX" in fragment:
        assert "SYNDATA_MAX" in problem.fix and "raise" in problem.fix
    if "table name" in fragment:
        assert "^[A-Za-z_][A-Za-z0-9_]{0,62}$" in problem.fix


def test_limits_can_be_raised_by_an_admin(monkeypatch):
    monkeypatch.setenv("SYNDATA_MAX_SCALE", "1000")
    assert checks.check_params("sample", {"model": "m", "scale": 500})["scale"] == 500
    monkeypatch.setenv("SYNDATA_MAX_SCALE", "-1")
    with pytest.raises(ConfigError, match="SYNDATA_MAX_SCALE must be a positive number"):
        checks.check_params("sample", {"model": "m", "scale": 5})
