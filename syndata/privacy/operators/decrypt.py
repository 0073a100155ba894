"""The ``decrypt`` operator: the original values of ``encrypt`` output, with their dtype."""

from __future__ import annotations

import base64
import binascii

import pandas as pd
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from syndata import settings
from syndata.errors import DataReadError
from syndata.privacy.operators.base import MaskContext, Operator
from syndata.privacy.operators.kinds import restore


def decrypt(values: pd.Series, key: bytes) -> pd.Series:
    """The original values of ``encrypt`` output.

    The dtype is rebuilt from the values' kinds: numbers are int64 (Int64 with nulls) when
    all are whole, float64 otherwise; date-times datetime64[ns] (time zones as UTC offsets);
    booleans bool (boolean with nulls); text and other objects object. So int, nullable int,
    bool, text and naive datetime64[ns] columns, and float columns with a fraction, come back
    exactly; a float column of whole numbers comes back as integers of the same values.
    Raise DataReadError when values were not encrypted with this key.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    siv = AESSIV(key)
    plain: list[str] = []
    bad = 0
    for token in uniques:
        try:
            data = siv.decrypt(base64.urlsafe_b64decode(str(token).encode("ascii")), None)
            plain.append(data.decode("utf-8", "surrogatepass"))
        except (InvalidTag, ValueError, binascii.Error, UnicodeError):
            bad += 1
    if bad:
        raise DataReadError(
            f"column '{values.name}': {bad} of {len(uniques)} distinct values cannot be "
            "decrypted: they were not made by 'encrypt', or with another key; use the key "
            f"they were encrypted with ({settings.ENCRYPTION_KEY_VAR})"
        )
    return restore(values, plain, codes)


class Decrypt(Operator):
    """``decrypt``: see ``decrypt``."""

    def needs_key(self) -> bool:
        """The AES-SIV key."""
        return True

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The original value of each ciphertext."""
        return decrypt(values, context.key())
