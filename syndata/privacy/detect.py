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
"""

from __future__ import annotations

import itertools
import re
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from syndata.privacy.analyzer import (
    LANGUAGE,
    LocationRecognizer,
    NameRecognizer,
    RecognizerSpec,
    build_analyzer,
    context_vocabulary,
    name_tokens,
    plugin_operators,
)
from syndata.privacy.entities import IdentifierClass, identifier_class

DEFAULT_THRESHOLD = 0.4
DEFAULT_MIN_SHARE = 0.5
DEFAULT_FREE_TEXT_SHARE = 0.1
FREE_TEXT_MIN_WORDS = 5
WHOLE_VALUE_COVER = 0.75  # a result covering 75% of a value is the value's entity
PROBE_SIZE = 40  # values analysed before giving up on a column with no entity at all
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
# Column names that say the values are places of a kind, not just where something is
# ("state" may be a status, "origin" a source): there, values that read like names are
# places, known or not (a neighbourhood, a small town).
PLACE_KIND_WORDS = frozenset(
    {
        "city",
        "town",
        "village",
        "hometown",
        "birthplace",
        "county",
        "municipality",
        "locality",
        "ciudad",
        "stadt",
        "ville",
        "citta",
        "città",
        "comune",
        "neighborhood",
        "neighbourhood",
        "neighborhoods",
        "neighbourhoods",
        "district",
        "borough",
        "suburb",
        "barrio",
        "quartier",
        "stadtteil",
        "bezirk",
        "wijk",
        "arrondissement",
    }
)
PLACE_WORDS = frozenset(LocationRecognizer.CONTEXT) | PLACE_KIND_WORDS
# Name words that say whose name it is not ("clinic_name", "team"): things and bodies.
THING_WORDS = frozenset(
    {
        "animal",
        "pet",
        "dog",
        "cat",
        "horse",
        "breed",
        "species",
        "genus",
        "plant",
        "crop",
        "product",
        "item",
        "brand",
        "model",
        "make",
        "manufacturer",
        "vendor",
        "supplier",
        "merchant",
        "company",
        "firm",
        "business",
        "employer",
        "organization",
        "organisation",
        "org",
        "institution",
        "inst",
        "agency",
        "department",
        "dept",
        "clinic",
        "hospital",
        "facility",
        "school",
        "college",
        "university",
        "team",
        "club",
        "league",
        "franchise",
        "store",
        "shop",
        "restaurant",
        "hotel",
        "venue",
        "stadium",
        "park",
        "station",
        "airport",
        "airline",
        "carrier",
        "ship",
        "vessel",
        "boat",
        "aircraft",
        "app",
        "project",
        "event",
        "course",
        "program",
        "programme",
        "drug",
        "medication",
        "medicine",
        "disease",
        "diagnosis",
        "song",
        "track",
        "album",
        "movie",
        "film",
        "book",
        "title",
        "game",
        "job",
        "occupation",
        "profession",
        "role",
        "position",
        "category",
        "genre",
        "color",
        "colour",
        "code",
        "codename",
    }
)
# Name words that name the person, not a thing: a role ("customer") or a part ("surname").
PERSON_WORDS = frozenset(NameRecognizer.CONTEXT) - {"name", "names", "nombre", "nom", "naam"}
# Entities the column name must name, beyond the recognizer's broader context words.
CONTEXT_REQUIRED: dict[str, frozenset[str]] = {
    "US_DRIVER_LICENSE": frozenset({"driver", "drivers", "driving", "dl", "dls", "cdl", "cdls"}),
}
NAME_ENTITIES = ("PERSON", "FIRST_NAME", "LAST_NAME")
FIRST_HINTS = frozenset(
    {
        "first",
        "given",
        "fname",
        "forename",
        "vorname",
        "prenom",
        "voornaam",
        "firstname",
        "givenname",
    }
)
LAST_HINTS = frozenset(
    {
        "last",
        "surname",
        "family",
        "lname",
        "nachname",
        "apellido",
        "cognome",
        "achternaam",
        "lastname",
        "familyname",
    }
)
# Weak, context-driven entities lose ties to specific ones.
_WEAK = (
    "US_DRIVER_LICENSE",
    "US_BANK_NUMBER",
    "US_PASSPORT",
    "US_ITIN",
    "MEDICAL_LICENSE",
    "UK_NHS",
    "POSTAL_CODE",
)

# Not personal data on its own: event dates, row identifiers, companies (NER models).
IGNORED_ENTITIES = frozenset({"DATE_TIME", "UUID", "ORGANIZATION"})
# Inside free text, only these make the text personal (a city or URL in a review does not).
FREE_TEXT_ENTITIES = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "US_SSN",
        "CREDIT_CARD",
        "IBAN_CODE",
        "IP_ADDRESS",
        "STREET_ADDRESS",
        "DATE_OF_BIRTH",
        "US_PASSPORT",
        "US_DRIVER_LICENSE",
        "US_ITIN",
        "US_BANK_NUMBER",
        "UK_NHS",
        "MEDICAL_LICENSE",
        "CRYPTO",
        "MAC_ADDRESS",
        "UK_NINO",
        "DE_TAX_ID",
        "IT_FISCAL_CODE",
        "ES_NIF",
        "ES_NIE",
        "FR_NIR",
        "NL_BSN",
        "PASSPORT",
    }
)
FREE_TEXT = "FREE_TEXT"
# Text that stands for a missing value, never analysed.
MISSING_TEXTS = frozenset(
    {
        "none",
        "null",
        "nil",
        "nan",
        "na",
        "n/a",
        "n.a.",
        "unknown",
        "missing",
        "not available",
        "not applicable",
        "-",
        "--",
        "?",
    }
)

OPERATORS: dict[str, str] = {
    "PERSON": "fake",
    "FIRST_NAME": "fake",
    "LAST_NAME": "fake",
    "EMAIL_ADDRESS": "fake",
    "PHONE_NUMBER": "partial",
    "US_SSN": "hash",
    "CREDIT_CARD": "hash",
    "IBAN_CODE": "hash",
    "US_BANK_NUMBER": "hash",
    "US_PASSPORT": "hash",
    "US_DRIVER_LICENSE": "hash",
    "US_ITIN": "hash",
    "UK_NHS": "hash",
    "MEDICAL_LICENSE": "hash",
    "CRYPTO": "hash",
    "UK_NINO": "hash",
    "DE_TAX_ID": "hash",
    "IT_FISCAL_CODE": "hash",
    "ES_NIF": "hash",
    "ES_NIE": "hash",
    "FR_NIR": "hash",
    "NL_BSN": "hash",
    "PASSPORT": "hash",
    "MAC_ADDRESS": "hash",
    "IP_ADDRESS": "fake",
    "URL": "fake",
    "LOCATION": "fake",
    "STREET_ADDRESS": "fake",
    "POSTAL_CODE": "generalize",
    "DATE_OF_BIRTH": "generalize",
    FREE_TEXT: "anonymize_text",
}
DEFAULT_OPERATOR = "redact"

Kind = Literal["column", "free_text"]


@dataclass(frozen=True)
class PiiFinding:
    """Personal data found in one column.

    ``entity`` is the column's entity (``FREE_TEXT`` for free text), ``score`` the mean
    analyzer score of the values it matched, ``share`` the share of sampled values it
    matched, ``evidence`` the number of sampled values each entity matched (whole values
    for a column finding, values containing it for free text), ``operator`` the masking
    operator suggested for the column and ``operators`` one per entity in ``evidence``.
    """

    column: str
    entity: str
    kind: Kind
    score: float
    share: float
    sampled: int
    evidence: dict[str, int] = field(default_factory=dict)
    operator: str = DEFAULT_OPERATOR
    operators: dict[str, str] = field(default_factory=dict)

    @property
    def identifier(self) -> IdentifierClass:
        """``direct`` (regenerated or masked by default) or ``quasi`` (learned as data)."""
        return identifier_class(self.entity)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (counts and names only, no values)."""
        return {**asdict(self), "identifier": self.identifier}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PiiFinding:
        """The finding :meth:`to_dict` gave."""
        return cls(**{k: v for k, v in data.items() if k != "identifier"})


