from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import mlflow
import numpy as np
import palmerpenguins
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import model_registry as registry
import syndata
from model_registry import ModelRef
from syndata.errors import ConfigError, DataReadError, ModelError, OutputError

HERE = Path(__file__).parent

QUALITY = {
    "overall": 0.81,
    "column_shapes": np.float64(0.9),
    "pairs": float("nan"),
    "columns": {"species": np.float32(0.5)},
    "n": np.int64(344),
}


def frame_hash(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


@pytest.fixture(scope="session")
def penguins() -> pd.DataFrame:
    return palmerpenguins.load_penguins()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A registry in its own SYNDATA_HOME, shared by this module's tests."""
    path = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYNDATA_HOME", str(path))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.delenv("MLFLOW_REGISTRY_URI", raising=False)
        mp.syspath_prepend(str(HERE))
        yield path


@pytest.fixture(scope="module")
def logged(home, penguins):
    """Two versions of model 'penguins' (version 1 is the champion)."""
    from registry_models import EmpiricalMarginals

    first = EmpiricalMarginals().fit(penguins)
    ref1 = registry.log_model(
        first,
        "penguins",
        params={"source": "penguins.csv"},
        metrics={"quality": QUALITY, "privacy": {"dcr": 1.2}, "exact": True, "note": "x"},
        artifacts={
            "quality": QUALITY,
            "profile": {"rows": 344},
            "privacy": json.dumps({"exact_matches": 0}),
        },
        tags={"owner": "team-a"},
    )
    second = EmpiricalMarginals(jitter=0.1).fit(penguins)
    ref2 = registry.log_model(second, "penguins", metrics={"quality": 0.7})
    registry.set_alias("penguins", "champion", 1)
    return {"models": {"1": first, "2": second}, "refs": {"1": ref1, "2": ref2}}


@pytest.fixture
def own_home(tmp_path, monkeypatch):
    """A registry of its own, for tests that must not share one."""
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    monkeypatch.syspath_prepend(str(HERE))
    return tmp_path


# ---------------------------------------------------------------------- log, list, show


def test_log_model_returns_a_pinned_reference(logged):
    ref1, ref2 = logged["refs"]["1"], logged["refs"]["2"]
    assert ref1 == ModelRef("penguins", "1", ref1.run_id, "models:/penguins/1")
    assert (ref2.version, ref2.uri) == ("2", "models:/penguins/2")
    assert ref1.run_id and ref2.run_id and ref1.run_id != ref2.run_id
    assert str(ref2) == "penguins:2"


def test_list_models_describes_the_latest_version(logged):
    rows = [r for r in registry.list_models() if r["name"] == "penguins"]
    assert len(rows) == 1
    row = rows[0]
    assert row["version"] == "2"
    assert row["aliases"]["champion"] == "1"
    assert row["model_type"] == "empirical_marginals"
    assert row["quality"] == pytest.approx(0.7)
    assert row["metrics"] == {"quality": pytest.approx(0.7)}
    assert row["created"].endswith("+00:00")


def test_show_model_lists_every_version_with_params_metrics_aliases_and_reports(logged):
    shown = registry.show_model("penguins")
    assert shown["name"] == "penguins" and shown["latest_version"] == "2"
    assert shown["aliases"]["champion"] == "1"
    v1, v2 = shown["versions"]
    assert (v1["version"], v1["uri"], v1["run_id"]) == (
        "1",
        "models:/penguins/1",
        logged["refs"]["1"].run_id,
    )
    assert "champion" in v1["aliases"]
    assert v1["params"] == {
        "model_type": "empirical_marginals",
        "jitter": "0.0",
        "min_values": "1",
        "source": "penguins.csv",
    }
    # nested metrics are flattened, only numbers kept (not booleans or text, not NaN either)
    assert v1["metrics"] == pytest.approx(
        {
            "quality.overall": 0.81,
            "quality.column_shapes": 0.9,
            "quality.columns.species": 0.5,
            "quality.n": 344.0,
            "privacy.dcr": 1.2,
            "quality.pairs": float("nan"),
        },
        nan_ok=True,
    )
    assert set(v1["artifacts"]) == {"metadata", "quality", "profile", "privacy"}
    assert v1["artifacts"]["metadata"] == logged["models"]["1"].metadata_.to_dict()
    assert v1["artifacts"]["privacy"] == {"exact_matches": 0}
    assert v1["tags"]["owner"] == "team-a"
    assert v1["tags"]["syndata_version"] == syndata.__version__
    assert v1["tags"]["model_type"] == "empirical_marginals"
    assert v2["params"]["jitter"] == "0.1"
    assert set(v2["artifacts"]) == {"metadata"}
    assert v2["aliases"] == []


def test_reports_are_stored_as_plain_json(logged):
    quality = registry.load_artifact("penguins:1", "quality")
    assert quality == {
        "overall": 0.81,
        "column_shapes": 0.9,
        "pairs": None,
        "columns": {"species": 0.5},
        "n": 344,
    }
    assert registry.load_artifact("penguins@champion", "profile") == {"rows": 344}
    assert registry.load_artifact("penguins", "metadata")["name"] == "table"
    assert registry.load_artifact("penguins:1", "quality.json") == quality


# ---------------------------------------------------------------------- load by reference


@pytest.mark.parametrize(
    ("ref", "version"),
    [
        ("penguins", "2"),
        ("penguins:latest", "2"),
        ("penguins:1", "1"),
        ("penguins:2", "2"),
        ("penguins@champion", "1"),
        ("models:/penguins/1", "1"),
        ("models:/penguins@champion", "1"),
    ],
)
def test_loaded_model_samples_like_the_original(logged, ref, version):
    assert registry.resolve(ref) == logged["refs"][version]
    loaded = registry.load_model(ref)
    original = logged["models"][version]
    assert type(loaded) is type(original) and loaded is not original
    assert loaded.get_params() == original.get_params()
    assert_frame_equal(loaded.sample(300, seed=11), original.sample(300, seed=11))
    assert_frame_equal(
        loaded.sample(10, seed=11, conditions={"species": "Gentoo"}),
        original.sample(10, seed=11, conditions={"species": "Gentoo"}),
    )


def test_a_new_process_samples_identically(logged, home):
    code = (
        "import hashlib, model_registry; "
        "df = model_registry.load_model('penguins').sample(100, seed=1); "
        "print(hashlib.sha256(df.to_csv(index=False).encode()).hexdigest())"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
    }
    env.update(
        SYNDATA_HOME=str(home), PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == frame_hash(
        logged["models"]["2"].sample(100, seed=1)
    )


def test_mlflow_pyfunc_predict_samples_rows(logged):
    pyfunc = mlflow.pyfunc.load_model("models:/penguins/1")
    loaded = registry.load_model("penguins:1")
    expected = loaded.sample(50, seed=3)
    assert_frame_equal(pyfunc.predict(pd.DataFrame({"num_rows": [50], "seed": [3]})), expected)
    assert_frame_equal(pyfunc.predict(pd.DataFrame(), params={"num_rows": 50, "seed": 3}), expected)
    assert_frame_equal(
        pyfunc.predict(pd.DataFrame({"num_rows": [50]}), params={"seed": 3}), expected
    )
    both = pyfunc.predict(pd.DataFrame({"num_rows": [5, 7], "seed": [1, 2]}))
    assert_frame_equal(
        both, pd.concat([loaded.sample(5, seed=1), loaded.sample(7, seed=2)], ignore_index=True)
    )
    assert len(pyfunc.predict(pd.DataFrame({"num_rows": [20]}))) == 20
    with pytest.raises(ModelError, match="predict needs the number of rows to sample"):
        pyfunc.predict(pd.DataFrame({"seed": [1]}))
    with pytest.raises(ModelError, match=r"num_rows must be a whole number >= 0, got -1"):
        pyfunc.predict(pd.DataFrame(), params={"num_rows": -1})


def test_mlflow_sees_the_model_in_the_sqlite_store(logged, home):
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{home / 'mlflow.db'}")
    assert (home / "mlflow.db").is_file()
    model = client.get_registered_model("penguins")
    assert model.aliases == {"champion": 1}
    version = client.get_model_version("penguins", "2")
    assert version.run_id == logged["refs"]["2"].run_id
    assert version.tags["syndata_version"] == syndata.__version__
    experiment = client.get_experiment_by_name("syndata")
    assert experiment.artifact_location == (home / "mlartifacts").as_uri()
    run = client.get_run(logged["refs"]["1"].run_id)
    assert run.info.experiment_id == experiment.experiment_id
    assert run.data.tags["syndata_version"] == syndata.__version__
    assert {f.path for f in client.list_artifacts(run.info.run_id)} == {
        "metadata.json",
        "privacy.json",
        "profile.json",
        "quality.json",
    }
    assert any(home.joinpath("mlartifacts").rglob("synthesizer.pkl"))
    assert any(home.joinpath("mlartifacts").rglob("syndata_version.json"))


# ---------------------------------------------------------------------- aliases


def test_set_alias_points_and_moves(logged):
    registry.set_alias("penguins", "staging", "1")
    assert registry.resolve("penguins@staging").version == "1"
    registry.set_alias("penguins", "staging", 2)
    assert registry.resolve("penguins@staging") == logged["refs"]["2"]
    assert registry.show_model("penguins")["aliases"]["staging"] == "2"


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("nope", "x", 1), DataReadError, r"no model named 'nope' .*known models: penguins"),
        (
            ("penguins", "x", 9),
            DataReadError,
            r"model 'penguins' has no version 9; its versions "
            r"are 1, 2",
        ),
        (("penguins", "v3", 1), ConfigError, r"the alias 'v3' is reserved by the model registry"),
        (("penguins", "latest", 1), ConfigError, r"the alias 'latest' is reserved"),
        (("penguins", "a b", 1), ConfigError, r"'a b' is not 1-255 letters, digits"),
    ],
)
def test_set_alias_refuses_unknown_versions_and_bad_aliases(logged, args, error, match):
    with pytest.raises(error, match=match):
        registry.set_alias(*args)


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("ref", "match"),
    [
        (
            "nope",
            r"no model named 'nope' in the model registry at sqlite:///.*mlflow\.db; "
            r"known models: .*penguins.*; check the name",
        ),
        (
            "penguins:9",
            r"model 'penguins' has no version 9; its versions are 1, 2; use one of "
            r"them, or 'penguins' for the latest",
        ),
        (
            "penguins@prod",
            r"model 'penguins' has no alias 'prod'; its aliases are champion "
            r"\(version 1\).*set_alias\('penguins', 'prod', <version>\)",
        ),
        ("penguins:abc", r"'penguins:abc' is not a model reference: the version must be a number"),
        ("penguins@", r"'penguins@' is not a model reference; use 'name'"),
        ("", r"'' is not a model reference"),
    ],
)
def test_unknown_references_name_what_exists(logged, ref, match):
    with pytest.raises(DataReadError, match=match):
        registry.load_model(ref)
    with pytest.raises(DataReadError, match=match):
        registry.resolve(ref)


