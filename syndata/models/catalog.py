"""The model registries, and building a model by name.

The built-ins register in ``syndata.models.registry``, which re-exports all of this; it
is kept apart from the registrations so that a model that builds others by name (``auto``)
imports no module that imports it.
"""

from __future__ import annotations

from typing import TypeVar

from syndata.errors import ModelError
from syndata.models.base import MultiTableSynthesizer, Synthesizer
from syndata.plugins import Registry

M = TypeVar("M", Synthesizer, MultiTableSynthesizer)

# mypy refuses abstract classes where a type[T] is expected (python/mypy#4717); the
# registries hold concrete subclasses, the bases only check them
MODELS: Registry[Synthesizer] = Registry("models", Synthesizer)  # type: ignore[type-abstract]
SCHEMA_MODELS: Registry[MultiTableSynthesizer] = Registry(
    "schema_models",
    MultiTableSynthesizer,  # type: ignore[type-abstract]
)

DEFAULT_MODEL = "auto"  # the model of a fit that names none (per table in a schema)


def make_model(name: str, **params: object) -> Synthesizer:
    """A new, unfitted single-table synthesizer of type ``name``."""
    return _make(MODELS, SCHEMA_MODELS, name, params)


def make_schema_model(name: str, **params: object) -> MultiTableSynthesizer:
    """A new, unfitted multi-table synthesizer of type ``name``."""
    return _make(SCHEMA_MODELS, MODELS, name, params)


def _make(
    models: Registry[M],
    other: Registry[Synthesizer] | Registry[MultiTableSynthesizer],
    name: str,
    params: dict[str, object],
) -> M:
    what, other_what = (
        ("single-table", "multi-table") if models is MODELS else ("multi-table", "single-table")
    )
    if name not in models:
        hint = f"; '{name}' is a {other_what} model" if name in other else ""
        raise ModelError(f"unknown model '{name}'{hint}; the {what} models are {', '.join(models)}")
    try:
        return models.get(name)(**params)
    except TypeError as exc:
        raise ModelError(f"bad parameters for model '{name}': {exc}") from exc


def schema_model_choice(model: str) -> tuple[str, dict[str, object]]:
    """The multi-table model ``model`` names for a schema, and its parameters.

    A single-table model's name means the default multi-table model (``hierarchical``)
    with that model for every table; a multi-table model's name means itself. ModelError
    names the known ones for any other name.
    """
    if model in SCHEMA_MODELS:
        return model, {}
    if model in MODELS:
        return "hierarchical", {"default_model": model}
    raise ModelError(
        f"unknown model '{model}'; for a schema use {', '.join(SCHEMA_MODELS)} "
        f"or one of {', '.join(MODELS)}"
    )
