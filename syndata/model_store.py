"""What syndata needs from a model store, and the store installed.

The pipeline saves a fitted model with its reports and loads models back by reference
(``name``, ``name:3``, ``name@alias``) through a ``ModelStore``; the CLI lists and shows
models and sets aliases, and the jobs check references and pin them to versions, through
it too. The store is a plug-in
(entry point group ``syndata.model_stores``), so ``syndata`` never imports the package
that implements it; the project's own is ``model_registry`` (MLflow), registered as
``mlflow`` in ``pyproject.toml``::

    [project.entry-points."syndata.model_stores"]
    mlflow = "model_registry.adapter:MlflowModelStore"

    store = model_store()            # the installed store ("mlflow" when there)
    ref = store.log_model(model, "people", params={}, metrics={}, artifacts={},
                          project="default")
    store.load_model(f"{ref.name}:{ref.version}", "default").sample(10)
    store.set_alias("people", "champion", ref.version, "default")
    store.resolve("people@champion", "default").version   # the same version
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import PluginError
from syndata.plugins import Registry

if TYPE_CHECKING:
    from syndata.models.base import AnySynthesizer

DEFAULT_STORE = "mlflow"
INSTALL_FIX = (
    "install syndata with its model registry (`pip install syndata`, or `pip install -e .` "
    "in a checkout: the model_registry package registers the 'mlflow' store), or a "
    "package that registers a store in the entry point group 'syndata.model_stores'"
)


class StoredModel(Protocol):
    """The version a store gave a saved model: ``name`` and ``version`` find it again."""

    @property
    def name(self) -> str:
        """The model's name in its project."""
        ...

    @property
    def version(self) -> str:
        """The version the save created."""
        ...


@runtime_checkable
class ModelStore(Protocol):
    """Saves fitted synthesizers with their reports and loads them back by reference."""

    def log_model(
        self,
        synthesizer: AnySynthesizer,
        name: str,
        *,
        params: Mapping[str, object],
        metrics: Mapping[str, object],
        artifacts: Mapping[str, Mapping[str, Any]],
        project: str,
    ) -> StoredModel:
        """Save ``synthesizer`` as a new version of ``project``'s model ``name``.

        ``params`` and ``metrics`` describe the fit; ``artifacts`` are its reports
        (JSON-compatible data by key: quality, privacy, ...).
        """
        ...

    def load_model(self, ref: str, project: str) -> AnySynthesizer:
        """The synthesizer ``ref`` (``name``, ``name:3``, ``name@alias``) points to."""
        ...

    def resolve(self, ref: str, project: str) -> StoredModel:
        """The version ``ref`` of ``project`` points to, without loading the model.

        An unknown model, version or alias raises ModelNotFoundError.
        """
        ...

    def list_models(self, project: str) -> list[dict[str, Any]]:
        """One row per model of ``project``, about its latest version.

        Keys: ``name``, ``project``, ``version``, ``aliases`` (alias -> version),
        ``model_type``, ``created``, ``quality`` (overall score or None) and ``metrics``.
        """
        ...

    def show_model(self, name: str, project: str) -> dict[str, Any]:
        """Everything about ``project``'s model ``name``: its aliases and every version."""
        ...

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
        """Point ``project``'s ``name@alias`` at ``version``, as an audit line.

        ``actor`` made the change ``via`` the CLI or the API. An alias the store
        reserves, or one that is not a valid name, raises ConfigError.
        """
        ...

    def check_reference(self, ref: str) -> None:
        """Raise ModelNotFoundError when ``ref`` is no model reference (loads nothing)."""
        ...


MODEL_STORES: Registry[ModelStore] = Registry("model_stores", ModelStore)  # type: ignore[type-abstract]


def model_store(name: str | None = None) -> ModelStore:
    """A new instance of the store ``name`` (default: ``mlflow``, else the only one).

    Raises PluginError saying what to install when no store is installed.
    """
    names = MODEL_STORES.names()
    if not names:
        raise PluginError(
            "no model store is installed (entry point group 'syndata.model_stores'), "
            "so models cannot be saved or loaded",
            fix=INSTALL_FIX,
        )
    chosen = name or (DEFAULT_STORE if DEFAULT_STORE in names else names[0])
    return MODEL_STORES.get(chosen)()