def test_unknown_model_in_an_empty_registry(own_home):
    assert registry.list_models() == []
    with pytest.raises(DataReadError, match="the registry holds no models yet"):
        registry.load_model("people")
    with pytest.raises(DataReadError, match="no model named 'people'"):
        registry.show_model("people")


def test_unknown_report_names_the_logged_ones(logged):
    with pytest.raises(
        DataReadError,
        match=r"model penguins:1 has no 'fidelity' report; its "
        r"reports are metadata, privacy, profile, quality",
    ):
        registry.load_artifact("penguins:1", "fidelity")


def test_log_model_refuses_bad_input_before_writing(logged, penguins):
    from registry_models import EmpiricalMarginals

    before = registry.show_model("penguins")["latest_version"]
    with pytest.raises(ModelError, match="not fitted yet"):
        registry.log_model(EmpiricalMarginals(), "penguins")
    for name in ("a/b", "a:1", "a@b", "", " a"):
        with pytest.raises(OutputError, match="cannot name a model"):
            registry.log_model(logged["models"]["1"], name)
    with pytest.raises(OutputError, match="report 'quality' is not valid JSON"):
        registry.log_model(logged["models"]["1"], "penguins", artifacts={"quality": "{oops"})
    with pytest.raises(OutputError, match="report 'quality' must be a dict"):
        registry.log_model(logged["models"]["1"], "penguins", artifacts={"quality": "[1]"})
    assert registry.show_model("penguins")["latest_version"] == before


