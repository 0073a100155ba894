"""The tree stays formatted and lint-clean: `ruff format --check` and `ruff check` pass."""

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
