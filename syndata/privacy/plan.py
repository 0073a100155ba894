"""The privacy plan: what happens to each column of real data before a model learns it.

Users write it in YAML or JSON; the profile and the UI propose one from the PII findings
(``PrivacyPlan.default_for``). Each column gets an ``action``:

* ``mask`` — rewrite the values with an ``operator`` and its parameters (see below);
* ``regenerate`` — drop the real values; the synthetic output gets a Faker/rule value of the
  same kind (``entity``, or an explicit ``provider``). Recorded here, done by the pipeline;
* ``allow`` — learn the column as it is (an explicit, reviewed decision);
* ``drop`` — remove the column.

A plan for one table lists ``columns``; a plan for several lists them under ``tables``::

    columns:
      ssn: {action: mask, operator: partial, keep_last: 4}     # 123-45-6789 -> ***-**-6789
      email: {action: mask, operator: fake, entity: EMAIL_ADDRESS}
      customer_id: hash            # shorthand of {action: mask, operator: hash}
      notes: {operator: anonymize_text, replace_with: fake}    # action defaults to mask
      name: {action: regenerate, entity: PERSON}
      age: allow
      internal_code: drop

    tables:
      customers:
        columns:
          customer_id: {action: mask, operator: hash, length: 20}
      orders:
        columns:
          customer_id: {action: mask, operator: hash, length: 20}  # same secret: joins survive

Operators (parameters, defaults in brackets; ``syndata.privacy.masking`` applies them):

* ``redact``: ``token`` [``<REDACTED>``; null writes nulls] — every value becomes the token;
* ``replace``: ``value`` (required), ``pattern`` [none: the whole value] — the constant
  replaces the whole value, or each match of the regular expression ``pattern``;
* ``partial``: ``keep_first`` [0], ``keep_last`` [4], ``char`` [``*``], ``keep_chars``
  [`` -./()@+_:``] — characters outside the kept ends become ``char``, except those in
  ``keep_chars`` (separators stay in place). A value no longer than ``keep_first +
  keep_last`` is masked entirely, so a short value is never revealed;
* ``hash``: ``length`` [16] — keyed HMAC-SHA256 (secret ``SYNDATA_MASKING_SECRET``), hex;
* ``encrypt`` / ``decrypt`` — AES-SIV with ``SYNDATA_ENCRYPTION_KEY``, deterministic;
* ``fake``: ``provider`` [from ``entity``], ``locale`` [en_US] — a consistent fake value;
* ``generalize``: ``method`` [auto] with ``width`` / ``bins`` / ``length`` / ``edges`` —
  dates to ``month`` or ``year``, numbers to bins of a ``width`` or ``quantile`` bins,
  text to a ``prefix`` of ``length`` characters, numbers to ``bands`` between ``edges``;
* ``drop`` — remove the column (as the action ``drop``);
* ``anonymize_text``: ``replace_with`` [placeholder | fake], ``entities`` [all], ``locale``
  [en_US] — each entity found in free text becomes ``<ENTITY>`` or a consistent fake.

``load_plan`` raises ``ConfigError`` listing every problem at once, each with its path
(``tables.orders.columns.email.operator``) and a fix; ``plan.check(columns)`` adds the
columns a plan names but a table lacks.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from syndata.errors import ConfigError, Problem
from syndata.privacy.entities import is_direct
from syndata.validation import Issue, pydantic_problems

ACTIONS: tuple[str, ...] = ("mask", "regenerate", "allow", "drop")
Action = Literal["mask", "regenerate", "allow", "drop"]
DEFAULT_LOCALE = "en_US"
AGE_BANDS: tuple[float, ...] = (0, 18, 25, 35, 45, 55, 65, 75)

# PII entity (Presidio names and metadata kinds, upper-cased) -> Faker provider
ENTITY_PROVIDERS: dict[str, str] = {
    "PERSON": "name",
    "NAME": "name",
    "FIRST_NAME": "first_name",
    "LAST_NAME": "last_name",
    "EMAIL_ADDRESS": "email",
    "EMAIL": "email",
    "PHONE_NUMBER": "phone_number",
    "PHONE": "phone_number",
    "LOCATION": "city",
    "CITY": "city",
    "ADDRESS": "address",
    "STREET_ADDRESS": "street_address",
    "US_ZIP_CODE": "postcode",
    "ZIP_CODE": "postcode",
    "POSTAL_CODE": "postcode",
    "US_SSN": "ssn",
    "SSN": "ssn",
    "CREDIT_CARD": "credit_card_number",
    "IBAN_CODE": "iban",
    "IBAN": "iban",
    "US_BANK_NUMBER": "bban",
    "IP_ADDRESS": "ipv4",
    "IPV4": "ipv4",
    "IPV6": "ipv6",
    "MAC_ADDRESS": "mac_address",
    "URL": "url",
    "ORGANIZATION": "company",
    "COMPANY": "company",
    "US_PASSPORT": "passport_number",
    "UUID": "uuid4",
    "USERNAME": "user_name",
    "DATE_TIME": "date",
    "DATE": "date",
    "DATE_OF_BIRTH": "date_of_birth",
    "US_ITIN": "itin",
}
# names people write -> Faker provider
PROVIDER_ALIASES: dict[str, str] = {
    "credit_card": "credit_card_number",
    "postal_code": "postcode",
    "zip": "postcode",
    "zip_code": "postcode",
    "zipcode": "postcode",
    "phone": "phone_number",
    "ip": "ipv4",
    "ip_address": "ipv4",
    "uuid": "uuid4",
    "full_name": "name",
    "username": "user_name",
}
_DATE_ENTITIES = frozenset({"DATE_TIME", "DATE", "DATE_OF_BIRTH", "BIRTH_DATE", "DOB"})
_POSTAL_ENTITIES = frozenset({"US_ZIP_CODE", "ZIP_CODE", "POSTAL_CODE", "ZIP"})
_AGE_ENTITIES = frozenset({"AGE"})


def resolve_provider(name: str) -> str:
    """The Faker provider called ``name`` (after aliases such as ``credit_card``)."""
    key = name.strip().lower()
    return PROVIDER_ALIASES.get(key, key)


def provider_for(entity: str | None, provider: str | None = None) -> str | None:
    """The Faker provider of an explicit ``provider``, else of ``entity``, else None."""
    if provider:
        return resolve_provider(provider)
    return ENTITY_PROVIDERS.get(entity.strip().upper()) if entity else None


# --------------------------------------------------------------------------- parameters


class Params(BaseModel):
    """Parameters of an operator (or of a non-mask action); base class."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def problems(self) -> list[tuple[str, str, str]]:
        """Checks across parameters: ``(parameter, message, fix)`` triples."""
        return []


