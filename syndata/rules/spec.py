"""The rule contract: one class per rule type, and the registry of rule types by tag.

A rule type is one pydantic class derived from :class:`Rule`. It holds together

* its spec: the fields a config writes, with the ``type:`` tag as a ``Literal``;
* its validation: field and model validators, plus :meth:`Rule.column_problems`, the
  checks against the type of the column the rule is on;
* its behaviour: :meth:`Rule.generator` builds the column's generator for a
  :class:`RuleContext`;
* its dict form: :meth:`Rule.dump` (``type`` is always written out).

``RULES`` holds the rule types by tag: the built-ins (registered by
``syndata.rules.builtin``) and the classes installed packages register in the entry point
group ``syndata.rule_types``::

    [project.entry-points."syndata.rule_types"]
    iban = "mypkg.rules:IbanRule"   # class IbanRule(Rule) with type: Literal["iban"]

A tag that is no registered rule type is read as a Faker provider (``first_name``).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, model_validator

from syndata.plugins import Registry
from syndata.rules.base import ColumnGenerator
from syndata.types import JsonValue


@dataclass(frozen=True)
class RuleContext:
    """What a rule needs to know of its column to build the column's generator."""

    column: str
    column_type: str
    arrow_type: pa.DataType
    locale: str
    seed: int


class Rule(BaseModel):
    """Base of every rule type; see the module docstring.

    A subclass declares ``type: Literal["<tag>"] = "<tag>"`` and implements
    :meth:`generator`. A ``ValueError`` from ``generator`` is reported as a problem of the
    rule's config path (with its ``fix`` attribute, when it has one).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: str

    @model_validator(mode="after")
    def _type_is_set(self) -> Rule:
        self.model_fields_set.add("type")
        return self

    @classmethod
    def tag(cls) -> str:
        """The ``type:`` name of the rule type (the default of its ``type`` field)."""
        default = cls.model_fields["type"].default
        return default if isinstance(default, str) else cls.__name__

    def column_problems(self, column_type: str) -> list[str]:
        """Why the rule does not fit a column of ``column_type`` (empty when it fits)."""
        return []

    def decimal_scale(self) -> int | None:
        """The scale a ``decimal`` column with this rule is written with (None: default)."""
        return None

    @abstractmethod
    def generator(self, context: RuleContext) -> ColumnGenerator:
        """The generator of the column's values; ValueError when it cannot be built."""

    def dump(self) -> dict[str, JsonValue]:
        """The rule as plain data (JSON-compatible, defaults left out)."""
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)


def with_aliases(data: object, aliases: tuple[tuple[str, str], ...]) -> object:
    """``data`` with each ``(alias, name)`` key renamed to ``name``, unless ``name`` is given."""
    if isinstance(data, dict):
        for alias, name in aliases:
            if alias in data and name not in data:
                data = {k: v for k, v in data.items() if k != alias} | {name: data[alias]}
    return data


RULES: Registry[Rule] = Registry("rule_types", Rule)  # type: ignore[type-abstract]
"""The rule types by tag: built-ins, then the entry point group ``syndata.rule_types``."""
