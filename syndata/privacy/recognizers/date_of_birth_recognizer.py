"""Dates of birth: any date format, only with context."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from syndata.privacy.recognizers.declared_pattern import DeclaredPatternRecognizer
from syndata.privacy.recognizers.text import words

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)


class DateOfBirthRecognizer(DeclaredPatternRecognizer):
    """Dates that are dates of birth: any date format, scored only with context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "ISO date",
            r"\b(?:1[89]|20)\d{2}-[01]?\d-[0-3]?\d(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
            r"\b",
            0.05,
        ),
        Pattern("year first", r"\b(?:1[89]|20)\d{2}[/.][01]?\d[/.][0-3]?\d\b", 0.05),
        Pattern("day or month first", r"\b[0-3]?\d[/.-][0-3]?\d[/.-](?:\d{4}|\d{2})\b", 0.05),
        Pattern("compact", r"\b(?:1[89]|20)\d{2}[01]\d[0-3]\d\b", 0.05),
        Pattern("month name", rf"\b{_MONTH}\.? [0-3]?\d(?:st|nd|rd|th)?,? \d{{4}}\b", 0.05),
        Pattern(
            "day month name", rf"\b[0-3]?\d(?:st|nd|rd|th)?\.?[ -]{_MONTH}\.?[ -]\d{{2,4}}\b", 0.05
        ),
    ]
    CONTEXT: ClassVar[list[str]] = words(
        "birth dob born bday birthday geburt naissance nacimiento nascita nascimento urodzenia"
    )

    ENTITY = "DATE_OF_BIRTH"
    FLAGS = regex.MULTILINE | regex.IGNORECASE
