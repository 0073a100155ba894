"""Pattern recognizers that look again at their matches, in the text around them."""

from __future__ import annotations

from presidio_analyzer import PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts


class RefinedPatternRecognizer(PatternRecognizer):
    """A pattern recognizer whose matches :meth:`refine` drops or scores again.

    Put it first among the bases of a Presidio pattern recognizer
    (``class CardRecognizer(RefinedPatternRecognizer, CreditCardRecognizer)``) and
    override :meth:`refine`; the matches come from the other base's patterns.
    """

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The pattern matches, refined in ``text``."""
        return self.refine(text, super().analyze(text, entities, nlp_artifacts, regex_flags))

    def refine(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """The matches to keep, their scores and spans set (default: all, unchanged)."""
        return results
