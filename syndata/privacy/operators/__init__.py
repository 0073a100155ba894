"""Masking operators: rewrite personal values before a model (or anyone) sees them.

One module per operator (nulls stay null everywhere), registered by name in ``OPERATORS``:

* ``redact`` / ``replace`` — a fixed token (or null) / a constant, for the value or for each
  match of a regular expression;
* ``partial`` — keep the first/last characters, mask the rest (``***-**-6789``);
* ``hash`` (``hash_values``) — keyed HMAC-SHA256 (``SYNDATA_MASKING_SECRET``) as hex;
* ``encrypt`` / ``decrypt`` — AES-SIV (``SYNDATA_ENCRYPTION_KEY``), deterministic, and
  ``decrypt`` restores the values and their dtype;
* ``fake`` — a consistent fake value (engine: ``fakes``), never the value it replaces;
* ``generalize`` — dates to month or year, numbers to bins or bands, text to a prefix;
* ``drop`` — the column is removed;
* ``anonymize_text`` — entity spans in free text become ``<ENTITY>`` or consistent fakes.

Third-party operators subclass ``Operator`` and register in the entry point group
``syndata.operators`` (see ``registry``). ``syndata.privacy.masking.mask_frame`` applies
a privacy plan's operators to a table.
"""

from syndata.privacy.operators.anonymize_text import AnonymizeTextParams, anonymize_text
from syndata.privacy.operators.base import (
    ColumnReport,
    FindEntities,
    MaskContext,
    MaskedColumn,
    NoParams,
    Operator,
    Params,
)
from syndata.privacy.operators.decrypt import decrypt
from syndata.privacy.operators.encrypt import encrypt, generate_key
from syndata.privacy.operators.fake import FakeParams, fake
from syndata.privacy.operators.fakes import fake_texts
from syndata.privacy.operators.generalize import GeneralizeParams, generalize
from syndata.privacy.operators.hash import HashParams, hash_values
from syndata.privacy.operators.partial import PartialParams, partial
from syndata.privacy.operators.redact import RedactParams, redact
from syndata.privacy.operators.registry import OPERATORS
from syndata.privacy.operators.replace import ReplaceParams, replace

__all__ = [
    "OPERATORS",
    "AnonymizeTextParams",
    "ColumnReport",
    "FakeParams",
    "FindEntities",
    "GeneralizeParams",
    "HashParams",
    "MaskContext",
    "MaskedColumn",
    "NoParams",
    "Operator",
    "Params",
    "PartialParams",
    "RedactParams",
    "ReplaceParams",
    "anonymize_text",
    "decrypt",
    "encrypt",
    "fake",
    "fake_texts",
    "generalize",
    "generate_key",
    "hash_values",
    "partial",
    "redact",
    "replace",
]
