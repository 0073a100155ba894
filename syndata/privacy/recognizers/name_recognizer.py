"""Person names: whole values from Faker's name lists, and full names inside text."""

from __future__ import annotations

import functools
from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from syndata.privacy.recognizers.base import CustomRecognizer
from syndata.privacy.recognizers.name_tokens import common, initial, known, name_tokens
from syndata.privacy.recognizers.names_in_text import first_names_alone, merge, names_in_context
from syndata.privacy.recognizers.street_address_recognizer import StreetAddressRecognizer
from syndata.privacy.recognizers.text import fold, span, words
from syndata.privacy.recognizers.wordlists.people import ORG_WORDS, PARTICLES, names, non_name


class NameRecognizer(CustomRecognizer):
    """Person names from Faker's name lists (see ``NAME_LOCALES``).

    A whole value is a ``FIRST_NAME`` or ``LAST_NAME`` when it is one listed name,
    a ``PERSON`` when it reads first name ... last name (or "Last, First"), titles,
    suffixes, initials and particles ("van der", "de la") allowed. Names that are common
    English words ("May", "Green") or with only one listed part score low without
    context. In longer text, capitalised first-name ... last-name sequences are
    ``PERSON``.
    """

    ENTITIES = ("PERSON", "FIRST_NAME", "LAST_NAME")
    CONTEXT: ClassVar[list[str]] = words(
        "name names first last surname forename given family fname lname fullname "
        "person customer client patient employee contact owner holder user author "
        "artist member student player applicant recipient sender beneficiary manager "
        "nombre apellido vorname nachname prenom nom cognome naam achternaam voornaam"
    )
    _RUN = regex.compile(
        r"(?:\p{Lu}[\p{L}'’.-]*)(?:[ \t]+(?:(?:van|von|der|den|de|del|della|"
        r"di|da|dos|du|la|le|y|ten|ter)[ \t]+)*\p{Lu}[\p{L}'’-]*){1,3}"
    )

    def __init__(self) -> None:
        super().__init__(list(self.ENTITIES), "NameRecognizer", self.CONTEXT)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Whole-value names, else full names inside the text."""
        start, end = span(text)
        words = name_tokens(text)
        if words:
            return [
                self._result(entity, start, end, score, "name list")
                for entity, score in self._whole(words)
                if entity in entities
            ]
        if "PERSON" not in entities or len(text) < 5:
            return []
        return [
            self._result("PERSON", s, e, score, "first and last name in text")
            for s, e, score in self._in_text(text)
        ]

    def _whole(self, tokens: list[str]) -> list[tuple[str, float]]:
        first, last, _, _ = names()
        words = [t for t in tokens if not initial(t)]
        lower = all(t.islower() for t in words)
        if len(words) == 1 and len(tokens) > 1:  # "D. Law", "Law, D"
            listed = known(words[0], last) or known(words[0], first)
            return [("PERSON", 0.3)] if listed and not common(words[0]) else []
        if len(words) == 1:
            word = words[0]
            score = 0.15 if lower or common(word) else 0.45
            found = [
                (entity, score)
                for entity, names in (("FIRST_NAME", first), ("LAST_NAME", last))
                if known(word, names)
            ]
            return found
        if known(words[0], first) and known(words[-1], last):
            score = 0.3 if common(words[0]) and common(words[-1]) else 0.75
        elif any(known(w, first | last) and not common(w) for w in words):
            score = 0.3
        else:
            return []
        return [("PERSON", score / 2 if lower else score)]

    def _in_text(self, text: str) -> list[tuple[int, int, float]]:
        found = self._full_names(text) + names_in_context(text)
        found = merge(found + first_names_alone(text, found))
        streets = _street_recognizer().streets(text) if any(ch.isdigit() for ch in text) else []
        return [
            (s, e, score)
            for s, e, score in found  # "Via Mariana, 89": a street
            if not any(a <= s and e <= b for a, b in streets)
        ]

    def _full_names(self, text: str) -> list[tuple[int, int, float]]:
        """Capitalised first name ... last name sequences, within one sentence."""
        first, last, _, _ = names()
        found = []
        for match in self._RUN.finditer(text):
            tokens = [(m.start(), m.end()) for m in regex.finditer(r"\S+", match.group())]
            words = [match.group()[s:e] for s, e in tokens]
            for i, word in enumerate(words[:-1]):
                if not known(word, first) or non_name(word):
                    continue
                j = max(
                    (
                        k
                        for k in range(i + 1, len(words))
                        if known(words[k].rstrip(".,"), last)
                        or known(" ".join(words[k - 1 : k + 1]).rstrip(".,"), last)
                        or fold(words[k - 1]) in PARTICLES
                    ),
                    default=None,
                )
                if j is None or any(w.endswith(".") and not initial(w) for w in words[i:j]):
                    continue  # "Mary. Ring": a sentence ends between them
                if any(fold(w).strip(".") in ORG_WORDS for w in words[i : j + 1]):
                    continue
                both_common = common(word) and common(words[j])
                found.append(
                    (
                        match.start() + tokens[i][0],
                        match.start() + tokens[j][1],
                        0.3 if both_common else 0.6,
                    )
                )
                break
        return found


@functools.cache
def _street_recognizer() -> StreetAddressRecognizer:
    return StreetAddressRecognizer()
