"""Recognizers declared as data (config): :class:`RecognizerSpec` and its reader."""

from __future__ import annotations

import re
from collections.abc import Mapping

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from syndata.errors import ConfigError, Problem
from syndata.privacy.recognizers.base import LANGUAGE
from syndata.validation import Issue, pydantic_problems

ENTITY_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")


class PatternSpec(BaseModel):
    """One regular expression of a recognizer and the score of a match (0-1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    regex: str = Field(min_length=1)
    score: float = Field(default=0.6, ge=0.0, le=1.0)
    name: str | None = None


class RecognizerSpec(BaseModel):
    """A recognizer declared as data: what it finds and how.

    ``patterns`` are regular expressions (Presidio's ``regex`` dialect, matched
    case-insensitively unless ``case_sensitive``); ``deny_list`` lists exact terms;
    ``context`` words raise a match's score when they appear near it or in the column
    name; ``operator`` is the masking operator suggested for the entity.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    entity: str
    patterns: tuple[PatternSpec, ...] = ()
    deny_list: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    languages: tuple[str, ...] = (LANGUAGE,)
    case_sensitive: bool = False
    operator: str = "hash"

    @model_validator(mode="after")
    def _check(self) -> RecognizerSpec:
        if not ENTITY_ID.match(self.entity):
            raise ValueError(
                f"recognizer '{self.name}': entity {self.entity!r} must be "
                "upper case letters, digits and '_', e.g. EMPLOYEE_ID"
            )
        if not self.patterns and not self.deny_list:
            raise ValueError(f"recognizer '{self.name}' needs 'patterns' or a 'deny_list'")
        for pattern in self.patterns:
            try:
                regex.compile(pattern.regex)
            except regex.error as exc:
                raise ValueError(
                    f"recognizer '{self.name}': regex '{pattern.regex}' is not "
                    f"a valid regular expression ({exc})"
                ) from None
        return self

    def to_recognizers(self) -> list[EntityRecognizer]:
        """Presidio recognizers for this spec, one per language."""
        flags = regex.DOTALL | regex.MULTILINE
        if not self.case_sensitive:
            flags |= regex.IGNORECASE
        patterns = [
            Pattern(p.name or f"{self.name}[{i}]", p.regex, p.score)
            for i, p in enumerate(self.patterns)
        ]
        return [
            PatternRecognizer(
                supported_entity=self.entity,
                name=self.name,
                supported_language=language,
                patterns=patterns,
                deny_list=list(self.deny_list),
                context=list(self.context),
                global_regex_flags=flags,
            )
            for language in self.languages
        ]


def recognizer_from_config(
    data: Mapping[str, object], *, path: str = "recognizers"
) -> RecognizerSpec:
    """Read a recognizer declared in config.

    Raises
    ------
    ConfigError
        Listing every problem, each with its path under ``path``, the recognizer's name
        and, for a bad regular expression, the expression itself.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(
            [
                Problem(
                    path,
                    f"a recognizer must be a mapping, not {type(data).__name__}",
                    "give name, entity and patterns or deny_list",
                )
            ]
        )
    try:
        return RecognizerSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(_problems(exc, data, path)) from None


def _problems(exc: ValidationError, data: Mapping[str, object], path: str) -> list[Problem]:
    label = f"recognizer '{data.get('name', '?')}': "

    def special(issue: Issue) -> Problem:
        if issue.kind == "extra_forbidden":
            return Problem(
                issue.path,
                f"{label}unknown field '{issue.key}'",
                "known fields: " + ", ".join(RecognizerSpec.model_fields),
            )
        if issue.kind == "missing":
            return Problem(issue.path, f"{label}'{issue.key}' is required")
        if "regex" in issue.message:
            fix = "escape special characters such as ( [ { + * ? with a backslash"
            return Problem(issue.path, issue.message, fix)
        if issue.message.startswith("recognizer"):
            return Problem(issue.path, issue.message)
        return Problem(issue.path, f"{label}{issue.message}")

    return pydantic_problems(exc, prefix=path, special=special)