class NoParams(Params):
    """An operator or action without parameters."""


class RedactParams(Params):
    """``redact``: every non-null value becomes ``token``."""

    token: str | None = Field(
        "<REDACTED>", description="the text written instead of each value (null writes nulls)"
    )


class ReplaceParams(Params):
    """``replace``: a constant replaces the value, or each match of ``pattern`` in it."""

    value: str | int | float | bool = Field(description="the constant written instead")
    pattern: str | None = Field(
        None, description="a regular expression (Python syntax); only its matches are replaced"
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise PydanticCustomError(
                    "bad_regex",
                    "invalid regular expression '{pattern}': {error}",
                    {"pattern": pattern, "error": str(exc)},
                ) from None
        return pattern


class PartialParams(Params):
    """``partial``: keep the first/last characters, mask the rest with ``char``."""

    keep_first: int = Field(0, ge=0, description="characters kept at the start (>= 0)")
    keep_last: int = Field(4, ge=0, description="characters kept at the end (>= 0)")
    char: str = Field("*", min_length=1, max_length=1, description="the one masking character")
    keep_chars: str = Field(" -./()@+_:", description="separators left in place in the masked part")


class HashParams(Params):
    """``hash``: keyed HMAC-SHA256 of the value, as ``length`` hex digits."""

    length: int = Field(16, ge=8, le=64, description="hex digits kept, 8 to 64")


class FakeParams(Params):
    """``fake``: a consistent fake value of a Faker ``provider`` (or of the entity's)."""

    locale: str = Field(DEFAULT_LOCALE, description="a Faker locale such as en_US or de_DE")
    provider: str | None = Field(
        None,
        description="a Faker provider such as name, email, "
        "phone_number, address, ssn, credit_card, iban, ipv4, company",
    )

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, locale: str) -> str:
        return _check_locale(locale)

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, provider: str | None, info: ValidationInfo) -> str | None:
        if provider is None:
            return None
        return _check_provider(provider, str(info.data.get("locale", DEFAULT_LOCALE)))