# ---------------------------------------------------------------------- versions


def test_a_model_saved_by_another_version_warns_when_loaded(logged, penguins, monkeypatch):
    from registry_models import EmpiricalMarginals

    model = EmpiricalMarginals().fit(penguins)
    with monkeypatch.context() as mp:
        mp.setattr(syndata, "__version__", "0.0.1")
        ref = registry.log_model(model, "penguins-old")
    assert registry.show_model("penguins-old")["versions"][0]["tags"]["syndata_version"] == (
        "0.0.1"
    )
    with pytest.warns(
        UserWarning,
        match=rf"this model was saved by syndata 0\.0\.1 and is "
        rf"loaded by syndata {syndata.__version__}",
    ):
        loaded = registry.load_model(ref.uri)
    assert_frame_equal(loaded.sample(20, seed=2), model.sample(20, seed=2))


def test_a_model_saved_by_this_version_loads_without_warning(logged):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        registry.load_model("penguins:1")


# ---------------------------------------------------------------------- store and speed


def test_configure_follows_the_settings_on_each_call(tmp_path, monkeypatch, penguins):
    from registry_models import EmpiricalMarginals

    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    model = EmpiricalMarginals().fit(penguins.head(30))
    for name in ("a", "b"):
        monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / name))
        registry.configure()
        registry.configure()
        assert mlflow.get_tracking_uri() == f"sqlite:///{tmp_path / name / 'mlflow.db'}"
        assert mlflow.get_registry_uri() == mlflow.get_tracking_uri()
        assert "MLFLOW_TRACKING_URI" not in os.environ  # settings stay the source of truth
        assert os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"
        registry.log_model(model, f"model-{name}")
        assert [r["name"] for r in registry.list_models()] == [f"model-{name}"]
    # MLFLOW_TRACKING_URI wins over SYNDATA_HOME
    other = tmp_path / "server.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{other}")
    registry.configure()
    assert mlflow.get_tracking_uri() == f"sqlite:///{other}"
    assert registry.list_models() == []
    assert any((tmp_path / "a" / "mlartifacts").rglob("synthesizer.pkl"))


