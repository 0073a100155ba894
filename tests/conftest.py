"""Session-wide test setup: the model store, registered as an installation would."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest

STORE_GROUP = "syndata.model_stores"
STORE_ENTRY_POINT = "mlflow = model_registry.adapter:MlflowModelStore"


@pytest.fixture(scope="session", autouse=True)
def model_store_entry_point(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Register model_registry's store (group ``syndata.model_stores``) when not installed.

    The entry point comes from ``pyproject.toml`` once the package is reinstalled; until
    then a dist-info folder on ``sys.path`` (and ``PYTHONPATH``, for subprocesses) names it.
    """
    if entry_points(group=STORE_GROUP):
        yield
        return
    folder = tmp_path_factory.mktemp("model_store_plugin")
    dist = folder / "syndata_model_store-0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: syndata-model-store\nVersion: 0\n")
    (dist / "entry_points.txt").write_text(f"[{STORE_GROUP}]\n{STORE_ENTRY_POINT}\n")
    before = os.environ.get("PYTHONPATH")
    sys.path.append(str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (before, str(folder)) if p)
    yield
    sys.path.remove(str(folder))
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before
