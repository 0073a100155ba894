"""The registry of masking operators: the built-ins, then plug-ins of ``syndata.operators``.

A package adds an operator by naming a subclass of ``Operator`` in its ``pyproject.toml``::

    [project.entry-points."syndata.operators"]
    shout = "mypkg.masking:Shout"

after which a privacy plan can say ``{action: mask, operator: shout}``.
"""

from __future__ import annotations

from syndata.plugins import Registry
from syndata.privacy.operators.anonymize_text import AnonymizeText
from syndata.privacy.operators.base import Operator
from syndata.privacy.operators.decrypt import Decrypt
from syndata.privacy.operators.drop import Drop
from syndata.privacy.operators.encrypt import Encrypt
from syndata.privacy.operators.fake import Fake
from syndata.privacy.operators.generalize import Generalize
from syndata.privacy.operators.hash import Hash
from syndata.privacy.operators.partial import Partial
from syndata.privacy.operators.redact import Redact
from syndata.privacy.operators.replace import Replace

# Operator is abstract: the registry checks subclasses of it, it never instantiates it
OPERATORS: Registry[Operator] = Registry("operators", Operator)  # type: ignore[type-abstract]

for _name, _cls in (
    ("redact", Redact),
    ("replace", Replace),
    ("partial", Partial),
    ("hash", Hash),
    ("encrypt", Encrypt),
    ("decrypt", Decrypt),
    ("fake", Fake),
    ("generalize", Generalize),
    ("drop", Drop),
    ("anonymize_text", AnonymizeText),
):
    OPERATORS.register(_name, _cls)
