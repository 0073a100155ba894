"""Credit card numbers of 12 to 19 digits, Luhn checked."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from syndata.privacy.recognizers.nearby import continues, cue_before
from syndata.privacy.recognizers.refined_pattern import RefinedPatternRecognizer
from syndata.privacy.recognizers.text import span
from syndata.privacy.recognizers.wordlists.cues import CARD_CUES

_CARD_PATTERN = Pattern("Card number, 12-19 digits", r"\b[2-6]\d{3}(?:[ -]?\d){8,15}\b", 0.3)


class CardRecognizer(RefinedPatternRecognizer, CreditCardRecognizer):
    """Presidio's card recognizer (Luhn checked), widened to 12-19 digits.

    A card number is a whole run of digit groups: four groups inside a longer run (a
    22-digit parcel tracking number "9400 1234 5678 9012 3456 78") or after a "+" are no
    card; 15 digits are American Express or JCB only (not a French NIR); inside a text, a
    12- or 13-digit number (a tracking number as often as a Maestro card) needs a card
    word before it.
    """

    def __init__(self) -> None:
        super().__init__(patterns=[*CreditCardRecognizer.PATTERNS, _CARD_PATTERN])

    SHORT_SCORE = 0.3  # 12-13 digits inside a text: a card only with a card word before it

    def refine(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """The Luhn-checked matches that no further digit group continues."""
        kept = []
        for result in results:
            digits = regex.sub(r"\D", "", text[result.start : result.end])
            if (
                continues(text, result.start, result.end)
                or text[result.start - 1 : result.start] == "+"
            ):
                continue
            if len(digits) == 15 and not digits.startswith(("34", "37", "1800", "2131")):
                continue  # 15 digits: American Express or JCB only (a French NIR is not)
            whole = (result.start, result.end) == span(text)
            if len(digits) <= 13 and not whole and not cue_before(text, result.start, CARD_CUES):
                result.score = min(result.score, self.SHORT_SCORE)
            kept.append(result)
        return kept
