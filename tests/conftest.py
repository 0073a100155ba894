"""Session-wide test setup: the plug-ins of the checkout, registered as an installation would."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest
from installed_plugins import write_dist_info

STORE_GROUP = "syndata.model_stores"
STORE_ENTRY_POINT = "mlflow = model_registry.adapter:MlflowModelStore"
SERVICE_GROUP = "syndata.services"
SERVICE_ENTRY_POINT = "api = app_api.service:ApiService"
PLUGINS = {STORE_GROUP: STORE_ENTRY_POINT, SERVICE_GROUP: SERVICE_ENTRY_POINT}


@pytest.fixture(scope="session", autouse=True)
def model_store_entry_point(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Register model_registry's store and app_api's service when they are not installed.

    The entry points (groups ``syndata.model_stores`` and ``syndata.services``) come from
    ``pyproject.toml`` once the package is reinstalled; until then (or when a stale
    ``syndata.egg-info`` in the working directory hides them) a dist-info folder on
    ``sys.path`` (and ``PYTHONPATH``, for subprocesses) names them.
    """
    missing = {group: line for group, line in PLUGINS.items() if not entry_points(group=group)}
    if not missing:
        yield
        return
    folder = tmp_path_factory.mktemp("syndata_plugins")
    write_dist_info(folder, "syndata-checkout-plugins", missing)
    before = os.environ.get("PYTHONPATH")
    sys.path.append(str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (before, str(folder)) if p)
    yield
    sys.path.remove(str(folder))
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before
