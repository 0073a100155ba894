"""A fitted synthesizer as an MLflow pyfunc model.

This is the one place the project serialises models. ``save_synthesizer`` writes two
artifact files: the synthesizer pickled with cloudpickle and a small JSON that stamps
the syndata version (and the model class) it was saved with. ``SynthesizerModel`` loads
them once in ``load_context``, warning when another syndata version saved the model, and
samples rows in ``predict``::

    model = mlflow.pyfunc.load_model("models:/people/3")
    model.predict(pd.DataFrame({"num_rows": [1000], "seed": [7]}))
    model.predict(pd.DataFrame(), params={"num_rows": 1000, "seed": 7})

Each input row is one request (``num_rows``, optional ``seed``); the sampled frames are
returned one after the other. Without a ``num_rows`` column the ``params`` are used.
"""

from __future__ import annotations

import json
import math
import numbers
import platform
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import cloudpickle
import pandas as pd
from mlflow.models.signature import ModelSignature
from mlflow.pyfunc import PythonModel
from mlflow.types.schema import ColSpec, ParamSchema, ParamSpec, Schema

import syndata
from syndata.errors import DataReadError, ModelError
from syndata.models.base import AnySynthesizer, MultiTableSynthesizer, Synthesizer

SYNTHESIZER_ARTIFACT = "synthesizer"
VERSION_ARTIFACT = "syndata_version"
SYNTHESIZER_FILE = "synthesizer.pkl"
VERSION_FILE = "syndata_version.json"

# What ``predict`` accepts: rows of (num_rows, seed), or the same two as params.
SIGNATURE = ModelSignature(
    inputs=Schema(
        [ColSpec("long", "num_rows", required=False), ColSpec("long", "seed", required=False)]
    ),
    params=ParamSchema(
        [
            ParamSpec("num_rows", "long", None),
            ParamSpec("seed", "long", None),
            ParamSpec("scale", "double", None),
        ]
    ),
)


def model_class(synthesizer: AnySynthesizer) -> str:
    """The import path of the synthesizer's class, e.g. ``syndata.models.x.GaussianCopula``."""
    cls = type(synthesizer)
    return f"{cls.__module__}.{cls.__qualname__}"


def save_synthesizer(synthesizer: AnySynthesizer, folder: Path) -> dict[str, str]:
    """Write the synthesizer and its version stamp into ``folder``; artifact name -> path."""
    pickle_path = folder / SYNTHESIZER_FILE
    with pickle_path.open("wb") as handle:
        cloudpickle.dump(synthesizer, handle)
    stamp = {
        "syndata_version": syndata.__version__,
        "model_type": synthesizer.model_type or type(synthesizer).__name__,
        "model_class": model_class(synthesizer),
        "python_version": platform.python_version(),
    }
    stamp_path = folder / VERSION_FILE
    stamp_path.write_text(json.dumps(stamp, indent=2), encoding="utf-8")
    return {SYNTHESIZER_ARTIFACT: str(pickle_path), VERSION_ARTIFACT: str(stamp_path)}


def read_synthesizer(artifacts: Mapping[str, str]) -> AnySynthesizer:
    """Load the synthesizer that ``save_synthesizer`` wrote (artifact name -> local path).

    Warns (``UserWarning``) when the model was saved by another syndata version.
    """
    stamp: dict[str, Any] = {}
    if VERSION_ARTIFACT in artifacts:
        stamp = json.loads(Path(artifacts[VERSION_ARTIFACT]).read_text(encoding="utf-8"))
    saved = stamp.get("syndata_version", "unknown")
    if saved != syndata.__version__:
        warnings.warn(
            f"this model was saved by syndata {saved} and is loaded by syndata "
            f"{syndata.__version__}; if it fails to sample or samples differently, fit it "
            "again with this version",
            UserWarning,
            stacklevel=2,
        )
    try:
        with Path(artifacts[SYNTHESIZER_ARTIFACT]).open("rb") as handle:
            synthesizer = cloudpickle.load(handle)
    except (ImportError, AttributeError) as exc:
        cls = stamp.get("model_class", "its model class")
        raise DataReadError(
            f"cannot load the model: {exc}; it needs {cls} (saved by syndata {saved}), install "
            "the package that defines it in this environment"
        ) from exc
    if not isinstance(synthesizer, Synthesizer | MultiTableSynthesizer):
        raise DataReadError(
            f"the model artifact holds a {type(synthesizer).__name__}, not a syndata "
            "synthesizer; log models with model_registry.log_model"
        )
    return synthesizer


class SynthesizerModel(PythonModel):
    """MLflow pyfunc wrapper: ``predict`` samples rows from the wrapped synthesizer."""

    synthesizer: AnySynthesizer

    def load_context(self, context: Any) -> None:
        """Load the synthesizer from the model's artifacts (once)."""
        self.synthesizer = read_synthesizer(context.artifacts)

    # MLflow reads the annotation of ``model_input``: a DataFrame is accepted as is and
    # leaves the schema to SIGNATURE.
    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> Any:
        """Sampled rows for each (``num_rows``, ``seed``) request; see the module docstring.

        A multi-table model returns ``{table: frame}`` sampled at ``params["scale"]``
        (default 1.0) times the fitted sizes.
        """
        if isinstance(self.synthesizer, MultiTableSynthesizer):
            params = params or {}
            scale = 1.0 if _missing(params.get("scale")) else float(params["scale"])
            return self.synthesizer.sample(scale, seed=_seed(params.get("seed")))
        frames = [
            self.synthesizer.sample(num_rows, seed=seed)
            for num_rows, seed in sample_requests(model_input, params)
        ]
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames, ignore_index=True)


def sample_requests(
    model_input: Any, params: Mapping[str, Any] | None
) -> list[tuple[int, int | None]]:
    """The (num_rows, seed) requests in a predict call's input or params."""
    params = params or {}
    if isinstance(model_input, Mapping):
        model_input = pd.DataFrame([model_input])
    if isinstance(model_input, pd.DataFrame) and "num_rows" in model_input and len(model_input):
        default_seed = params.get("seed")
        requests = []
        for row in model_input.to_dict("records"):
            seed = row.get("seed", default_seed)
            requests.append(
                (_count(row["num_rows"]), _seed(default_seed if _missing(seed) else seed))
            )
        return requests
    if not _missing(params.get("num_rows")):
        return [(_count(params["num_rows"]), _seed(params.get("seed")))]
    raise ModelError(
        "predict needs the number of rows to sample: pass a DataFrame with a 'num_rows' "
        "column (and an optional 'seed' column), or params={'num_rows': ..., 'seed': ...}"
    )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _count(value: Any) -> int:
    count = _whole(value, "num_rows")
    if count is None or count < 0:
        raise ModelError(f"num_rows must be a whole number >= 0, got {value!r}")
    return count


def _seed(value: Any) -> int | None:
    return _whole(value, "seed")


def _whole(value: Any, what: str) -> int | None:
    if _missing(value):
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    try:
        number = float(value)
        if number.is_integer():
            return int(number)
    except (TypeError, ValueError, OverflowError):
        pass
    raise ModelError(f"{what} must be a whole number, got {value!r}")
