"""The ``encrypt`` operator: AES-SIV ciphertexts of the values (``SYNDATA_ENCRYPTION_KEY``).

Deterministic, so equal values give equal ciphertexts whatever their dtype (joins
survive); ``decrypt`` restores the original values and their dtype.
"""

from __future__ import annotations

import base64
import os

import pandas as pd
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from syndata.privacy.operators.base import MaskContext, Operator
from syndata.privacy.operators.kinds import kind_text
from syndata.privacy.operators.values import encode, expand


def generate_key() -> str:
    """A new random AES-SIV key (64 bytes, base64) for ``SYNDATA_ENCRYPTION_KEY``."""
    return base64.b64encode(os.urandom(64)).decode("ascii")


def encrypt(values: pd.Series, key: bytes) -> pd.Series:
    """AES-SIV ciphertexts (urlsafe base64) of the values, with their kind for ``decrypt``.

    Deterministic: equal values give equal ciphertexts, whatever their dtype (the number 1
    is the same in an int column and in a float column with nulls), so keys still join.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    siv = AESSIV(key)
    cipher = [
        base64.urlsafe_b64encode(siv.encrypt(encode(kind_text(v)), None)).decode("ascii")
        for v in uniques
    ]
    return expand(values, cipher, codes)


class Encrypt(Operator):
    """``encrypt``: see ``encrypt``."""

    def needs_key(self) -> bool:
        """The AES-SIV key."""
        return True

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The ciphertext of each value."""
        return encrypt(values, context.key())
