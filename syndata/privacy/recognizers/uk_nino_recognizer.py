"""UK national insurance numbers: Presidio's ``UkNinoRecognizer`` with our context words."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UkNinoRecognizer

from syndata.privacy.recognizers.text import words

# Context words: a column named so, or words near a match, raise its score.
CONTEXT = words("nino ni insurance national")


class NinoRecognizer(UkNinoRecognizer):
    """Presidio's ``UkNinoRecognizer`` with our context words, under Presidio's name."""

    def __init__(self) -> None:
        super().__init__(context=list(CONTEXT), name="UkNinoRecognizer")
