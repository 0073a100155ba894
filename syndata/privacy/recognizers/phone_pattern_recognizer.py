"""Phone-shaped numbers that ``phonenumbers`` rejects."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern, RecognizerResult

from syndata.privacy.recognizers.declared_pattern import DeclaredPatternRecognizer
from syndata.privacy.recognizers.phone_shape import extend, not_phone, phone_cue
from syndata.privacy.recognizers.refined_pattern import RefinedPatternRecognizer
from syndata.privacy.recognizers.wordlists.cues import PHONE_CONTEXT


class PhonePatternRecognizer(RefinedPatternRecognizer, DeclaredPatternRecognizer):
    """Phone-shaped numbers that ``phonenumbers`` rejects (unassigned area codes, 555).

    Written as phone numbers they count: an international prefix ("+1-558-772-7687",
    "001-804-904-7966"), or North American digit groups with one kind of separator or
    the area code in brackets ("(555) 123-4567", "555.123.4567"); other shapes need a
    phone word before them or context.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "North American, separated",
            r"(?<![\w.+-])(?:\+1[-. ]?|001[-. ]?|1[-. ])?"
            r"(?:\(\d{3}\)[-. ]?|\d{3}[-. ])\d{3}[-. ]\d{4}"
            r"(?:[ \t]?(?:x|ext\.?|#)[ \t]?\d{1,6})?(?![\w-]|\.\d)",
            0.3,
        ),
        Pattern(
            "International",
            r"(?<![\w.+])(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(0\))?"
            r"(?:[ .-]?\(?\d{1,5}\)?){2,6}(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,6})?(?![\w-]|\.\d)",
            0.3,
        ),
        Pattern(
            "Digit groups", r"(?<![\w.+/-])\(?\d{2,5}\)?(?:[ .-]\d{2,4}){1,4}(?![\w-]|[.,]\d)", 0.1
        ),
        Pattern("Digit run", r"(?<![\w.+/-])0\d{8,11}(?![\w-]|[.,]\d)", 0.1),
    ]
    CONTEXT: ClassVar[list[str]] = PHONE_CONTEXT
    WRITTEN_SCORE = 0.45
    _NANP = regex.compile(
        r"(?:\+1|001|1)?[-. ]?(?:\(\d{3}\)[-. ]?\d{3}[-. ]\d{4}|"
        r"\d{3}([-. ])\d{3}\1\d{4})"
    )

    ENTITY = "PHONE_NUMBER"
    FLAGS = regex.IGNORECASE

    def refine(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """The pattern matches, scored by how they are written and by a phone word before."""
        results = [r for r in results if not not_phone(text, r.start, r.end)]
        for result in results:
            raw = text[result.start : result.end].strip()
            number = regex.split(r"(?i)[ \t]*(?:x|ext\.?|#)[ \t]?\d+$", raw)[0]
            written = raw.startswith(("+", "00")) or bool(self._NANP.fullmatch(number))
            if written or phone_cue(text, result.start, result.end):
                result.score = max(result.score, self.WRITTEN_SCORE)
            result.end = extend(text, result.end)
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        """Between 8 and 15 digits, as the E.164 standard allows."""
        digits = sum(ch.isdigit() for ch in pattern_text.split("x")[0].split("X")[0])
        return None if 8 <= digits <= 15 else False
