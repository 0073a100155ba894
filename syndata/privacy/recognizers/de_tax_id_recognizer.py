"""German tax ids (Steuer-ID), only with context."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from syndata.privacy.recognizers.context_id import ContextIdRecognizer
from syndata.privacy.recognizers.text import words


class DeTaxIdRecognizer(ContextIdRecognizer):
    """German tax ids (Steuer-ID, 11 digits, ISO 7064): one in ten passes, so context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Steuer-ID", r"\b[1-9]\d ?\d{3} ?\d{3} ?\d{3}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = words(
        "steuer steuerid steuer-id idnr steueridentifikationsnummer "
        "identifikationsnummer tin tax national id identity"
    )

    ENTITY = "DE_TAX_ID"

    def check(self, digits: str) -> bool:
        """No digit more than three times in the first ten; the ISO 7064 check digit."""
        if len(digits) != 11 or max(digits[:10].count(d) for d in digits[:10]) > 3:
            return False
        product = 10
        for digit in digits[:10]:
            total = (int(digit) + product) % 10 or 10
            product = (total * 2) % 11
        return (11 - product) % 10 == int(digits[10])
