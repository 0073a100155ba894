"""The values of a column PII detection analyses, as text, and the context words of its name."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from syndata.privacy.pii_vocabulary import MISSING_TEXTS


def sample_texts(series: pd.Series, size: int, rng: np.random.Generator) -> list[str]:
    """A uniform sample of the distinct non-null values of ``series``, as text.

    Empty when no recognizer could apply: booleans, non-integer numbers, integers of
    fewer than four digits. Text that stands for a missing value ("none", "N/A",
    "unknown") is left out: "None" is also a town in Italy.
    """
    values = series.dropna()
    if values.empty or pd.api.types.infer_dtype(values, skipna=True) == "boolean":
        return []
    if pd.api.types.is_datetime64_any_dtype(values):
        return [str(v) for v in _pick(_dates_as_text(values), size, rng)]
    if pd.api.types.is_numeric_dtype(values):
        whole = _integers(values)
        if whole is None:
            return []
        return [str(v) for v in _pick(whole, size, rng)]
    distinct = pd.unique(values.to_numpy(dtype=object))
    written = pd.Series(distinct).map(_text).str.strip().str.casefold()
    distinct = distinct[~written.isin(MISSING_TEXTS).to_numpy()]
    texts = [_text(v) for v in _pick(distinct, size, rng)]
    return [t for t in texts if t.strip()]


# Capitalised words joined by underscores; lower-case snake_case ("four_cheese") is a code.
_UNDERSCORED = re.compile(r"[^\W\d_a-z][^\W\d_]*(?:_[^\W\d_a-z][^\W\d_]*)+")


def readable(text: str) -> str:
    """Capitalised words joined by underscores as words ("North_Ames", "RANCHO_CORDOVA")."""
    return text.replace("_", " ") if _UNDERSCORED.fullmatch(text) else text


def _pick(
    distinct: NDArray[np.generic], size: int, rng: np.random.Generator
) -> NDArray[np.generic]:
    distinct = pd.unique(distinct)
    if len(distinct) <= size:
        return distinct
    return distinct[np.sort(rng.choice(len(distinct), size=size, replace=False))]


def _integers(values: pd.Series) -> NDArray[np.integer[Any]] | None:
    array = values.to_numpy()
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(np.mod(array, 1) == 0):
            return None
        if np.abs(array).max() >= 2**63:
            return None
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iu":
        return None
    if np.abs(array).max() < 1000:
        return None
    return np.asarray(array)


def _dates_as_text(values: pd.Series) -> NDArray[np.object_]:
    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is None and (stamps == stamps.dt.normalize()).all():
        return stamps.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    return stamps.astype(str).to_numpy(dtype=object)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def context_words(column: str, vocabulary: Iterable[str] = ()) -> list[str]:
    """Context words of a column name, for whole-word matching with recognizers' words.

    The name's words (split at separators and camel case), each pair of neighbours
    joined ("zip", "code", "zipcode"), and the ``vocabulary`` words that begin or end
    one of the name's own words ("birthdate" -> "birth"; "cellphone" -> "phone"; not
    "animal_name" -> "lname").
    """
    spaced = _CAMEL.sub(" ", column)
    words = [w.lower() for w in re.split(r"[^0-9A-Za-zÀ-ÿ]+", spaced) if w and not w.isdigit()]
    own = list(words)
    words += [a + b for a, b in itertools.pairwise(words)]
    found = dict.fromkeys(words)
    for word in own:  # not across a join: "animalname" holds no "lname"
        for known in vocabulary:
            if 3 <= len(known) < len(word) and (word.startswith(known) or word.endswith(known)):
                found[known] = None
    return list(found)
