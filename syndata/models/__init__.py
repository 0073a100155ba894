"""Learned synthesizers behind one base class, by name."""

from __future__ import annotations

from syndata.models.base import ModelError, Synthesizer
from syndata.models.cart import CART
from syndata.models.gaussian_copula import GaussianCopula
from syndata.models.sdv import SdvCTGAN, SdvGaussianCopula

MODELS: dict[str, type[Synthesizer]] = {
    "gaussian_copula": GaussianCopula,
    "cart": CART,
    "sdv_gaussian_copula": SdvGaussianCopula,
    "sdv_ctgan": SdvCTGAN,
}


def make_model(name: str, **params: object) -> Synthesizer:
    """A new, unfitted synthesizer of type ``name``."""
    try:
        cls = MODELS[name]
    except KeyError:
        raise ModelError(f"unknown model '{name}'; use one of {', '.join(MODELS)}") from None
    try:
        return cls(**params)
    except TypeError as exc:
        raise ModelError(f"bad parameters for model '{name}': {exc}") from exc


__all__ = ["CART", "MODELS", "GaussianCopula", "ModelError", "SdvCTGAN", "SdvGaussianCopula",
           "Synthesizer", "make_model"]