class RegenerateParams(FakeParams):
    """``regenerate`` (an action): optionally the Faker ``provider`` of the new values."""


class GeneralizeParams(Params):
    """``generalize``: coarser values (month/year, bins, prefix, bands)."""

    METHOD_NEEDS: ClassVar[dict[str, str]] = {
        "width": "width",
        "quantile": "bins",
        "prefix": "length",
        "bands": "edges",
    }

    method: Literal["auto", "month", "year", "width", "quantile", "prefix", "bands"] = Field(
        "auto",
        description="auto (dates: month, numbers: 10 quantile bins, text: prefix of 3), "
        "month, year, width, quantile, prefix or bands",
    )
    width: float | None = Field(None, gt=0, description="bin width for method width (> 0)")
    bins: int | None = Field(None, ge=2, le=1000, description="number of quantile bins (>= 2)")
    length: int | None = Field(None, ge=1, description="characters kept by method prefix")
    edges: list[float] | None = Field(
        None, description="increasing band edges for method bands, e.g. [0, 18, 30, 45, 65]"
    )

    @field_validator("edges")
    @classmethod
    def _increasing(cls, edges: list[float] | None) -> list[float] | None:
        if edges is not None and (
            len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges))
        ):
            raise PydanticCustomError(
                "bad_edges", "edges must be at least two strictly increasing numbers"
            )
        return edges

    def problems(self) -> list[tuple[str, str, str]]:
        """The parameter the chosen method needs, when it is missing."""
        needed = self.METHOD_NEEDS.get(self.method)
        if needed is not None and getattr(self, needed) is None:
            field = GeneralizeParams.model_fields[needed]
            return [
                (
                    needed,
                    f"method '{self.method}' needs '{needed}'",
                    f"add {needed}: {field.description}",
                )
            ]
        return []


class AnonymizeTextParams(Params):
    """``anonymize_text``: entities found in free text become placeholders or fakes."""

    replace_with: Literal["placeholder", "fake"] = Field(
        "placeholder", description="placeholder (<PERSON>) or fake (a consistent fake value)"
    )
    entities: list[str] | None = Field(
        None, description="only these entity types (default: all found)"
    )
    locale: str = Field(DEFAULT_LOCALE, description="the Faker locale of fake values")

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, locale: str) -> str:
        return _check_locale(locale)


OPERATOR_PARAMS: dict[str, type[Params]] = {
    "redact": RedactParams,
    "replace": ReplaceParams,
    "partial": PartialParams,
    "hash": HashParams,
    "encrypt": NoParams,
    "decrypt": NoParams,
    "fake": FakeParams,
    "generalize": GeneralizeParams,
    "drop": NoParams,
    "anonymize_text": AnonymizeTextParams,
}
OPERATORS: tuple[str, ...] = tuple(OPERATOR_PARAMS)
_ACTION_PARAMS: dict[str, type[Params]] = {
    "regenerate": RegenerateParams,
    "allow": NoParams,
    "drop": NoParams,
}


def _check_locale(locale: str) -> str:
    from syndata.rules.providers import faker_for

    try:
        faker_for(locale)
    except ValueError:
        raise PydanticCustomError(
            "bad_locale", "unknown Faker locale '{locale}'", {"locale": locale}
        ) from None
    return locale


