"""The learned models by name: ``MODELS`` (one table) and ``SCHEMA_MODELS`` (a schema).

``make_model`` and ``make_schema_model`` build an unfitted model from its name and
parameters, with a message naming the known ones. The multi-table models register in
``SCHEMA_MODELS`` from ``syndata.models`` (they build their tables' models from here).
"""

from __future__ import annotations

from typing import Any

from syndata.models.base import ModelError, MultiTableSynthesizer, Synthesizer
from syndata.models.cart import CART
from syndata.models.gaussian_copula import GaussianCopula
from syndata.models.sdv import SdvCTGAN, SdvGaussianCopula

MODELS: dict[str, type[Synthesizer]] = {
    "gaussian_copula": GaussianCopula,
    "cart": CART,
    "sdv_gaussian_copula": SdvGaussianCopula,
    "sdv_ctgan": SdvCTGAN,
}
SCHEMA_MODELS: dict[str, type[MultiTableSynthesizer]] = {}


def make_model(name: str, **params: object) -> Synthesizer:
    """A new, unfitted single-table synthesizer of type ``name``."""
    model: Synthesizer = _make(MODELS, name, params, "single-table")
    return model


def make_schema_model(name: str, **params: object) -> MultiTableSynthesizer:
    """A new, unfitted multi-table synthesizer of type ``name``."""
    model: MultiTableSynthesizer = _make(SCHEMA_MODELS, name, params, "multi-table")
    return model


def _make(models: dict[str, Any], name: str, params: dict[str, object], what: str) -> Any:
    if name not in models:
        other = SCHEMA_MODELS if models is MODELS else MODELS
        hint = (
            f"; '{name}' is a {'multi-table' if what == 'single-table' else 'single-table'} model"
            if name in other
            else ""
        )
        raise ModelError(f"unknown model '{name}'{hint}; the {what} models are {', '.join(models)}")
    try:
        return models[name](**params)
    except TypeError as exc:
        raise ModelError(f"bad parameters for model '{name}': {exc}") from exc
