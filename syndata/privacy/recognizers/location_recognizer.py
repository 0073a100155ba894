"""Whole values naming a city, region, state or country."""

from __future__ import annotations

import re
from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from syndata.privacy.recognizers.base import CustomRecognizer
from syndata.privacy.recognizers.text import fold, span, words
from syndata.privacy.recognizers.wordlists.people import COMMON_WORDS, PARTICLES
from syndata.privacy.recognizers.wordlists.places import city_affixes, places


class LocationRecognizer(CustomRecognizer):
    """Whole values naming a city, region, state or country.

    Names in Faker's place lists score 0.5; US/Canadian state codes ("NY") and
    city-shaped names ("Port Jennifer", "Smithville", "Saint-Denis-sur-Mer") need
    context (a column named city, town, state, country, ...).
    """

    CONTEXT: ClassVar[list[str]] = words(
        "city town village location place country state province region county "
        "municipality locality stadt ville ciudad citta città comune pais país "
        "birthplace hometown residence nation headquarter destination origin"
    )
    _SHAPE = re.compile(r"(?:[^\W\d_][\w'’.]*)(?:[ -][^\W\d_][\w'’.]*){0,4}$")

    def __init__(self) -> None:
        super().__init__(["LOCATION"], "LocationRecognizer", self.CONTEXT)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """A result spanning the whole value, or nothing."""
        start, end = span(text)
        score = self._score(text[start:end])
        if not score or "LOCATION" not in entities:
            return []
        return [self._result("LOCATION", start, end, score, "place name")]

    def _score(self, value: str) -> float:
        if not value or len(value) > 60 or not self._SHAPE.match(value):
            return 0.0
        place_names, codes = places()
        key = fold(value)
        if key in place_names:
            return 0.15 if key in COMMON_WORDS else 0.5
        if value in codes:
            return 0.1
        words = value.replace("-", " ").split()
        if not all(
            w[0].isupper() or fold(w) in PARTICLES or w in ("sur", "les", "en") for w in words
        ):
            return 0.0
        prefixes, suffixes = city_affixes()
        shaped = (fold(words[0]).rstrip(".") in prefixes and len(words) > 1) or fold(
            value
        ).endswith(suffixes)
        return 0.2 if shaped or regex.search(r"-(?:sur|les|la|en|le)-", value) else 0.0