def _check_provider(provider: str, locale: str) -> str:
    from syndata.rules.providers import has_provider

    name = resolve_provider(provider)
    try:
        known = has_provider(locale, name)
    except ValueError:  # an unknown locale: reported on 'locale'
        return name
    if not known:
        raise PydanticCustomError(
            "bad_provider",
            "unknown Faker provider '{provider}' for locale {locale}",
            {"provider": provider, "locale": locale},
        )
    return name


# --------------------------------------------------------------------------- decisions

_FIELDS = ("action", "operator", "entity", "note", "params")


class ColumnPlan(BaseModel):
    """The decision for one column: an action, and for ``mask`` an operator with params."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    operator: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    entity: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        normal = _normalise(data)
        return data if normal is None else normal

    @model_validator(mode="after")
    def _check(self) -> ColumnPlan:
        problems = _decision_problems(self.action, self.operator, self.params, self.entity, "")
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        return self

    @property
    def drops(self) -> bool:
        """True when the column is removed (action ``drop`` or operator ``drop``)."""
        return self.action == "drop" or (self.action == "mask" and self.operator == "drop")

    def options(self) -> Params:
        """The parameters, validated and with their defaults."""
        model = (
            OPERATOR_PARAMS[self.operator]
            if self.action == "mask" and self.operator
            else _ACTION_PARAMS.get(self.action, NoParams)
        )
        return model.model_validate(self.params)

    def to_dict(self) -> dict[str, Any]:
        """Plain data as a plan file holds it (parameters beside ``operator``)."""
        out: dict[str, Any] = {"action": self.action}
        if self.operator is not None:
            out["operator"] = self.operator
        out.update(self.params)
        out.update({k: v for k, v in (("entity", self.entity), ("note", self.note)) if v})
        return out


class TablePlan(BaseModel):
    """The decisions of one table of a multi-table plan."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, ColumnPlan] = Field(default_factory=dict)


