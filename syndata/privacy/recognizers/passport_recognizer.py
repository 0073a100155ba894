"""Passport numbers of European formats, only with context."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from syndata.privacy.recognizers.declared_pattern import DeclaredPatternRecognizer
from syndata.privacy.recognizers.text import words


class PassportRecognizer(DeclaredPatternRecognizer):
    """Passport numbers of European formats (letters and digits): only with context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("two letters, seven digits (IT, GB)", r"\b[A-Z]{2}\d{7}\b", 0.05),
        Pattern("letter, seven or eight digits (FR, DE, ES)", r"\b[A-Z]\d{7,8}\b", 0.05),
        Pattern(
            "letters and digits (DE, NL)",
            r"\b[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}"
            r"\b",
            0.01,
        ),
        Pattern("nine digits", r"\b\d{9}\b", 0.05),
    ]
    CONTEXT: ClassVar[list[str]] = words(
        "passport passports passeport pasaporte passaporto reisepass paspoort pass"
    )

    ENTITY = "PASSPORT"
    FLAGS = regex.MULTILINE
