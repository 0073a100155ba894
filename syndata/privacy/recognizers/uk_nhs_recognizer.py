"""UK NHS numbers, only with context."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from syndata.privacy.recognizers.context_id import ContextIdRecognizer


class UkNhsRecognizer(ContextIdRecognizer):
    """UK NHS numbers (mod-11 check), only with context.

    One ten-digit number in eleven passes the check, so a phone number ("089 574 5933")
    is no NHS number without a word such as "nhs" near it or in the column name.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("NHS number", r"\b\d{3}[- ]?\d{3}[- ]?\d{4}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = ["nhs", "health", "patient"]

    ENTITY = "UK_NHS"
    NAME = "NhsRecognizer"

    def check(self, digits: str) -> bool:
        """The mod-11 check digit of the first nine digits."""
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = 11 - total % 11
        return len(digits) == 10 and (check % 11) == int(digits[9])
