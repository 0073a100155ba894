"""Spanish NIE numbers: Presidio's recognizer with our context words."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import EsNieRecognizer

from syndata.privacy.recognizers.base import LANGUAGE
from syndata.privacy.recognizers.text import words

# Context words: a column named so, or words near a match, raise its score.
CONTEXT = words("nie id")


class NieRecognizer(EsNieRecognizer):
    """Presidio's ``EsNieRecognizer``, under its name, with our context words, in English."""

    def __init__(self) -> None:
        super().__init__(supported_language=LANGUAGE, context=list(CONTEXT), name="EsNieRecognizer")
