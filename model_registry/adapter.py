"""The MLflow model registry as syndata's model store (``syndata.model_store.ModelStore``).

Registered in the entry point group ``syndata.model_stores`` as ``mlflow``, so syndata
(the pipeline, the CLI, the jobs) finds it without importing this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model_registry import aliases, refs, registry
from model_registry.refs import ModelRef
from syndata.access.projects import DEFAULT_PROJECT
from syndata.model_store import ModelStore
from syndata.models.base import AnySynthesizer


class MlflowModelStore(ModelStore):
    """syndata's model store on ``model_registry`` (``registry``, ``refs``, ``aliases``)."""

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

    def resolve(self, ref: str, project: str) -> ModelRef:
        """The version ``ref`` of ``project`` points to (see ``registry.resolve``)."""
        return registry.resolve(ref, project)

    def list_models(self, project: str) -> list[dict[str, Any]]:
        """``project``'s models, one row each (see ``registry.list_models``)."""
        return registry.list_models(project)

    def show_model(self, name: str, project: str) -> dict[str, Any]:
        """``project``'s model ``name`` and its versions (see ``registry.show_model``)."""
        return registry.show_model(name, project)

    def set_alias(
        self,
        name: str,
        alias: str,
        version: str | int,
        project: str = DEFAULT_PROJECT,
        *,
        actor: str | None = None,
        via: str = "cli",
    ) -> None:
        """Point ``name@alias`` at ``version``, audited (see ``aliases.set_alias``)."""
        aliases.set_alias(name, alias, version, project, actor=actor, via=via)

    def check_reference(self, ref: str) -> None:
        """Raise ModelNotFoundError when ``ref`` is no model reference (``refs.parse``)."""
        refs.parse(ref)
