"""What every masking operator is: its parameters, what it needs, and how it masks a column.

An operator is a class registered by name (``syndata.privacy.operators.OPERATORS``);
a privacy plan's ``mask`` decision names it and gives its parameters, which the class's
``params_model`` validates. ``mask`` rewrites a pandas Series (nulls stay null) and never
modifies its input; ``apply`` also says how many values were masked, for the report.

A third-party operator subclasses ``Operator`` and registers in the entry point group
``syndata.operators``::

    class Shout(Operator):
        def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
            return values.str.upper()
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from syndata.errors import ConfigError, Problem
from syndata.privacy.operators.values import changed

T = TypeVar("T")
FindEntities = Callable[[Sequence[str]], Sequence[Sequence[Any]]]


class Params(BaseModel):
    """Parameters of an operator (or of a non-mask action); base class."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def problems(self) -> list[tuple[str, str, str]]:
        """Checks across parameters: ``(parameter, message, fix)`` triples."""
        return []


class NoParams(Params):
    """An operator or action without parameters."""


@dataclass(frozen=True)
class ColumnReport:
    """What masking did to one column: its operator, and how many values it masked.

    ``masked`` counts the non-null values rewritten (or removed, for ``drop``); for
    ``partial`` and ``replace`` with a pattern, those that changed; for ``anonymize_text``,
    the texts with an entity, and ``entities`` the spans replaced per entity type.
    """

    operator: str
    masked: int
    entities: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (no values of the column)."""
        out: dict[str, Any] = {"operator": self.operator, "masked": self.masked}
        if self.entities:
            out["entities"] = dict(self.entities)
        return out


@dataclass(frozen=True)
class MaskContext:
    """What the operators of one ``mask_frame`` call share: secrets and the entity finder.

    Each is resolved only when an operator of the plan needs it (``needs_secret``,
    ``needs_key``, ``needs_entity_finder``); ``secret``/``key``/``finder`` return it.
    """

    masking_secret: bytes | None = None
    encryption_key: bytes | None = None
    find_entities: FindEntities | None = None

    def secret(self) -> bytes:
        """The masking secret (HMAC key of ``hash`` and ``fake``)."""
        return _required(self.masking_secret, "secret")

    def key(self) -> bytes:
        """The AES-SIV key of ``encrypt`` and ``decrypt``."""
        return _required(self.encryption_key, "key")

    def finder(self) -> FindEntities:
        """The function that finds entity spans in free text."""
        return _required(self.find_entities, "find_entities")


def _required(value: T | None, name: str) -> T:
    if value is None:
        raise ConfigError(
            [Problem(name, f"no {name} was resolved for this operator", "declare it in needs_*")]
        )
    return value


class Operator(ABC):
    """A masking operator with its validated parameters (``options``) and the column's entity.

    Subclasses set ``params_model`` (a ``Params`` class; ``NoParams`` by default), say what
    they need from the ``MaskContext`` (``needs_secret`` ...), and implement ``mask``.
    """

    params_model: ClassVar[type[Params]] = NoParams
    removes_column: ClassVar[bool] = False  # the column is dropped, not rewritten

    def __init__(self, options: Params, entity: str | None = None) -> None:
        self.options = options
        self.entity = entity

    @classmethod
    def from_params(cls, params: dict[str, Any], entity: str | None = None) -> Operator:
        """The operator with ``params`` validated by ``params_model`` (pydantic errors)."""
        return cls(cls.params_model.model_validate(params), entity)

    @classmethod
    def entity_problems(cls, options: Params, entity: str | None) -> list[tuple[str, str, str]]:
        """Problems of the parameters with the column's entity: ``(param, message, fix)``."""
        return []

    @classmethod
    def default_params(cls, entity: str | None) -> dict[str, Any] | None:
        """The parameters proposed for a column of ``entity``; None when it cannot apply."""
        try:
            cls.params_model.model_validate({})
        except ValidationError:
            return None
        return {}

    def counts_changed(self) -> bool:
        """True when the report counts the values that changed, not all present ones."""
        return False

    def needs_secret(self) -> bool:
        """True when ``mask`` uses the masking secret."""
        return False

    def needs_key(self) -> bool:
        """True when ``mask`` uses the encryption key."""
        return False

    def needs_entity_finder(self) -> bool:
        """True when ``mask`` finds entities in free text."""
        return False

    @abstractmethod
    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The masked values (a new Series like ``values``; nulls stay null)."""

    def apply(self, values: pd.Series, name: str, context: MaskContext) -> MaskedColumn:
        """The masked values and the report of the operator registered as ``name``."""
        masked = self.mask(values, context)
        count = changed(values, masked) if self.counts_changed() else int(values.notna().sum())
        return MaskedColumn(masked, ColumnReport(name, count))


@dataclass(frozen=True)
class MaskedColumn:
    """A column after its operator, and what the operator did."""

    values: pd.Series
    report: ColumnReport
