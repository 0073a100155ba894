"""US social security numbers: Presidio's recognizer with our context words."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

# Context words: a column named so, or words near a match, raise its score.
CONTEXT = [*UsSsnRecognizer.CONTEXT, "socsec", "socialsecurity"]


class SsnRecognizer(UsSsnRecognizer):
    """Presidio's ``UsSsnRecognizer``, under its name, with our context words (and "soc sec")."""

    def __init__(self) -> None:
        super().__init__(context=list(CONTEXT), name="UsSsnRecognizer")
