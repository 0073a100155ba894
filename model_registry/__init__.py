"""MLflow adapter for syndata models (log, register, load, alias, list).

The only place the project talks to MLflow. Models are stored as MLflow pyfunc models,
one registered model version per ``log_model`` call, in the store ``syndata.settings``
names (SQLite under ``SYNDATA_HOME`` by default, or ``MLFLOW_TRACKING_URI``). References
are ``name`` (latest version), ``name:3`` or ``name@champion``::

    ref = model_registry.log_model(model, "people", metrics={"quality": 0.91})
    model_registry.set_alias("people", "champion", ref.version)
    model_registry.load_model("people@champion").sample(1000, seed=7)
"""

import os

# MLflow reads this when it is first imported.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"

from model_registry.aliases import ALIAS_PATTERN, set_alias
from model_registry.refs import ModelRef
from model_registry.registry import (
    list_models,
    load_artifact,
    load_model,
    log_model,
    resolve,
    show_model,
)
from model_registry.store import configure
from model_registry.synthesizer_model import SynthesizerModel

__all__ = [
    "ALIAS_PATTERN",
    "ModelRef",
    "SynthesizerModel",
    "configure",
    "list_models",
    "load_artifact",
    "load_model",
    "log_model",
    "resolve",
    "set_alias",
    "show_model",
]
