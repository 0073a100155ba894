"""French social security numbers (NIR)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from syndata.privacy.recognizers.declared_pattern import DeclaredPatternRecognizer
from syndata.privacy.recognizers.text import words


class FrNirRecognizer(DeclaredPatternRecognizer):
    """French social security numbers (NIR, 13 digits and a 2-digit key, mod 97)."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "NIR",
            r"\b[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?"
            r"\d{3} ?\d{2}\b",
            0.5,
        )
    ]
    CONTEXT: ClassVar[list[str]] = words(
        "nir insee sécurité securite sociale social security ssn national id"
    )

    ENTITY = "FR_NIR"

    def validate_result(self, pattern_text: str) -> bool | None:
        """The key is 97 minus the first 13 digits modulo 97 (Corsica: 2A as 19, 2B as 18)."""
        text = pattern_text.replace(" ", "").upper()
        body = text[:5] + text[5:7].replace("2A", "19").replace("2B", "18") + text[7:13]
        return None if 97 - int(body) % 97 == int(text[13:]) else False
