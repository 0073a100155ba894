"""The example plug-in package, installed by pip, adds a rule type, a model, a recognizer and
an operator that the real CLI uses, without any change to syndata.

``examples/plugins`` is installed with pip into a temporary folder (no network, no build
isolation); every command runs in a new process with that folder on its path, so syndata
finds the plug-ins only through the package's entry points.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "examples" / "plugins"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("plugins")
    source = shutil.copytree(PACKAGE, root / "source")  # a build writes beside its sources
    site = root / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--target", str(site), str(source)], check=True, capture_output=True)
    assert (site / "syndata_example_plugins").is_dir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDATA_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    env["SYNDATA_HOME"] = str(tmp_path_factory.mktemp("home"))
    return env


def syndata(env: dict[str, str], cwd: Path, *args: object) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "syndata", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def staff(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Staff rows whose badge ids come from the plug-in rule type ``badge``."""
    out = tmp_path_factory.mktemp("staff")
    syndata(env, out, "generate", "-c", PACKAGE / "staff.yaml", "-o", out, "--seed", "3")
    return out / "staff.csv"


def test_the_plugin_rule_type_generates_the_config_column(staff):
    frame = pd.read_csv(staff)
    assert len(frame) == 200
    assert frame["badge"].map(lambda v: bool(re.fullmatch(r"STF-\d{6}", v))).all()
    assert frame["badge"].is_unique


def test_the_plugin_recognizer_finds_badges_and_the_plugin_operator_masks_them(env, staff):
    work = staff.parent
    out = syndata(env, work, "privacy", "scan", "--data", staff, "--output", "proposed.yaml")
    assert "badge: BADGE_ID" in out
    proposed = yaml.safe_load((work / "proposed.yaml").read_text())
    assert proposed["columns"]["badge"]["entity"] == "BADGE_ID"
    assert set(proposed["columns"]) == {"badge"}

    (work / "plan.yaml").write_text(
        yaml.safe_dump({"columns": {"badge": {"action": "mask", "operator": "badge_prefix"}}})
    )
    syndata(env, work, "mask", "--data", staff, "--plan", "plan.yaml", "--output", "masked.csv")
    masked = pd.read_csv(work / "masked.csv")
    assert set(masked["badge"]) == {"STF-XXXXXX"}
    pd.testing.assert_series_equal(masked["years"], pd.read_csv(staff)["years"])


def test_the_plugin_model_is_fitted_registered_and_sampled(env, staff):
    work = staff.parent
    (work / "fit-plan.yaml").write_text(yaml.safe_dump({"columns": {"badge": "regenerate"}}))
    syndata(env, work, "fit", "--data", staff, "--plan", "fit-plan.yaml", "--model", "marginals")
    syndata(env, work, "sample", "--model", "staff", "--rows", 300, "--seed", 1, "-o", "synth")
    synthetic = pd.read_csv(work / "synth" / "staff.csv")
    real = pd.read_csv(staff)
    assert len(synthetic) == 300
    assert set(synthetic["team"]) <= set(real["team"])
    assert synthetic["years"].between(real["years"].min(), real["years"].max()).all()
    assert not set(synthetic["badge"]) & set(real["badge"])
    assert "marginals" in syndata(env, work, "models", "show", "staff")


def test_without_the_package_the_names_are_unknown(env, staff, tmp_path):
    bare = {**env, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-m", "syndata", "generate", "-c", PACKAGE / "staff.yaml", "-o", tmp_path],
        env=bare,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "unknown rule type 'badge'" in done.stdout + done.stderr
