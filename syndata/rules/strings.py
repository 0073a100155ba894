"""The string rules: regex patterns, e-mail addresses and UUIDs (``str`` columns only)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import field_validator, model_validator

from syndata.rules.base import ColumnGenerator
from syndata.rules.spec import Rule, RuleContext, with_aliases
from syndata.rules.text import Email, Regex, Uuid


def check_regex_syntax(pattern: str) -> str:
    """``pattern`` when Python's ``re`` compiles it; ValueError naming the position if not."""
    try:
        re.compile(pattern)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise ValueError(f"invalid regex {pattern!r}: {exc.msg}{where}") from None
    return pattern


class StringRule(Rule):
    """Base of the rules that make strings: they fit only ``str`` columns."""

    def column_problems(self, column_type: str) -> list[str]:
        """Only ``str`` columns."""
        if column_type != "str":
            return [
                f"'{self.type}' makes strings but the column type is {column_type}; set type: str"
            ]
        return []


class RegexRule(StringRule):
    """Strings that fully match ``pattern`` (also accepted as ``regex``)."""

    type: Literal["regex"] = "regex"
    pattern: str

    @model_validator(mode="before")
    @classmethod
    def _pattern_alias(cls, data: Any) -> Any:
        return with_aliases(data, (("regex", "pattern"), ("value", "pattern")))

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        return check_regex_syntax(pattern)

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """Strings drawn from the pattern's language."""
        return Regex(self.pattern)


class EmailRule(StringRule):
    """Realistic e-mail addresses from the locale's names and free-mail domains.

    With ``regex``, every value is guaranteed to match it; ``domains`` replaces the
    locale's domains.
    """

    type: Literal["email"] = "email"
    regex: str | None = None
    domains: list[str] | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        return None if pattern is None else check_regex_syntax(pattern)

    @field_validator("domains")
    @classmethod
    def _not_empty(cls, domains: list[str] | None) -> list[str] | None:
        if domains is not None and not domains:
            raise ValueError("'domains' is empty; list at least one domain or drop it")
        return domains

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """Addresses in the column's locale."""
        return Email(context.locale, self.regex, self.domains)


class UuidRule(StringRule):
    """Random version-4 UUIDs as strings."""

    type: Literal["uuid"] = "uuid"

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """Version-4 UUIDs."""
        return Uuid()
