"""Keeping real personal values out of samples: keyed hashes of the values to exclude.

A model keeps, per regenerated PII column, only 64-bit keyed hashes of the real values
(``real_value_hashes``); a sampled value whose hash is among them is replaced by another
sampled value (``without_real_values``). See ``real_value_hashes`` for the key.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from syndata.metadata import TableMetadata
from syndata.models.arrays import Hashes


def real_value_hashes(metadata: TableMetadata, data: pd.DataFrame) -> dict[str, Hashes]:
    """Keyed hashes of the real values of regenerated PII columns, to keep them out.

    Regenerated personal data (``ColumnMetadata.pii``) is drawn from Faker, independent of
    the real values, but a common name can still coincide with a real one. The model keeps
    64-bit keyed hashes (BLAKE2b keyed by the masking secret, ``settings.masking_secret``:
    no one without it can test whether a value was in the data) and sampled values equal
    to a real one are replaced. Sampling where that secret differs replaces nothing.
    """
    columns = [c for c, m in metadata.columns.items() if m.pii is not None and c in data]
    if not columns:
        return {}
    from syndata.settings import masking_secret

    secret = masking_secret()
    return {c: np.unique(_keyed_hashes(data[c].dropna(), secret)) for c in columns}


def _keyed_hashes(values: pd.Series, secret: bytes) -> Hashes:
    key = hashlib.sha256(secret).digest()
    distinct = pd.unique(values.astype(str).to_numpy())
    return np.array(
        [
            int.from_bytes(
                hashlib.blake2b(v.encode("utf-8"), key=key, digest_size=8).digest(), "little"
            )
            for v in distinct
        ],
        dtype=np.uint64,
    )


def without_real_values(values: pd.Series, excluded: Hashes, rng: np.random.Generator) -> pd.Series:
    """``values`` with those equal to an excluded (real) value replaced by other drawn ones."""
    from syndata.settings import masking_secret

    present = values.notna().to_numpy()
    if not present.any():
        return values
    secret = masking_secret()
    text = values[present].astype(str)
    codes, uniques = pd.factorize(text)
    bad_unique = np.isin(_keyed_hashes(pd.Series(uniques), secret), excluded)
    if not bad_unique.any():
        return values
    bad = np.zeros(len(values), dtype=bool)
    bad[np.flatnonzero(present)[bad_unique[codes]]] = True
    good = np.flatnonzero(present & ~bad)
    if not len(good):
        return values.where(~bad)  # nothing clean drawn: null rather than a real value
    out = values.copy()
    out.iloc[np.flatnonzero(bad)] = values.iloc[rng.choice(good, int(bad.sum()))].to_numpy()
    return out
