"""US DEA registration numbers, only with context."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern

from syndata.privacy.recognizers.context_id import ContextIdRecognizer
from syndata.privacy.recognizers.text import words


class DeaNumberRecognizer(ContextIdRecognizer):
    """US DEA registration numbers (two letters, seven digits, check digit), with context.

    One random code in ten passes the check, so case and tracking codes ("SR3436133")
    are no DEA numbers without a word such as "dea" or "medical".
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("DEA number", r"\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = words(
        "dea medical certificate license licence prescriber registration"
    )

    ENTITY = "MEDICAL_LICENSE"
    NAME = "MedicalLicenseRecognizer"
    FLAGS = regex.MULTILINE

    def check(self, digits: str) -> bool:
        """The DEA check digit: last digit of d1+d3+d5 + 2*(d2+d4+d6)."""
        numbers = [int(d) for d in digits[2:]]
        total = sum(numbers[0:6:2]) + 2 * sum(numbers[1:6:2])
        return len(numbers) == 7 and total % 10 == numbers[6]
