"""The base of our own recognizers and the language they analyse."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

LANGUAGE = "en"


class CustomRecognizer(EntityRecognizer):
    """Base of our own recognizers: results carry the metadata context scoring needs."""

    def __init__(self, entities: list[str], name: str, context: list[str]) -> None:
        self.label = name
        super().__init__(
            supported_entities=entities, name=name, supported_language=LANGUAGE, context=context
        )

    def load(self) -> None:
        """Nothing to load: the word lists are read on first use."""

    def _result(
        self, entity: str, start: int, end: int, score: float, why: str
    ) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.label, original_score=score, textual_explanation=why
        )
        return RecognizerResult(
            entity_type=entity,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
