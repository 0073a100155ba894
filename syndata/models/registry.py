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

from syndata.models.auto import AutoModel
from syndata.models.cart import CART
from syndata.models.catalog import (
    DEFAULT_MODEL,
    MODELS,
    SCHEMA_MODELS,
    make_model,
    make_schema_model,
    schema_model_choice,
)
from syndata.models.gaussian_copula import GaussianCopula
from syndata.models.sdv import SdvCTGAN, SdvGaussianCopula

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "SCHEMA_MODELS",
    "make_model",
    "make_schema_model",
    "schema_model_choice",
]

MODELS.register("auto", AutoModel)
MODELS.register("gaussian_copula", GaussianCopula)
MODELS.register("cart", CART)
MODELS.register("sdv_gaussian_copula", SdvGaussianCopula)
MODELS.register("sdv_ctgan", SdvCTGAN)
