"""The MLflow model registry as syndata's model store (``syndata.model_store.ModelStore``).

Registered in the entry point group ``syndata.model_stores`` as ``mlflow``, so the
pipeline finds it without importing this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model_registry import registry
from model_registry.refs import ModelRef
from syndata.model_store import ModelStore
from syndata.models.base import AnySynthesizer


class MlflowModelStore(ModelStore):
    """Saves and loads models with ``model_registry.log_model`` and ``load_model``."""

    def log_model(
        self,
        synthesizer: AnySynthesizer,
        name: str,
        *,
        params: Mapping[str, object],
        metrics: Mapping[str, object],
        artifacts: Mapping[str, Mapping[str, Any]],
        project: str,
    ) -> ModelRef:
        """Log ``synthesizer`` as a new registered version (see ``registry.log_model``)."""
        return registry.log_model(
            synthesizer,
            name,
            params=params,
            metrics=metrics,
            artifacts=artifacts,
            project=project,
        )

    def load_model(self, ref: str, project: str) -> AnySynthesizer:
        """The synthesizer ``ref`` of ``project`` points to (see ``registry.load_model``)."""
        return registry.load_model(ref, project)