@dataclass(frozen=True)
class PiiReport:
    """The findings of :func:`detect_pii`, one per flagged column, in column order."""

    findings: list[PiiFinding]
    columns_scanned: list[str]
    seconds: float
    sample_size: int
    threshold: float

    @property
    def columns(self) -> list[str]:
        """The flagged columns."""
        return [f.column for f in self.findings]

    def get(self, column: str) -> PiiFinding | None:
        """The finding of ``column``, or None when it was not flagged."""
        return next((f for f in self.findings if f.column == column), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (counts and names only, no values)."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            "columns_scanned": list(self.columns_scanned),
            "seconds": self.seconds,
            "sample_size": self.sample_size,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PiiReport:
        """The report :meth:`to_dict` gave (stored in a profile, say)."""
        return cls(
            findings=[PiiFinding.from_dict(f) for f in data["findings"]],
            columns_scanned=list(data["columns_scanned"]),
            seconds=data["seconds"],
            sample_size=data["sample_size"],
            threshold=data["threshold"],
        )

    def summary(self) -> str:
        """One line per flagged column, for a terminal or a log."""
        head = (
            f"PII in {len(self.findings)} of {len(self.columns_scanned)} columns "
            f"({self.seconds:.2f} s)"
        )
        lines = [
            f"  {f.column}: {f.entity} ({f.kind}, {f.share:.0%} of {f.sampled} values, "
            f"score {f.score:.2f}) -> "
            + (f.operator if f.identifier == "direct" else "quasi-identifier: learned")
            for f in self.findings
        ]
        return "\n".join([head, *lines])


@dataclass
class _Tally:
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
        return not self.whole and not self.inside and not self.name_known


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
        texts = [_readable(t) for t in sample_texts(frame[name], sample_size, rng)]
        if not texts:
            continue
        context = context_words(str(name), vocabulary)
        tally = _analyze_column(analyzer, texts, context, threshold)
        finding = _decide(str(name), tally, context, min_share, free_text_share, operators)
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


# ------------------------------------------------------------------------- sampling


def sample_texts(series: pd.Series, size: int, rng: np.random.Generator) -> list[str]:
    """A uniform sample of the distinct non-null values of ``series``, as text.

    Empty when no recognizer could apply: booleans, non-integer numbers, integers of
    fewer than four digits. Text that stands for a missing value ("none", "N/A",
    "unknown") is left out: "None" is also a town in Italy.
    """
    values = series.dropna()
    if values.empty or pd.api.types.infer_dtype(values, skipna=True) == "boolean":
        return []
    if pd.api.types.is_datetime64_any_dtype(values):
        return [str(v) for v in _pick(_dates_as_text(values), size, rng)]
    if pd.api.types.is_numeric_dtype(values):
        whole = _integers(values)
        if whole is None:
            return []
        return [str(v) for v in _pick(whole, size, rng)]
    distinct = pd.unique(values.to_numpy(dtype=object))
    written = pd.Series(distinct).map(_text).str.strip().str.casefold()
    distinct = distinct[~written.isin(MISSING_TEXTS).to_numpy()]
    texts = [_text(v) for v in _pick(distinct, size, rng)]
    return [t for t in texts if t.strip()]


# Capitalised words joined by underscores; lower-case snake_case ("four_cheese") is a code.
_UNDERSCORED = re.compile(r"[^\W\d_a-z][^\W\d_]*(?:_[^\W\d_a-z][^\W\d_]*)+")


def _readable(text: str) -> str:
    """Capitalised words joined by underscores as words ("North_Ames", "RANCHO_CORDOVA")."""
    return text.replace("_", " ") if _UNDERSCORED.fullmatch(text) else text


def _pick(distinct: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    distinct = pd.unique(distinct)
    if len(distinct) <= size:
        return distinct
    return distinct[np.sort(rng.choice(len(distinct), size=size, replace=False))]


def _integers(values: pd.Series) -> np.ndarray | None:
    array = values.to_numpy()
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(np.mod(array, 1) == 0):
            return None
        if np.abs(array).max() >= 2**63:
            return None
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iu":
        return None
    if np.abs(array).max() < 1000:
        return None
    return np.asarray(array)


def _dates_as_text(values: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is None and (stamps == stamps.dt.normalize()).all():
        return stamps.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    return stamps.astype(str).to_numpy(dtype=object)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def context_words(column: str, vocabulary: Iterable[str] = ()) -> list[str]:
    """Context words of a column name, for whole-word matching with recognizers' words.

    The name's words (split at separators and camel case), each pair of neighbours
    joined ("zip", "code", "zipcode"), and the ``vocabulary`` words that begin or end
    one of the name's own words ("birthdate" -> "birth"; "cellphone" -> "phone"; not
    "animal_name" -> "lname").
    """
    spaced = _CAMEL.sub(" ", column)
    words = [w.lower() for w in re.split(r"[^0-9A-Za-zÀ-ÿ]+", spaced) if w and not w.isdigit()]
    own = list(words)
    words += [a + b for a, b in itertools.pairwise(words)]
    found = dict.fromkeys(words)
    for word in own:  # not across a join: "animalname" holds no "lname"
        for known in vocabulary:
            if 3 <= len(known) < len(word) and (word.startswith(known) or word.endswith(known)):
                found[known] = None
    return list(found)


# ------------------------------------------------------------------------- analysis


def _analyze_column(
    analyzer: Any, texts: list[str], context: list[str], threshold: float
) -> _Tally:
    tally = _Tally()
    floor = min(threshold, 0.25)  # lower results count as name evidence only
    places = bool(set(context) & PLACE_WORDS)
    for begin, end in ((0, PROBE_SIZE), (PROBE_SIZE, len(texts))):
        for text in texts[begin:end]:
            results = analyzer.analyze(
                text, language=LANGUAGE, context=context, score_threshold=floor
            )
            results = [r for r in results if r.entity_type not in IGNORED_ENTITIES]
            _count(tally, text, results, threshold)
            if places:
                _count_place(tally, analyzer, text, results, context, threshold)
        if tally.empty and not (places and tally.name_shaped):
            break
    return tally


def _count_place(
    tally: _Tally,
    analyzer: Any,
    text: str,
    results: list[Any],
    context: list[str],
    threshold: float,
) -> None:
    """Count a value that is a known place, or whose comma-separated parts hold one."""
    length = max(len(text.strip()), 1)
    scores = [
        r.score
        for r in results
        if r.entity_type == "LOCATION"
        and r.score >= threshold
        and (r.end - r.start) >= WHOLE_VALUE_COVER * length
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
        tally.places += 1
        tally.place_score += max(scores)


def _count(tally: _Tally, text: str, results: list[Any], threshold: float) -> None:
    tally.sampled += 1
    tally.words.append(len(text.split()))
    length = max(len(text.strip()), 1)
    _count_name(
        tally,
        text,
        [
            r
            for r in results
            if r.entity_type in NAME_ENTITIES and (r.end - r.start) >= WHOLE_VALUE_COVER * length
        ],
    )
    results = [r for r in results if r.score >= threshold]
    whole: dict[str, float] = {}
    inside: set[str] = set()
    for result in results:
        if (result.end - result.start) >= WHOLE_VALUE_COVER * length:
            whole[result.entity_type] = max(whole.get(result.entity_type, 0.0), result.score)
        else:
            inside.add(result.entity_type)
    for entity, score in whole.items():
        tally.whole[entity] += 1
        tally.whole_score[entity] += score
    tally.inside.update(inside | set(whole))
    personal = [r.score for r in results if r.entity_type in FREE_TEXT_ENTITIES]
    if personal:
        tally.personal_text += 1
        tally.personal_score += max(personal)


def _count_name(tally: _Tally, text: str, results: list[Any]) -> None:
    words = name_tokens(text)
    if words is None:
        return
    tally.name_shaped += 1
    tally.name_single += len(words) == 1
    if results:
        tally.name_known += 1
        tally.name_score += max(r.score for r in results)


def _decide(
    column: str,
    tally: _Tally,
    context: list[str],
    min_share: float,
    free_text_share: float,
    operators: dict[str, str],
) -> PiiFinding | None:
    n = tally.sampled
    if n == 0:
        return None
    candidates = [e for e in tally.whole if _may_be(e, context)]
    if candidates:
        entity = max(
            candidates, key=lambda e: (tally.whole_score[e], tally.whole[e], e not in _WEAK, e)
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


def _is_place_column(tally: _Tally, context: list[str], column: str) -> bool:
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


def _is_name_column(tally: _Tally, context: list[str]) -> bool:
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


def _name_hint(entity: str, tally: _Tally, context: list[str], *, force: bool = False) -> str:
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
