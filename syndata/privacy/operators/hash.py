"""The ``hash`` operator: keyed HMAC-SHA256 of each value's text, as hex digits.

The key is the masking secret (``SYNDATA_MASKING_SECRET``): the same value gives the same
hash in every table and run, so masked keys still join. Values are hashed as text (``1``,
``1.0`` and ``"1"`` hash alike), so keys read with other dtypes still join.
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from syndata.privacy.operators.base import MaskContext, Operator, Params
from syndata.privacy.operators.values import expand, factorize, hmac_digests


class HashParams(Params):
    """``hash``: keyed HMAC-SHA256 of the value, as ``length`` hex digits."""

    length: int = Field(16, ge=8, le=64, description="hex digits kept, 8 to 64")


def hash_values(values: pd.Series, secret: bytes, length: int = 16) -> pd.Series:
    """HMAC-SHA256 of each value's text under ``secret``, as ``length`` hex digits.

    Equal values give equal hashes in every table and run (with the same secret).
    """
    codes, texts = factorize(values)
    digests = hmac_digests(secret, texts)
    return expand(values, [d.hex()[:length] for d in digests], codes)


class Hash(Operator):
    """``hash``: see ``hash_values``."""

    params_model = HashParams
    options: HashParams

    def needs_secret(self) -> bool:
        """The HMAC key."""
        return True

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The hash of each value."""
        return hash_values(values, context.secret(), self.options.length)
