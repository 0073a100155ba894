"""Which personal entities identify a person directly, and which only together with others.

* **Direct identifiers** name or reach one person on their own: names, e-mail addresses,
  phone numbers, national and account numbers, cards, street addresses, network
  addresses, and free text that holds any of these. They are regenerated or masked by
  default; a model never learns them.
* **Quasi-identifiers** single a person out only in combination: states, cities, postal
  codes, dates of birth, ages, genders. A model needs them (they carry the table's
  statistics), so they are learned as data by default, under the rare-value rule
  (``syndata.privacy.disclosure``), measured by the privacy report's attacks (singling
  out, linkability, inference) and listed in the review so a user may generalise them.

``identifier_class(entity)`` is the one place that decides it.
"""

from __future__ import annotations

from typing import Literal

IdentifierClass = Literal["direct", "quasi"]

QUASI_ENTITIES = frozenset(
    {"LOCATION", "POSTAL_CODE", "DATE_OF_BIRTH", "AGE", "GENDER", "STATE", "CITY", "COUNTRY"}
)


def identifier_class(entity: str) -> IdentifierClass:
    """``"quasi"`` for the entities of ``QUASI_ENTITIES``, ``"direct"`` for every other one.

    An entity not listed (a plug-in recognizer's, say) counts as direct: the safe side.
    """
    return "quasi" if entity.upper() in QUASI_ENTITIES else "direct"


def is_direct(entity: str) -> bool:
    """True when ``entity`` identifies a person on its own (see the module docstring)."""
    return identifier_class(entity) == "direct"
