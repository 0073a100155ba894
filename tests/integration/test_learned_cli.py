"""Learned models from the command line: fit, registry, sample, rules on top, evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from typer.testing import CliRunner

import model_registry
from syndata.cli import app

ROOT = Path(__file__).resolve().parents[2]
PENGUINS = ROOT / "examples" / "data" / "penguins.csv"
RULES = ROOT / "examples" / "penguins_config.yaml"
runner = CliRunner()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return tmp_path / "home"


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


@pytest.mark.parametrize("model", ["gaussian_copula", "cart"])
def test_fit_registers_and_samples_identically_from_cli_and_python(home, tmp_path, model):
    result = run("fit", "--data", PENGUINS, "--name", "penguins", "--model", model)
    assert result.exit_code == 0, result.output
    assert "version 1" in result.output and "quality" in result.output
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{home / 'mlflow.db'}")
    assert [m.name for m in client.search_registered_models()] == ["penguins"]

    assert run("models", "alias", "penguins", "champion", "1").exit_code == 0
    for reserved in ("latest", "v1", "V2"):  # MLflow's own names: refused as by the API
        refused = run("models", "alias", "penguins", reserved, "1")
        assert refused.exit_code == 3 and "reserved" in refused.output, refused.output
    audit_lines = [json.loads(line) for line in (home / "audit.log").read_text().splitlines()]
    assert [
        (a["model"], a["details"]["alias"], a["details"]["via"])
        for a in audit_lines
        if a["action"] == "register" and "alias" in a.get("details", {})
    ] == [("penguins:1", "champion", "cli")]
    listing = run("models", "list")
    assert "penguins" in listing.output and model in listing.output
    for ref in ("penguins", "penguins:1", "penguins@champion"):
        out = tmp_path / ref.replace(":", "_").replace("@", "_")
        result = run("sample", "--model", ref, "--rows", "300", "--seed", "5", "-o", out)
        assert result.exit_code == 0, result.output
        from_cli = pd.read_csv(out / "penguins.csv")
        from_python = model_registry.load_model(ref).sample(300, seed=5)
        expected = pd.read_csv(_roundtrip_csv(from_python, tmp_path / "expected.csv"))
        pd.testing.assert_frame_equal(from_cli, expected)

    shown = json.loads(run("models", "show", "penguins").output)
    version = shown["versions"][0]
    assert set(version["artifacts"]) >= {"metadata", "quality", "profile", "privacy"}
    assert version["metrics"]["quality.overall"] > 0.75


def test_fit_reports_consistency_in_the_output_and_the_mlflow_run(home):
    result = run("fit", "--data", PENGUINS, "--name", "rules", "--no-attacks")
    assert result.exit_code == 0, result.output
    assert "consistency 1.000" in result.output  # the model keeps every rule
    assert "12 rule(s) the real rows obey, none broken by synthetic rows" in result.output
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{home / 'mlflow.db'}")
    version = client.get_model_version("rules", "1")
    run_data = client.get_run(version.run_id).data
    assert run_data.metrics["quality.consistency"] == 1.0
    folder = client.download_artifacts(version.run_id, "quality.json", str(home / "dl"))
    quality = json.loads(Path(folder).read_text())
    assert quality["consistency"] == 1.0 and len(quality["constraints"]) == 12
    combos = next(c for c in quality["constraints"] if c["kind"] == "fixed_combinations")
    assert combos["columns"] == ["species", "island"]
    assert (combos["real_violation_share"], combos["synthetic_violation_share"]) == (0.0, 0.0)
    assert combos["description"] == "species × island: 5 of 9 combinations occur"


def _roundtrip_csv(frame: pd.DataFrame, path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    pcsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def test_sample_conditions_from_cli(home, tmp_path):
    assert run("fit", "--data", PENGUINS, "--name", "p").exit_code == 0
    result = run(
        "sample",
        "-m",
        "p",
        "-n",
        "200",
        "--conditions",
        "species=Gentoo",
        "--conditions",
        "island=Biscoe",
        "-o",
        tmp_path / "o",
        "--seed",
        "1",
    )
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "o" / "penguins.csv")  # the table keeps its name
    assert (out.species == "Gentoo").all() and (out.island == "Biscoe").all()


def test_generate_with_sample_data_applies_override_and_constraint(tmp_path):
    result = run(
        "generate", "--config", RULES, "--sample-data", PENGUINS, "--rows", "1500", "-o", tmp_path
    )
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "penguins.csv")
    real = pd.read_csv(PENGUINS)
    assert len(out) == 1500
    # generated column (not in the data): unique and in its pattern
    assert out.penguin_id.is_unique and out.penguin_id.str.fullmatch(r"PNG-\d{6}").all()
    # constraint: learned values kept where inside, clipped into [3000, 6000]
    assert out.body_mass_g.dropna().between(3000, 6000).all()
    assert (out.body_mass_g == 6000).sum() < 0.05 * len(out)  # clipped tail, not a flat rule
    assert out.body_mass_g.dropna().nunique() > 30
    # override: year follows the rule's weights, not the data's
    shares = out.year.value_counts(normalize=True)
    assert abs(shares[2023] - 0.2) < 0.04 and abs(shares[2022] - 0.3) < 0.05
    # declared constraints, kept on every row: real species x island, depth < length, steps
    assert set(zip(out.species, out.island, strict=True)) <= set(
        zip(real.species, real.island, strict=True)
    )
    both = out[["bill_depth_mm", "bill_length_mm"]].dropna()
    assert (both.bill_depth_mm < both.bill_length_mm).all()
    assert (out.body_mass_g.dropna() % 25 == 0).all()
    # learned columns keep their relations: Gentoo are heavier than Adelie
    by_species = out.groupby("species").flipper_length_mm.mean()
    assert by_species["Gentoo"] > by_species["Adelie"] + 10
    assert set(out.species) <= set(real.species)
    assert set(out.sex.dropna()) <= {"female", "male"}


def test_evaluate_command(tmp_path):
    real = pd.read_csv(PENGUINS)
    real.sample(frac=1.0, random_state=1).to_csv(tmp_path / "same.csv", index=False)
    shuffled = pd.DataFrame(
        {c: real[c].sample(frac=1.0, random_state=i).to_numpy() for i, c in enumerate(real.columns)}
    )
    shuffled.to_csv(tmp_path / "shuffled.csv", index=False)
    good = run(
        "evaluate",
        "--real",
        PENGUINS,
        "--synthetic",
        tmp_path / "same.csv",
        "--output",
        tmp_path / "good.json",
    )
    bad = run(
        "evaluate",
        "--real",
        PENGUINS,
        "--synthetic",
        tmp_path / "shuffled.csv",
        "--output",
        tmp_path / "bad.json",
    )
    assert good.exit_code == 0 and bad.exit_code == 0, good.output + bad.output
    good_report = json.loads((tmp_path / "good.json").read_text())
    bad_report = json.loads((tmp_path / "bad.json").read_text())
    assert good_report["overall"] == pytest.approx(1.0)
    assert bad_report["column_shapes"] == pytest.approx(1.0)
    assert bad_report["column_pair_trends"] < 0.8
    assert good_report["consistency"] == 1.0 and bad_report["consistency"] < 1.0
    assert "Consistency 100.0%: 12 rule(s) the real rows obey, none broken" in good.output
    assert "Most broken: " in bad.output and "(real 0.0%)" in bad.output


def test_evaluate_shows_each_broken_rule_with_its_share(tmp_path):
    real = pd.read_csv(PENGUINS)
    moved = real.copy()
    gentoo = moved.index[moved["species"] == "Gentoo"][:43]  # Gentoo live on Biscoe only
    moved.loc[gentoo, "island"] = "Dream"
    moved.to_csv(tmp_path / "moved.csv", index=False)
    result = run(
        "evaluate",
        "--real",
        PENGUINS,
        "--synthetic",
        tmp_path / "moved.csv",
        "--output",
        tmp_path / "moved.json",
    )
    assert result.exit_code == 0, result.output
    share = 43 / len(real)
    assert f"species × island: 5 of 9 combinations occur — synthetic {share:.1%}" in (
        result.output.replace("\n", " ")
    )
    report = json.loads((tmp_path / "moved.json").read_text())
    (combos,) = [c for c in report["constraints"] if c["kind"] == "fixed_combinations"]
    assert combos["synthetic_violating_rows"] == 43
    assert combos["synthetic_violation_share"] == pytest.approx(share)
    assert combos["real_violation_share"] == 0.0
    assert report["consistency"] == pytest.approx(1 - share / len(report["constraints"]))


def test_unknown_model_and_bad_input(home, tmp_path):
    result = run("sample", "--model", "nope", "-o", tmp_path)
    assert result.exit_code == 5
    assert "no model named 'nope'" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b\n")
    result = run("fit", "--data", empty, "--name", "x")
    assert result.exit_code == 5 and "empty" in result.output
    result = run("fit", "--data", PENGUINS, "--name", "x", "--model", "gan")
    assert result.exit_code == 5 and "unknown model 'gan'" in result.output


@pytest.mark.parametrize("ext", ["json", "yaml", "html"])
def test_profile_command_writes_each_format(tmp_path, ext):
    target = tmp_path / f"report.{ext}"
    result = run("profile", "--data", PENGUINS, "--output", target)
    assert result.exit_code == 0, result.output
    text = target.read_text()
    if ext == "json":
        report = json.loads(text)
        kinds = {c["name"]: c["kind"] for c in report["columns"]}
        assert kinds["species"] == "categorical" and kinds["body_mass_g"] == "numerical"
    elif ext == "yaml":  # a config that generate accepts as is
        out = tmp_path / "gen"
        generated = run("generate", "--config", target, "--rows", "50", "-o", out)
        assert generated.exit_code == 0, generated.output
        assert len(pd.read_csv(out / "penguins.csv")) == 50
    else:
        assert text.count("<svg") >= 8 and "https://" not in text


def test_profile_bad_input(tmp_path):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    result = run("profile", "--data", broken, "--output", tmp_path / "r.json")
    assert result.exit_code == 5 and "broken.parquet" in result.output
    result = run("profile", "--data", PENGUINS, "--output", tmp_path / "r.xlsx")
    assert result.exit_code == 6 and "xlsx" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_the_default_model_says_what_it_chose_and_why(home):
    result = run("fit", "--data", PENGUINS, "--name", "chosen", "--no-attacks")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the console wraps long lines
    chosen = text.split("auto chose ", 1)[1].split(":", 1)[0]
    assert chosen in ("gaussian_copula", "cart")
    assert f"Fitted {chosen} (auto) on" in text
    assert "quality on unseen rows: gaussian_copula 0." in text
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{home / 'mlflow.db'}")
    version = client.get_model_version("chosen", "1")
    run_data = client.get_run(version.run_id).data
    assert run_data.params["chosen_model"] == chosen
    folder = client.download_artifacts(version.run_id, "choice.json", str(home / "dl"))
    choice = json.loads(Path(folder).read_text())
    assert choice["model"] == chosen and len(choice["trials"]) == 2
    assert choice["rows"] == {"learned": 206, "held_out": 69}  # 275 training rows, 75/25
