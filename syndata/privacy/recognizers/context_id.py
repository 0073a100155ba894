"""Identifier formats whose checksum many random numbers pass: found only with context."""

from __future__ import annotations

import regex

from syndata.privacy.recognizers.declared_pattern import DeclaredPatternRecognizer


class ContextIdRecognizer(DeclaredPatternRecognizer):
    """A number format whose checksum passes for many random numbers: only with context.

    ``check`` validates a match; a valid one keeps its pattern's low score, which the
    context words ("nhs", "bsn", "steuer-id") raise above the threshold.
    """

    def check(self, digits: str) -> bool:
        """True when ``digits`` (separators removed) pass the format's checksum."""
        raise NotImplementedError

    def validate_result(self, pattern_text: str) -> bool | None:
        """None (keep the pattern's score) when the checksum passes, else False."""
        digits = regex.sub(r"[\s./-]", "", pattern_text)
        return None if self.check(digits) else False