# ---------------------------------------------------------------------- real models


def test_gaussian_copula_round_trips(logged, penguins, home):
    gaussian_copula = pytest.importorskip("syndata.models.gaussian_copula")
    model = gaussian_copula.GaussianCopula().fit(penguins)
    ref = registry.log_model(model, "penguins-copula", metrics={"quality": 0.9})
    loaded = registry.load_model("penguins-copula")
    assert isinstance(loaded, gaussian_copula.GaussianCopula)
    assert_frame_equal(loaded.sample(200, seed=4), model.sample(200, seed=4))
    pyfunc = mlflow.pyfunc.load_model(ref.uri)
    assert_frame_equal(
        pyfunc.predict(pd.DataFrame({"num_rows": [60], "seed": [9]})), model.sample(60, seed=9)
    )
    assert (
        registry.list_models()[
            [r["name"] for r in registry.list_models()].index("penguins-copula")
        ]["model_type"]
        == "gaussian_copula"
    )


def test_log_model_inside_a_caller_run_nests_its_run(logged):
    with mlflow.start_run(
        experiment_id=mlflow.get_experiment_by_name("syndata").experiment_id
    ) as outer:
        ref = registry.log_model(logged["models"]["1"], "penguins-nested")
        assert mlflow.active_run().info.run_id == outer.info.run_id
    run = mlflow.MlflowClient().get_run(ref.run_id)
    assert run.data.tags["mlflow.parentRunId"] == outer.info.run_id


def test_a_model_whose_class_is_not_importable_says_what_to_install(logged, home):
    code = (
        "import model_registry\n"
        "from syndata.errors import DataReadError\n"
        "try:\n"
        "    model_registry.load_model('penguins:1')\n"
        "except DataReadError as exc:\n"
        "    print(exc)\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI", "PYTHONPATH")
    }
    env["SYNDATA_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=home,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "cannot load the model: No module named 'registry_models'; it needs "
        "registry_models.EmpiricalMarginals" in done.stdout
    )


