"""Which MLflow store the registry talks to, read from ``syndata.settings`` on every call.

By default the tracking store and the model registry are one SQLite file,
``<SYNDATA_HOME>/mlflow.db``, with artifacts under ``<SYNDATA_HOME>/mlartifacts``; browse
it with ``mlflow ui --backend-store-uri sqlite:///<SYNDATA_HOME>/mlflow.db``.
``MLFLOW_TRACKING_URI`` points both at an MLflow server instead.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.telemetry import get_telemetry_client, set_telemetry_client

from syndata import settings
from syndata.errors import DataReadError, SyndataError

EXPERIMENT = "syndata"
_REMOTE_SCHEMES = frozenset({"http", "https", "databricks", "databricks-uc", "uc"})
_experiments: dict[tuple[str, str], str] = {}  # (tracking URI, artifact root) -> experiment id
_active: dict[str, tuple[str, str]] = {}  # the store whose experiment MLflow has active


def configure() -> None:
    """Point MLflow at the store ``syndata.settings`` names and make sure the experiment exists.

    Idempotent and cheap: the experiment is looked up (or created) once per store.
    """
    experiment_id()


def _quiet_logs() -> None:
    """Keep MLflow's own INFO chatter (store creation, registration) out of our output."""
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


def tracking_uri() -> str:
    """The tracking and registry URI in force (``MLFLOW_TRACKING_URI`` or SQLite in the home)."""
    return settings.mlflow_tracking_uri()


def is_local(uri: str) -> bool:
    """True for a store without a server (SQLite, another database, a folder)."""
    return urlparse(uri).scheme not in _REMOTE_SCHEMES


def experiment_id() -> str:
    """Configure MLflow (see ``configure``) and return the id of the "syndata" experiment."""
    _disable_telemetry()
    _quiet_logs()
    uri = tracking_uri()
    _set_uris(uri)
    root = settings.mlflow_artifact_root() if is_local(uri) else ""
    key = (uri, root)
    if key not in _experiments:
        _experiments[key] = _ensure_experiment(root or None)
    if _active.get("key") != key:
        mlflow.set_experiment(experiment_id=_experiments[key])
        _active["key"] = key
    return _experiments[key]


def client() -> mlflow.MlflowClient:
    """A client on the configured tracking store and registry."""
    configure()
    uri = tracking_uri()
    return mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)


@contextmanager
def translated(action: str, error: type[SyndataError]) -> Iterator[None]:
    """Re-raise MLflow errors met while doing ``action`` as ``error`` (a syndata error)."""
    try:
        yield
    except MlflowException as exc:
        raise error(
            f"{action} failed in the model registry at {tracking_uri()}: {exc.message}"
        ) from exc


def _disable_telemetry() -> None:
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    # reports and models are small files: no progress bar for each copy
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    if get_telemetry_client() is not None:  # mlflow was imported before the variable was set
        set_telemetry_client()


def _set_uris(uri: str) -> None:
    """Set MLflow's URIs without leaving them in the environment.

    MLflow copies the URIs it is given into ``MLFLOW_TRACKING_URI`` / ``MLFLOW_REGISTRY_URI``;
    left there, they would outrank ``SYNDATA_HOME`` on the next call.
    """
    saved = {name: os.environ.get(name) for name in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
    try:
        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _ensure_experiment(artifact_location: str | None) -> str:
    client = mlflow.MlflowClient(tracking_uri=tracking_uri())
    with translated(f"opening the experiment '{EXPERIMENT}'", DataReadError):
        experiment = client.get_experiment_by_name(EXPERIMENT)
        if experiment is None:
            try:
                return client.create_experiment(EXPERIMENT, artifact_location=artifact_location)
            except MlflowException as exc:
                if exc.error_code != "RESOURCE_ALREADY_EXISTS":
                    raise
                # another process created it meanwhile
                experiment = client.get_experiment_by_name(EXPERIMENT)
                if experiment is None:
                    raise
        if experiment.lifecycle_stage == "deleted":
            client.restore_experiment(experiment.experiment_id)
        return str(experiment.experiment_id)
