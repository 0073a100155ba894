"""Settings read from the environment, in one place.

``SYNDATA_HOME`` (default ``./.syndata``) holds everything the embedded defaults store:
the MLflow SQLite store and artifacts, the job store, outputs, logs and the audit log.
``MLFLOW_TRACKING_URI`` points the model store at an MLflow server instead.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The data folder (created on first use)."""
    path = Path(os.environ.get("SYNDATA_HOME", ".syndata")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def mlflow_tracking_uri() -> str:
    """The MLflow tracking store: ``MLFLOW_TRACKING_URI`` or SQLite under the home."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{home() / 'mlflow.db'}"


def mlflow_artifact_root() -> str:
    """Where the embedded MLflow store keeps artifacts."""
    return (home() / "mlartifacts").as_uri()