def test_columns_regenerated_by_rules_round_trip(logged, penguins):
    from registry_models import EmpiricalMarginals

    data = penguins.assign(
        penguin_id=range(1, len(penguins) + 1),
        keeper=[f"keeper{i % 40}@zoo-{i % 3}.org" for i in range(len(penguins))],
    )
    model = EmpiricalMarginals().fit(data)
    assert not {"penguin_id", "keeper"} & set(model.modelled_)  # regenerated by rules
    registry.log_model(model, "penguins-keys")
    loaded = registry.load_model("penguins-keys")
    sampled = loaded.sample(150, seed=8)
    assert_frame_equal(sampled, model.sample(150, seed=8))
    assert sampled.penguin_id.is_unique
    assert not set(sampled.keeper) & set(data.keeper)


# ---------------------------------------------------------------------- projects


def test_projects_own_models_of_the_same_name_apart(own_home, penguins):
    from mlflow import MlflowClient
    from registry_models import EmpiricalMarginals

    from model_registry import store
    from model_registry.refs import PROJECT_TAG
    from syndata.errors import ModelNotFoundError

    fitted = EmpiricalMarginals().fit(penguins)
    plain = registry.log_model(fitted, "penguins")
    mine = registry.log_model(fitted, "penguins", project="alpha")
    registry.log_model(fitted, "penguins", project="alpha")
    assert (plain.name, plain.uri) == ("penguins", "models:/penguins/1")
    assert (mine.name, mine.uri) == ("penguins", "models:/alpha~penguins/1")
    client: MlflowClient = store.client()
    assert client.get_registered_model("alpha~penguins").tags[PROJECT_TAG] == "alpha"
    assert client.get_model_version("alpha~penguins", "1").tags[PROJECT_TAG] == "alpha"
    assert PROJECT_TAG not in client.get_registered_model("penguins").tags

    assert [(m["name"], m["version"]) for m in registry.list_models()] == [("penguins", "1")]
    assert [(m["name"], m["version"], m["project"]) for m in registry.list_models("alpha")] == [
        ("penguins", "2", "alpha")
    ]
    assert registry.list_models("beta") == []
    assert sorted(m["name"] for m in registry.list_models("*")) == ["alpha~penguins", "penguins"]
    assert registry.resolve("penguins", "alpha").uri == "models:/alpha~penguins/2"
    assert registry.show_model("penguins", "alpha")["latest_version"] == "2"
    assert registry.show_model("alpha~penguins", "*")["project"] == "alpha"
    registry.set_alias("penguins", "champion", 1, project="alpha")
    assert registry.resolve("penguins@champion", "alpha").version == "1"
    assert isinstance(registry.load_model("penguins:1", "alpha"), EmpiricalMarginals)

    # another project's model: not found, with the message of a name nobody has
    for call in (
        lambda n: registry.show_model(n, "beta"),
        lambda n: registry.resolve(n, "beta"),
        lambda n: registry.load_model(n, "beta"),
        lambda n: registry.set_alias(n, "x", 1, project="beta"),
        lambda n: (
            registry.show_model(n, "default")
            if n != "penguins"
            else registry.show_model("alpha~penguins", "default")
        ),
    ):
        with pytest.raises(ModelNotFoundError) as theirs:
            call("penguins")
        with pytest.raises(ModelNotFoundError) as nobody:
            call("nobody")
        shown = "alpha~penguins" if "alpha~penguins" in str(theirs.value) else "penguins"
        assert str(theirs.value).replace(shown, "X") == str(nobody.value).replace("nobody", "X")
        assert "alpha~" not in str(theirs.value).replace("'alpha~penguins'", "")


def test_a_model_without_the_tag_belongs_to_default(own_home, penguins):
    from registry_models import EmpiricalMarginals

    registry.log_model(EmpiricalMarginals().fit(penguins), "old")
    assert [m["project"] for m in registry.list_models("default")] == ["default"]
    assert registry.list_models("alpha") == []
