"""Postal codes of several countries; digit formats only with context."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from syndata.privacy.recognizers.declared_pattern import DeclaredPatternRecognizer
from syndata.privacy.recognizers.text import words


class PostalCodeRecognizer(DeclaredPatternRecognizer):
    """Postal codes: UK and Canadian formats alone; digit formats need context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "UK postcode", r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) \d[ABD-HJLNP-UW-Z]{2}\b", 0.45
        ),
        Pattern(
            "UK postcode (no space)",
            r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\d[ABD-HJLNP-UW-Z]{2}"
            r"\b",
            0.15,
        ),
        Pattern(
            "Canadian postal code",
            r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] "
            r"\d[ABCEGHJ-NPRSTV-Z]\d\b",
            0.45,
        ),
        Pattern(
            "Canadian postal code (no space)",
            r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]"
            r"\d[ABCEGHJ-NPRSTV-Z]\d\b",
            0.3,
        ),
        Pattern("US ZIP+4", r"\b\d{5}-\d{4}\b", 0.3),
        Pattern("5 digits (US, DE, FR, ES, IT)", r"\b\d{5}\b", 0.05),
        Pattern("Dutch postcode", r"\b\d{4} ?[A-Z]{2}\b", 0.1),
        Pattern("Brazilian CEP", r"\b\d{5}-\d{3}\b", 0.15),
        Pattern("8 digits (BR CEP)", r"\b\d{8}\b", 0.01),
        Pattern("Polish postcode", r"\b\d{2}-\d{3}\b", 0.05),
        Pattern("4 digits (AT, CH, BE, DK, AU)", r"\b\d{4}\b", 0.01),
    ]
    CONTEXT: ClassVar[list[str]] = words(
        "zip postal postcode plz postleitzahl cep postnummer codigopostal pincode"
    )

    ENTITY = "POSTAL_CODE"
    FLAGS = regex.MULTILINE
