"""The learned models by name: ``MODELS`` (one table) and ``SCHEMA_MODELS`` (a schema).

Both are ``syndata.plugins.Registry`` instances: the built-ins register here (the
multi-table ones from their own modules, which build their tables' models through this
one), and installed packages add their own through the entry point groups
``syndata.models`` (subclasses of ``Synthesizer``) and ``syndata.schema_models``
(subclasses of ``MultiTableSynthesizer``)::

    [project.entry-points."syndata.models"]
    my_model = "mypkg.models:MyModel"

``make_model`` and ``make_schema_model`` build an unfitted model from its name and
parameters, with a message naming the known ones (and saying when a name is a model of
the other kind).
"""

from __future__ import annotations

from typing import TypeVar

from syndata.errors import ModelError
from syndata.models.auto import AutoModel
from syndata.models.base import MultiTableSynthesizer, Synthesizer
from syndata.models.cart import CART
from syndata.models.gaussian_copula import GaussianCopula
from syndata.models.sdv import SdvCTGAN, SdvGaussianCopula
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

MODELS.register("auto", AutoModel)
MODELS.register("gaussian_copula", GaussianCopula)
MODELS.register("cart", CART)
MODELS.register("sdv_gaussian_copula", SdvGaussianCopula)
MODELS.register("sdv_ctgan", SdvCTGAN)


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
