"""Dutch citizen service numbers (BSN), only with context."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from syndata.privacy.recognizers.context_id import ContextIdRecognizer
from syndata.privacy.recognizers.text import words


class NlBsnRecognizer(ContextIdRecognizer):
    """Dutch citizen service numbers (BSN, 9 digits, "11-proof"): only with context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("BSN", r"\b\d{4}[. ]?\d{2}[. ]?\d{3}\b|\b\d{9}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = words(
        "bsn burgerservicenummer sofinummer sofi national id identity identification"
    )

    ENTITY = "NL_BSN"

    def check(self, digits: str) -> bool:
        """9 x d1 + 8 x d2 + ... + 2 x d8 - d9 is a multiple of 11."""
        if len(digits) != 9 or digits == "000000000":
            return False
        total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:8])) - int(digits[8])
        return total % 11 == 0
