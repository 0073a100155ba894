"""Learned synthesizers behind one base class, by name (``syndata.models.registry``)."""

from __future__ import annotations

from syndata.errors import ModelError
from syndata.models.auto import AutoModel
from syndata.models.base import MultiTableSynthesizer, Synthesizer
from syndata.models.cart import CART
from syndata.models.gaussian_copula import GaussianCopula
from syndata.models.hierarchical import HierarchicalSynthesizer
from syndata.models.registry import (
    DEFAULT_MODEL,
    MODELS,
    SCHEMA_MODELS,
    make_model,
    make_schema_model,
)
from syndata.models.sdv import SdvCTGAN, SdvGaussianCopula

__all__ = [
    "CART",
    "DEFAULT_MODEL",
    "MODELS",
    "SCHEMA_MODELS",
    "AutoModel",
    "GaussianCopula",
    "HierarchicalSynthesizer",
    "ModelError",
    "MultiTableSynthesizer",
    "SdvCTGAN",
    "SdvGaussianCopula",
    "Synthesizer",
    "make_model",
    "make_schema_model",
]
