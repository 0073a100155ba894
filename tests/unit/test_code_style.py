"""The tree stays formatted, lint-clean and typed: ruff format, ruff check and mypy pass.

mypy holds ``syndata`` to ``--strict`` (pyproject.toml's override) and checks the
service, UI and registry packages with the project's settings.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, str(ROOT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_file_is_formatted():
    result = _ruff("format", "--check")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_every_file_is_lint_clean():
    result = _ruff("check")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_packages_type_check():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "syndata", "app_api", "model_registry", "app_ui"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
