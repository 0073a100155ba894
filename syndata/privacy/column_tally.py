"""What the analyzer finds over a column's sampled values: :class:`ColumnTally`."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from syndata.privacy.pii_vocabulary import (
    FREE_TEXT_ENTITIES,
    IGNORED_ENTITIES,
    NAME_ENTITIES,
    PLACE_WORDS,
)
from syndata.privacy.recognizers import LANGUAGE, name_tokens

WHOLE_VALUE_COVER = 0.75  # a result covering 75% of a value is the value's entity
PROBE_SIZE = 40  # values analysed before giving up on a column with no entity at all


def _whole(result: RecognizerResult, text: str) -> bool:
    """True when ``result`` covers the value (``WHOLE_VALUE_COVER`` of it at least)."""
    return (result.end - result.start) >= WHOLE_VALUE_COVER * max(len(text.strip()), 1)


@dataclass
class ColumnTally:
    """What the analyzer found over a column's sampled values."""

    sampled: int = 0
    whole: Counter[str] = field(default_factory=Counter)
    whole_score: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    inside: Counter[str] = field(default_factory=Counter)
    personal_text: int = 0
    personal_score: float = 0.0
    words: list[int] = field(default_factory=list)
    name_shaped: int = 0
    name_single: int = 0
    name_known: int = 0
    name_score: float = 0.0
    places: int = 0  # values that are a known place, or hold one ("Boston, Massachusetts")
    place_score: float = 0.0

    @property
    def empty(self) -> bool:
        """True when no value held an entity or a listed name."""
        return not self.whole and not self.inside and not self.name_known

    @classmethod
    def of(
        cls, analyzer: AnalyzerEngine, texts: list[str], context: list[str], threshold: float
    ) -> ColumnTally:
        """The tally of ``texts`` (a column's sample), analysed with the column's context.

        The first ``PROBE_SIZE`` values are analysed first; a column with no entity in
        them (and no name-like places in a column named as a place) is not read further.
        """
        tally = cls()
        floor = min(threshold, 0.25)  # lower results count as name evidence only
        places = bool(set(context) & PLACE_WORDS)
        for begin, end in ((0, PROBE_SIZE), (PROBE_SIZE, len(texts))):
            for text in texts[begin:end]:
                results = analyzer.analyze(
                    text, language=LANGUAGE, context=context, score_threshold=floor
                )
                results = [r for r in results if r.entity_type not in IGNORED_ENTITIES]
                tally.count(text, results, threshold)
                if places:
                    tally.count_place(analyzer, text, results, context, threshold)
            if tally.empty and not (places and tally.name_shaped):
                break
        return tally

    def count(self, text: str, results: list[RecognizerResult], threshold: float) -> None:
        """Count one value and the analyzer's results on it."""
        self.sampled += 1
        self.words.append(len(text.split()))
        self.count_name(
            text, [r for r in results if r.entity_type in NAME_ENTITIES and _whole(r, text)]
        )
        results = [r for r in results if r.score >= threshold]
        whole: dict[str, float] = {}
        inside: set[str] = set()
        for result in results:
            if _whole(result, text):
                whole[result.entity_type] = max(whole.get(result.entity_type, 0.0), result.score)
            else:
                inside.add(result.entity_type)
        for entity, score in whole.items():
            self.whole[entity] += 1
            self.whole_score[entity] += score
        self.inside.update(inside | set(whole))
        personal = [r.score for r in results if r.entity_type in FREE_TEXT_ENTITIES]
        if personal:
            self.personal_text += 1
            self.personal_score += max(personal)

    def count_name(self, text: str, results: list[RecognizerResult]) -> None:
        """Count a value that reads like a name, and whether a listed name matched it."""
        words = name_tokens(text)
        if words is None:
            return
        self.name_shaped += 1
        self.name_single += len(words) == 1
        if results:
            self.name_known += 1
            self.name_score += max(r.score for r in results)

    def count_place(
        self,
        analyzer: AnalyzerEngine,
        text: str,
        results: list[RecognizerResult],
        context: list[str],
        threshold: float,
    ) -> None:
        """Count a value that is a known place, or whose comma-separated parts hold one."""
        scores = [
            r.score
            for r in results
            if r.entity_type == "LOCATION" and r.score >= threshold and _whole(r, text)
        ]
        if not scores and text.count(",") in (1, 2):
            for part in text.split(","):
                found = analyzer.analyze(
                    part.strip(),
                    language=LANGUAGE,
                    entities=["LOCATION"],
                    context=context,
                    score_threshold=threshold,
                )
                scores += [r.score for r in found]
        if scores:
            self.places += 1
            self.place_score += max(scores)