class PrivacyPlan(BaseModel):
    """Per column (and per table, for several tables) what to do with real values."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, ColumnPlan] = Field(default_factory=dict)
    tables: dict[str, TablePlan] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_shape(self) -> PrivacyPlan:
        if self.columns and self.tables:
            raise ValueError("a plan has either 'columns' (one table) or 'tables', not both")
        return self

    def decisions(self, table: str | None = None) -> dict[str, ColumnPlan]:
        """The decisions of ``table`` by column (a one-table plan applies to any table).

        A plan with several tables needs ``table``; one not in the plan has no decisions.
        """
        if not self.tables:
            return dict(self.columns)
        if table is None:
            if len(self.tables) == 1:
                return dict(next(iter(self.tables.values())).columns)
            raise ConfigError(
                [
                    Problem(
                        "tables",
                        "this plan covers several tables "
                        f"({', '.join(self.tables)}) and no table was named",
                        "pass the table's name (table=...)",
                    )
                ]
            )
        found = self.tables.get(table)
        return dict(found.columns) if found is not None else {}

    def decision(self, column: str, table: str | None = None) -> ColumnPlan | None:
        """The decision for ``column`` (of ``table``), or None when the plan has none."""
        return self.decisions(table).get(column)

    def check(
        self, columns: Iterable[Any] | Mapping[str, Iterable[Any]], table: str | None = None
    ) -> None:
        """Raise ConfigError when the plan names columns (or tables) the data lacks.

        ``columns`` is one table's column names (or a DataFrame), with ``table`` naming it
        in a multi-table plan, or a mapping of every table name to its column names.
        """
        problems = data_problems(self, columns, table)
        if problems:
            raise ConfigError(problems)

    def to_dict(self) -> dict[str, Any]:
        """Plain data as a plan file holds it."""
        if self.tables:
            return {
                "tables": {t: {"columns": _columns_dict(p.columns)} for t, p in self.tables.items()}
            }
        return {"columns": _columns_dict(self.columns)}

    @classmethod
    def default_for(cls, findings: Iterable[Any], table: str | None = None) -> PrivacyPlan:
        """The plan proposed from PII findings, for users to review.

        Each finding has ``.column``, ``.entity`` and ``.suggested_operator`` (or
        ``.operator``, as ``syndata.privacy.detect.PiiFinding``), and may have ``.table``.
        The suggested operator becomes the column's decision with default parameters; a
        column with several findings gets ``anonymize_text`` when one suggests it (free
        text), else the first finding's suggestion. A suggestion that cannot apply
        (``fake`` of an entity with no Faker provider, unknown names) becomes ``redact``,
        with a note saying why.
        """
        grouped: dict[str | None, dict[str, list[Any]]] = {}
        for finding in findings:
            name = getattr(finding, "table", None) or table
            grouped.setdefault(name, {}).setdefault(str(finding.column), []).append(finding)
        proposals = {
            name: {col: _proposal(found) for col, found in cols.items()}
            for name, cols in grouped.items()
        }
        if not proposals:
            return cls(tables={table: TablePlan()}) if table else cls()
        if set(proposals) == {None}:
            return cls(columns=proposals[None])
        if None in proposals:
            raise ValueError("some findings name a table and some do not; pass table=...")
        return cls(tables={str(t): TablePlan(columns=c) for t, c in proposals.items()})


def _columns_dict(columns: Mapping[str, ColumnPlan]) -> dict[str, Any]:
    return {name: plan.to_dict() for name, plan in columns.items()}


def _proposal(findings: list[Any]) -> ColumnPlan:
    """The decision proposed for one column from its findings."""
    suggestions = [
        str(getattr(f, "suggested_operator", None) or getattr(f, "operator", None) or "")
        .strip()
        .lower()
        for f in findings
    ]
    entities = list(dict.fromkeys(str(f.entity) for f in findings if f.entity))
    if "anonymize_text" in suggestions:
        return ColumnPlan(
            action="mask",
            operator="anonymize_text",
            entity=entities[0] if len(entities) == 1 else None,
            note=f"proposed from detection: {', '.join(entities)} in free text",
        )
    suggested, entity = suggestions[0], (entities[0] if entities else None)
    if entities and not any(is_direct(e) for e in entities):
        return ColumnPlan(
            action="allow",
            entity=entity,
            note=(
                f"quasi-identifier ({', '.join(entities)}): learned as data, frequent values "
                "only; the privacy report measures its risk; to coarsen it, mask it with "
                "operator generalize"
            ),
        )
    note = f"proposed from detection: {entity or 'PII'}"
    if suggested in ("allow", "regenerate", "drop"):
        return ColumnPlan(action=suggested, entity=entity, note=note)  # type: ignore[arg-type]
    params = _default_params(suggested, entity)
    if params is None:
        why = (
            f"no fake provider for entity {entity}"
            if suggested == "fake"
            else f"suggested operator '{suggested}' needs parameters or is unknown"
        )
        return ColumnPlan(
            action="mask",
            operator="redact",
            entity=entity,
            note=f"{note}; redacted: {why} — choose another operator",
        )
    return ColumnPlan(action="mask", operator=suggested, params=params, entity=entity, note=note)


def _default_params(operator: str, entity: str | None) -> dict[str, Any] | None:
    """Default parameters of a suggested operator, or None when it cannot apply."""
    kind = (entity or "").strip().upper()
    if operator == "fake":
        return {} if provider_for(entity) else None
    if operator == "generalize":
        if kind in _DATE_ENTITIES:
            return {"method": "month"}
        if kind in _POSTAL_ENTITIES:
            return {"method": "prefix", "length": 3}
        if kind in _AGE_ENTITIES:
            return {"method": "bands", "edges": list(AGE_BANDS)}
        return {"method": "auto"}
    if operator in OPERATOR_PARAMS and operator != "replace":
        return {}
    return None


# --------------------------------------------------------------------------- validation


def _normalise(entry: Any) -> dict[str, Any] | None:
    """A column entry as ``{action, operator, params, entity, note}``, or None if unreadable.

    A string is a shorthand: an action (``allow``, ``drop``, ``regenerate``) or an operator
    (``hash``: mask with it). In a mapping, keys other than the fields are parameters, and
    the action defaults to ``mask`` when an operator is given.
    """
    if isinstance(entry, ColumnPlan):
        return entry.model_dump()
    if isinstance(entry, str):
        word = entry.strip().lower()
        if word in ACTIONS and word != "mask":
            return {"action": word, "params": {}}
        if word in OPERATOR_PARAMS:
            return {"action": "mask", "operator": word, "params": {}}
        return None
    if not isinstance(entry, Mapping):
        return None
    out: dict[str, Any] = {
        k: entry[k] for k in ("action", "operator", "entity", "note") if k in entry
    }
    params = dict(entry.get("params") or {}) if isinstance(entry.get("params"), Mapping) else {}
    params.update({str(k): v for k, v in entry.items() if k not in _FIELDS})
    out["params"] = params
    if "action" not in out and out.get("operator") is not None:
        out["action"] = "mask"
    return out


def _entry_problems(entry: Any, path: str) -> list[Problem]:
    """Every problem of one column entry of a plan file."""
    normal = _normalise(entry)
    if normal is None:
        if isinstance(entry, str):
            return [
                Problem(
                    path,
                    f"unknown action or operator {entry!r}",
                    _did_you_mean(entry, [*ACTIONS[1:], *OPERATORS]),
                )
            ]
        return [
            Problem(
                path,
                f"expected a decision, got {_kind(entry)}",
                "write e.g. {action: mask, operator: hash}, or allow / drop / regenerate",
            )
        ]
    problems: list[Problem] = []
    if (
        isinstance(entry, Mapping)
        and "params" in entry
        and not isinstance(entry["params"], Mapping)
    ):
        problems.append(
            Problem(
                f"{path}.params",
                "'params' must be a mapping",
                "write the parameters beside 'operator'",
            )
        )
    for key in ("entity", "note"):
        if normal.get(key) is not None and not isinstance(normal[key], str):
            problems.append(Problem(f"{path}.{key}", f"'{key}' must be text", f"quote the {key}"))
    action = normal.get("action")
    if action is None:
        return [
            *problems,
            Problem(
                f"{path}.action", "'action' is required", f"add action: one of {', '.join(ACTIONS)}"
            ),
        ]
    if action not in ACTIONS:
        return [
            *problems,
            Problem(
                f"{path}.action",
                f"unknown action {action!r}",
                _did_you_mean(str(action), list(ACTIONS)),
            ),
        ]
    entity = normal.get("entity") if isinstance(normal.get("entity"), str) else None
    return problems + _decision_problems(
        action, normal.get("operator"), normal["params"], entity, path
    )


def _decision_problems(
    action: str, operator: Any, params: Mapping[str, Any], entity: str | None, path: str
) -> list[Problem]:
    """Problems of an action with its operator and parameters."""
    at = f"{path}." if path else ""
    if action != "mask":
        if operator is not None:
            return [
                Problem(
                    f"{at}operator",
                    f"action '{action}' takes no operator",
                    "remove 'operator', or set action: mask",
                )
            ]
        return _param_problems(_ACTION_PARAMS[action], params, at, f"action '{action}'")
    if operator is None:
        return [
            Problem(
                f"{at}operator",
                "action 'mask' needs an operator",
                f"add operator: one of {', '.join(OPERATORS)}",
            )
        ]
    if not isinstance(operator, str) or operator not in OPERATOR_PARAMS:
        return [
            Problem(
                f"{at}operator",
                f"unknown operator {operator!r}",
                _did_you_mean(str(operator), list(OPERATORS)),
            )
        ]
    problems = _param_problems(OPERATOR_PARAMS[operator], params, at, f"operator '{operator}'")
    if (
        operator == "fake"
        and not problems
        and not params.get("provider")
        and provider_for(entity) is None
    ):
        what = f"entity {entity!r} has no Faker provider" if entity else "no entity is set"
        problems.append(
            Problem(
                f"{at}provider",
                f"operator 'fake' needs a provider: {what}",
                f"add provider: {FakeParams.model_fields['provider'].description}",
            )
        )
    return problems


def _param_problems(
    model: type[Params], params: Mapping[str, Any], at: str, owner: str
) -> list[Problem]:
    """Problems of the parameters of an operator (or action), each at its own path."""
    try:
        validated = model.model_validate(dict(params))
    except ValidationError as exc:
        return pydantic_problems(exc, special=lambda issue: _param_problem(issue, model, at, owner))
    return [Problem(f"{at}{name}", msg, fix) for name, msg, fix in validated.problems()]


def _param_problem(issue: Issue, model: type[Params], at: str, owner: str) -> Problem:
    name = issue.field
    known = list(model.model_fields)
    field = model.model_fields.get(name)
    describe = f"{name}: {field.description}" if field is not None and field.description else ""
    if issue.kind == "extra_forbidden":
        fix = _did_you_mean(name, known) if known else "remove it"
        return Problem(
            f"{at}{name}",
            f"unknown parameter '{name}' of {owner}",
            fix if known else f"remove it: {owner} takes no parameters",
        )
    if issue.kind == "missing":
        return Problem(f"{at}{name}", f"{owner} needs '{name}'", f"add {describe}")
    message = issue.message
    if not issue.kind.startswith("bad_"):  # syndata's own messages name the value
        message = f"'{name}' of {owner}: {message} (got {issue.value!r})"
    return Problem(f"{at}{name}", message, describe or f"check the parameters of {owner}")


def _did_you_mean(name: str, options: list[str]) -> str:
    guess = difflib.get_close_matches(name, options, n=1)
    if guess:
        return f"did you mean '{guess[0]}'?"
    return f"use one of: {', '.join(options)}"


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


def plan_problems(data: Any) -> list[Problem]:
    """Every problem of plain plan data (as read from YAML/JSON), in one pass."""
    if not isinstance(data, Mapping):
        return [
            Problem(
                "",
                f"the plan is {_kind(data)}, not a mapping",
                "start the file with 'columns:' (one table) or 'tables:'",
            )
        ]
    problems = [
        Problem(str(k), f"unknown field '{k}'", _did_you_mean(str(k), ["columns", "tables"]))
        for k in data
        if k not in ("columns", "tables")
    ]
    if data.get("columns") and data.get("tables"):
        problems.append(
            Problem(
                "columns",
                "a plan has either 'columns' (one table) or 'tables', not both",
                "move these columns under their table in 'tables'",
            )
        )
    problems += _columns_problems(data.get("columns"), "columns")
    tables = data.get("tables")
    if tables is not None and not isinstance(tables, Mapping):
        problems.append(
            Problem(
                "tables",
                f"'tables' must map table names to their columns, got {_kind(tables)}",
                "write tables: {customers: {columns: {...}}}",
            )
        )
    for name, table in (tables or {}).items() if isinstance(tables, Mapping) else ():
        tpath = f"tables.{name}"
        if not isinstance(table, Mapping):
            problems.append(
                Problem(
                    tpath,
                    f"expected the table's columns, got {_kind(table)}",
                    "write columns: {...} under the table",
                )
            )
            continue
        problems += [
            Problem(f"{tpath}.{k}", f"unknown field '{k}'", "did you mean 'columns'?")
            for k in table
            if k != "columns"
        ]
        problems += _columns_problems(table.get("columns"), f"{tpath}.columns")
    return problems


def _columns_problems(columns: Any, path: str) -> list[Problem]:
    if columns is None:
        return []
    if not isinstance(columns, Mapping):
        return [
            Problem(
                path,
                f"'columns' must map column names to decisions, got {_kind(columns)}",
                "write columns: {email: hash, age: allow}",
            )
        ]
    problems: list[Problem] = []
    for name, entry in columns.items():
        problems += _entry_problems(entry, f"{path}.{name}")
    return problems


def data_problems(
    plan: PrivacyPlan,
    columns: Iterable[Any] | Mapping[str, Iterable[Any]],
    table: str | None = None,
) -> list[Problem]:
    """Columns (and tables) that the plan names but the data lacks."""
    if plan.tables:
        named: dict[str | None, list[str]] = {t: list(p.columns) for t, p in plan.tables.items()}
    else:
        named = {None: list(plan.columns)}
    return _name_problems(named, columns, table)


def _raw_names(data: Mapping[str, Any]) -> dict[str | None, list[str]]:
    """The table and column names of plan data, valid or not (for one-pass checks)."""

    def names(columns: Any) -> list[str]:
        return [str(c) for c in columns] if isinstance(columns, Mapping) else []

    tables = data.get("tables")
    if isinstance(tables, Mapping) and tables:
        return {
            str(t): names(v.get("columns")) if isinstance(v, Mapping) else []
            for t, v in tables.items()
        }
    return {None: names(data.get("columns"))}


def _name_problems(
    named: Mapping[str | None, list[str]],
    columns: Iterable[Any] | Mapping[str, Iterable[Any]],
    table: str | None,
) -> list[Problem]:
    """Problems of plan names (``None``: a one-table plan) against the data's names."""
    if isinstance(columns, Mapping):
        known = {str(t): [str(c) for c in cols] for t, cols in columns.items()}
        if None in named:
            if len(known) == 1:
                return _missing(named[None], next(iter(known.values())), "columns", "the table")
            return (
                [
                    Problem(
                        "columns",
                        f"a one-table plan cannot cover {len(known)} tables",
                        "list the decisions of each table under 'tables'",
                    )
                ]
                if known
                else []
            )
        problems: list[Problem] = []
        for name, plan_columns in named.items():
            if name not in known:
                problems.append(
                    Problem(
                        f"tables.{name}",
                        f"no table '{name}' in the data",
                        _did_you_mean(str(name), list(known)),
                    )
                )
            else:
                problems += _missing(
                    plan_columns, known[name], f"tables.{name}.columns", f"table '{name}'"
                )
        return problems
    names = [str(c) for c in columns]
    if None in named:
        return _missing(named[None], names, "columns", "the table")
    if table is None and len(named) != 1:
        return [
            Problem(
                "tables", "this plan covers several tables; name the one checked", "pass table=..."
            )
        ]
    name = table if table is not None else next(iter(named))
    return _missing(named.get(name, []), names, f"tables.{name}.columns", f"table '{name}'")


