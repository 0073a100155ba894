"""Whether a column holds personal data, and which, from its tally and its name."""

from __future__ import annotations

import numpy as np

from syndata.privacy.column_sample import context_words
from syndata.privacy.column_tally import ColumnTally
from syndata.privacy.pii_findings import Kind, PiiFinding
from syndata.privacy.pii_vocabulary import (
    CONTEXT_REQUIRED,
    DEFAULT_OPERATOR,
    FIRST_HINTS,
    FREE_TEXT,
    FREE_TEXT_ENTITIES,
    LAST_HINTS,
    NAME_ENTITIES,
    PERSON_WORDS,
    PLACE_KIND_WORDS,
    PLACE_WORDS,
    THING_WORDS,
    WEAK_ENTITIES,
)
from syndata.privacy.recognizers import NameRecognizer

DEFAULT_THRESHOLD = 0.4
FREE_TEXT_MIN_WORDS = 5
# A column of name-like values (capitalised words, no digits) is a name column, even when
# most names are not in the lists, when enough of them hold a known first or last name;
# fewer when the column name speaks of people ("holder"), none when it says first or last
# name ("cognome").
NAME_SHAPE_SHARE = 0.8
NAME_KNOWN_SHARE = 0.3
NAME_SHAPE_SHARE_WITH_CONTEXT = 0.9
NAME_KNOWN_SHARE_WITH_CONTEXT = 0.05
# The same for places, in a column named as a place ("location", "city").
PLACE_KNOWN_SHARE = 0.25


def decide(
    column: str,
    tally: ColumnTally,
    context: list[str],
    min_share: float,
    free_text_share: float,
    operators: dict[str, str],
) -> PiiFinding | None:
    """The column's finding, or None when it holds no personal data.

    In turn: the entity of most whole values, if it has ``min_share`` of them; places
    in a column named as a place; names; free text (see ``syndata.privacy.detect``).
    """
    n = tally.sampled
    if n == 0:
        return None
    candidates = [e for e in tally.whole if _may_be(e, context)]
    if candidates:
        entity = max(
            candidates,
            key=lambda e: (tally.whole_score[e], tally.whole[e], e not in WEAK_ENTITIES, e),
        )
        entity = _name_hint(entity, tally, context)
        share = tally.whole[entity] / n
        if share >= min_share:
            return _finding(
                column,
                entity,
                "column",
                tally.whole_score[entity] / tally.whole[entity],
                share,
                n,
                dict(tally.whole.most_common()),
                operators,
            )
    if _is_place_column(tally, context, column):
        # places by the column name and the values' shape alone score the threshold
        score = tally.place_score / tally.places if tally.places else DEFAULT_THRESHOLD
        evidence = {
            "LOCATION": max(tally.places, tally.whole["LOCATION"]),
            **{e: c for e, c in tally.whole.most_common() if e != "LOCATION"},
        }
        return _finding(
            column, "LOCATION", "column", score, tally.name_shaped / n, n, evidence, operators
        )
    if tally.empty:
        return None
    if _names_allowed(context) and _is_name_column(tally, context):
        entity = (
            "PERSON"
            if tally.name_single < n / 2
            else _name_hint("FIRST_NAME", tally, context, force=True)
        )
        evidence = {
            entity: tally.name_shaped,
            **{e: c for e, c in tally.whole.most_common() if e != entity},
        }
        return _finding(
            column,
            entity,
            "column",
            tally.name_score / tally.name_known,
            tally.name_shaped / n,
            n,
            evidence,
            operators,
        )
    words = float(np.median(tally.words))
    share = tally.personal_text / n
    if words >= FREE_TEXT_MIN_WORDS and share >= free_text_share:
        evidence = {e: c for e, c in tally.inside.most_common() if e in FREE_TEXT_ENTITIES}
        return _finding(
            column,
            FREE_TEXT,
            "free_text",
            tally.personal_score / tally.personal_text,
            share,
            n,
            evidence,
            operators,
        )
    return None


def _names_allowed(context: list[str]) -> bool:
    """False when the column name says its names are of places or things, not people.

    "city": Jackson, Austin, Florence are places there; "clinic_name", "animal_name",
    "job_title": names of things. A person word wins ("customer_city", "artist_name").
    """
    words = set(context)
    return not words & (PLACE_WORDS | THING_WORDS) or bool(words & PERSON_WORDS)


def _may_be(entity: str, context: list[str]) -> bool:
    """Whether the column name allows ``entity`` as the column's entity."""
    if entity in NAME_ENTITIES:
        return _names_allowed(context)
    required = CONTEXT_REQUIRED.get(entity)
    return required is None or bool(required & set(context))


def _is_place_column(tally: ColumnTally, context: list[str], column: str) -> bool:
    """Name-like values in a column named as a place, enough of them known places.

    In a column named as a place of a kind (``PLACE_KIND_WORDS``: a city, a
    neighbourhood), name-like values suffice: no list holds every small town. That word
    must be one of the name's own ("hometown", "home_town"), not found inside one
    ("ethnicity").
    """
    n = tally.sampled
    words = set(context)
    if not words & PLACE_WORDS or words & PERSON_WORDS:
        return False
    if tally.name_shaped < NAME_SHAPE_SHARE * n:
        return False
    return (
        bool(set(context_words(column)) & PLACE_KIND_WORDS) or tally.places >= PLACE_KNOWN_SHARE * n
    )


def _is_name_column(tally: ColumnTally, context: list[str]) -> bool:
    n = tally.sampled
    words = set(context)
    shaped, known = tally.name_shaped / n, tally.name_known / n
    if shaped >= NAME_SHAPE_SHARE and known >= NAME_KNOWN_SHARE:
        return True
    if shaped < NAME_SHAPE_SHARE_WITH_CONTEXT:
        return False
    words = set(context)
    return bool(words & (FIRST_HINTS | LAST_HINTS)) or (
        bool(words & set(NameRecognizer.CONTEXT)) and known >= NAME_KNOWN_SHARE_WITH_CONTEXT
    )


def _name_hint(entity: str, tally: ColumnTally, context: list[str], *, force: bool = False) -> str:
    """FIRST_NAME or LAST_NAME as the column name says, when the values allow it."""
    if entity not in ("FIRST_NAME", "LAST_NAME"):
        return entity
    words = set(context)
    hinted = (
        "FIRST_NAME"
        if words & FIRST_HINTS and not words & LAST_HINTS
        else "LAST_NAME"
        if words & LAST_HINTS and not words & FIRST_HINTS
        else None
    )
    if hinted is None:
        if force and tally.whole["LAST_NAME"] > tally.whole["FIRST_NAME"]:
            return "LAST_NAME"
        return entity
    if force or tally.whole[hinted] >= tally.whole[entity] / 2:
        return hinted
    return entity


def _finding(
    column: str,
    entity: str,
    kind: Kind,
    score: float,
    share: float,
    n: int,
    evidence: dict[str, int],
    operators: dict[str, str],
) -> PiiFinding:
    return PiiFinding(
        column=column,
        entity=entity,
        kind=kind,
        score=round(score, 4),
        share=round(share, 4),
        sampled=n,
        evidence=evidence,
        operator=operators.get(entity, DEFAULT_OPERATOR),
        operators=_operators(evidence, operators),
    )


def _operators(evidence: dict[str, int], operators: dict[str, str]) -> dict[str, str]:
    return {entity: operators.get(entity, DEFAULT_OPERATOR) for entity in evidence}
