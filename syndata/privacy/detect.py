"""Which columns of a table hold personal data (PII), found with the offline analyzer.

``detect_pii(frame)`` looks at each column through a uniform sample of its distinct
non-null values, analysed one by one with the column name as context, and decides per
column, not per cell:

- a *column* finding when one entity is the whole value of at least ``min_share`` of
  the sampled values (the entity with the highest total score over the sample wins, so
  stray hits such as a URL inside e-mail addresses, UK NHS numbers among phone numbers
  or phone numbers among SSNs do not decide);
- else a *column* finding of places when the column is named as a place ("city",
  "hometown") and most values read like names, enough of them known places (a value
  "Minneapolis, Minnesota" counts when one of its parts is); in a column named as a
  place of a kind ("city", "neighborhood": places no list holds all of) name-like values
  suffice;
- else a *column* finding of names when most values read like names (capitalised words,
  no digits) and enough of them hold a listed first or last name, fewer when the column
  name speaks of people ("account_holder") and none when it says first or last name
  ("cognome"): names outside Faker's lists are found that way;
- a *free_text* finding when the values are text of several words and at least
  ``free_text_share`` of them contain a personal entity (a name, e-mail, phone, ...).

The column name is the context of every value: its words, their compounds ("zipcode")
and the recognizers' context words that begin or end them ("birthdate" -> "birth") are
matched whole against each recognizer's context words. It also says whose names the
values are: a column named as a place ("city", "neighborhood") or as a thing
("clinic_name", "animal_name", "job_title", "team") holds no person names, unless it
also speaks of people ("customer_city"); and a licence number is a driver's licence only
when the name says driver.

A finding carries counts only (how many sampled values each entity matched), never a
value, so the report can be stored and shown. Each finding suggests a masking operator
(``fake``, ``partial``, ``hash``, ``generalize``, ``anonymize_text``, ``redact``).

``find_entities(texts)`` gives the spans of personal entities in each text, for masking
free text.

Numbers are analysed as text only where a recognizer could apply: integers of four
digits or more (an SSN, card or ZIP code stored as a number). Dates are analysed as ISO
dates (a date of birth, found by the column name). A column whose first values show no
entity at all is not analysed further. Text standing for a missing value ("none", "N/A")
is left out, and words joined by underscores ("North_Ames") are read as words.

The steps live apart: ``column_sample`` (a column's values as text, its name's context
words), ``column_tally`` (what the analyzer finds in them), ``column_decision`` (the
column's finding), ``pii_findings`` (the report) and ``pii_vocabulary`` (the words and
entity sets they decide with); the analyzer and its recognizers are in ``recognizers``.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from syndata.privacy.column_decision import DEFAULT_THRESHOLD, decide
from syndata.privacy.column_sample import context_words, readable, sample_texts
from syndata.privacy.column_tally import ColumnTally
from syndata.privacy.pii_findings import PiiReport
from syndata.privacy.pii_vocabulary import IGNORED_ENTITIES, OPERATORS
from syndata.privacy.recognizers import (
    LANGUAGE,
    RecognizerSpec,
    build_analyzer,
    context_vocabulary,
    plugin_operators,
)

DEFAULT_MIN_SHARE = 0.5


DEFAULT_FREE_TEXT_SHARE = 0.1


def detect_pii(
    frame: pd.DataFrame,
    *,
    sample_size: int = 200,
    recognizers: Sequence[RecognizerSpec] | None = None,
    seed: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
    min_share: float = DEFAULT_MIN_SHARE,
    free_text_share: float = DEFAULT_FREE_TEXT_SHARE,
) -> PiiReport:
    """Find the columns of ``frame`` that hold personal data.

    Parameters
    ----------
    frame
        The table; any dtypes.
    sample_size
        Distinct non-null values analysed per column (a uniform sample).
    recognizers
        Extra recognizers (e.g. from config) on top of the built-in and registered ones.
    seed
        Seed of the value samples; the same seed gives the same report, and a column's
        sample depends only on the seed, its name and its values.
    threshold
        Lowest analyzer score (after context) that counts as a match.
    min_share
        Share of sampled values one entity must match to flag a column.
    free_text_share
        Share of sampled text values that must contain a personal entity to flag a
        text column as free text.
    """
    start = time.perf_counter()
    analyzer = build_analyzer(recognizers)
    operators = {**OPERATORS, **plugin_operators(recognizers or ())}
    vocabulary = context_vocabulary(analyzer)
    findings = []
    for name in frame.columns:
        rng = np.random.default_rng([seed, zlib.crc32(str(name).encode())])
        texts = [readable(t) for t in sample_texts(frame[name], sample_size, rng)]
        if not texts:
            continue
        context = context_words(str(name), vocabulary)
        tally = ColumnTally.of(analyzer, texts, context, threshold)
        finding = decide(str(name), tally, context, min_share, free_text_share, operators)
        if finding is not None:
            findings.append(finding)
    return PiiReport(
        findings=findings,
        columns_scanned=[str(c) for c in frame.columns],
        seconds=time.perf_counter() - start,
        sample_size=sample_size,
        threshold=threshold,
    )


def find_entities(
    texts: Sequence[str],
    recognizers: Sequence[RecognizerSpec] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    entities: Sequence[str] | None = None,
    context: Sequence[str] = (),
) -> list[list[tuple[int, int, str]]]:
    """The personal entities in each text: ``(start, end, entity)``, sorted, not overlapping.

    ``entities`` limits the entity types (default: all but event dates and UUIDs);
    where two spans overlap, the higher score (then the longer span) is kept.
    """
    analyzer = build_analyzer(recognizers)
    wanted = list(entities) if entities is not None else None
    out: list[list[tuple[int, int, str]]] = []
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            out.append([])
            continue
        results = analyzer.analyze(
            text,
            language=LANGUAGE,
            entities=wanted,
            context=list(context),
            score_threshold=threshold,
        )
        if wanted is None:
            results = [r for r in results if r.entity_type not in IGNORED_ENTITIES]
        out.append(_non_overlapping([(r.start, r.end, r.entity_type, r.score) for r in results]))
    return out


def _non_overlapping(spans: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str, float]] = []
    for span in sorted(spans, key=lambda s: (-s[3], -(s[1] - s[0]), s[0])):
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted((s, e, entity) for s, e, entity, _ in kept)