def _missing(plan_columns: Iterable[str], names: list[str], path: str, where: str) -> list[Problem]:
    return [
        Problem(f"{path}.{col}", f"{where} has no column '{col}'", _did_you_mean(col, names))
        for col in plan_columns
        if col not in names
    ]


# --------------------------------------------------------------------------- files


def load_plan(
    source: str | Path | Mapping[str, Any],
    *,
    columns: Iterable[Any] | Mapping[str, Iterable[Any]] | None = None,
    table: str | None = None,
) -> PrivacyPlan:
    """Read a plan from a YAML/JSON file (or plain data) and validate it.

    With ``columns`` (as ``PrivacyPlan.check`` takes them), columns the data lacks are
    reported too. Raise ConfigError listing every problem, each with its path and fix.
    """
    if isinstance(source, Mapping):
        data: Any = source
        where: str | None = None
    else:
        from syndata.config import read_config_data

        data, where = read_config_data(source), str(source)
    problems = plan_problems(data)
    if columns is not None and isinstance(data, Mapping):
        problems += _name_problems(_raw_names(data), columns, table)
    if problems:
        raise ConfigError(problems, where)
    return PrivacyPlan.model_validate(_named(data))


def _named(data: Mapping[str, Any]) -> dict[str, Any]:
    """Valid plan data with every table and column name as text (YAML may read numbers)."""
    out: dict[str, Any] = {}
    if data.get("columns"):
        out["columns"] = {str(n): e for n, e in data["columns"].items()}
    if data.get("tables"):
        out["tables"] = {
            str(t): {"columns": {str(n): e for n, e in (table.get("columns") or {}).items()}}
            for t, table in data["tables"].items()
        }
    return out


def dump_plan(
    plan: PrivacyPlan, path: str | Path | None = None, *, fmt: Literal["yaml", "json"] | None = None
) -> str:
    """The plan as YAML (or JSON: ``fmt="json"`` or a ``.json`` path); written to ``path``."""
    if fmt is None:
        fmt = "json" if path is not None and Path(path).suffix.lower() == ".json" else "yaml"
    data = plan.to_dict()
    text = (
        json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if fmt == "json"
        else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
