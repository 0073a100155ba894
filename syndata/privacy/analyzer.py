"""The offline Presidio analyzer and the recognizer registry.

``build_analyzer()`` gives a Presidio ``AnalyzerEngine`` that never touches the
network: a blank English spaCy pipeline (saved once under ``settings.home()``) with a
``lower_lemma`` component, so Presidio's context words work; every predefined pattern
recognizer (e-mail, phone, credit card, US SSN, IBAN, IP, URL, ...); and recognizers of
our own for what a blank pipeline cannot find by NER:

========================  ==============================================================
entity                    how
========================  ==============================================================
``FIRST_NAME``            a whole value in Faker's first-name lists of several locales
``LAST_NAME``             a whole value in Faker's last-name lists
``PERSON``                first name ... last name (titles, particles, "Last, First")
``LOCATION``              cities, states and countries from Faker's lists; city-shaped
                          names ("North Bradleyshire") and US state codes need context
``STREET_ADDRESS``        house number + street name + street type, in English, German,
                          Dutch, French, Spanish, Italian, Portuguese and Polish forms
``POSTAL_CODE``           US ZIP, UK, Canadian, German/French/... formats; plain digit
                          codes only with context ("zip", "postal", "plz")
``DATE_OF_BIRTH``         a date, only with context ("birth", "dob", "born")
``CREDIT_CARD``           Presidio's, widened to 12-19 digits (Visa 19, Mastercard 2-series,
                          Maestro); all checked with Luhn
``PHONE_NUMBER``          Presidio's (``phonenumbers``) over 20 regions; bare digit runs
                          ("2015000001") and unassigned area codes only with context
``US_SSN``                Presidio's, with "soc sec" among its context words
========================  ==============================================================

Context words are matched whole (Presidio's default substring match lets "lic", a
licence word, hit "applicant"); ``detect`` splits column names into such words.

An ``en_core_web_*`` spaCy model, if one is installed, is used instead of the blank
pipeline, and its NER adds ``PERSON`` and ``LOCATION`` in free text.

Users add recognizers in two ways. In config, a :class:`RecognizerSpec` (name, entity,
regex patterns with scores, a deny list, context words, languages) read with
:func:`recognizer_from_config`, which reports every problem as a
:class:`~syndata.errors.ConfigError`; in Python, :func:`register_recognizer` with a
spec or any Presidio ``EntityRecognizer``. The analyzer is cached per recognizer set.

``TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS`` is set to ``""`` before Presidio is imported
(Presidio's e-mail recognizer would otherwise fetch the public suffix list); import this
module before anything that imports Presidio.
"""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import functools
import importlib
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import phonenumbers
import regex
import spacy
from presidio_analyzer import (
    AnalysisExplanation,
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EsNieRecognizer,
    EsNifRecognizer,
    IbanRecognizer,
    ItFiscalCodeRecognizer,
    PhoneRecognizer,
    UkNinoRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from spacy.language import Language
from spacy.tokens import Doc

from syndata import settings
from syndata.errors import ConfigError, Problem
from syndata.validation import Issue, pydantic_problems

LANGUAGE = "en"
BLANK_MODEL_DIR = "spacy-blank-en"
NER_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm")
NAME_LOCALES = (
    "en_US",
    "en_GB",
    "en_IE",
    "de_DE",
    "de_AT",
    "fr_FR",
    "es_ES",
    "es_MX",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "pt_PT",
    "pl_PL",
    "sv_SE",
    "da_DK",
    "no_NO",
    "cs_CZ",
    "sk_SK",
    "sl_SI",
    "hr_HR",
    "hu_HU",
    "ro_RO",
    "fi_FI",
    "tr_TR",
)
PHONE_REGIONS = (
    "US",
    "GB",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "BR",
    "IN",
    "PL",
    "SE",
    "CH",
    "AT",
    "BE",
    "PT",
    "DK",
    "NO",
    "IE",
    "MX",
    "AU",
)

# Presidio's phone context less "number" (an "ssn_number" is no phone number), plus more.
PHONE_CONTEXT = [
    "phone",
    "telephone",
    "tel",
    "cell",
    "cellphone",
    "mobile",
    "call",
    "fax",
    "contact",
    "telefon",
    "telefono",
    "teléfono",
    "telefone",
    "portable",
    "handy",
    "celular",
]
_ID_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


# --------------------------------------------------------------------------- registry


class PatternSpec(BaseModel):
    """One regular expression of a recognizer and the score of a match (0-1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    regex: str = Field(min_length=1)
    score: float = Field(default=0.6, ge=0.0, le=1.0)
    name: str | None = None


class RecognizerSpec(BaseModel):
    """A recognizer declared as data: what it finds and how.

    ``patterns`` are regular expressions (Presidio's ``regex`` dialect, matched
    case-insensitively unless ``case_sensitive``); ``deny_list`` lists exact terms;
    ``context`` words raise a match's score when they appear near it or in the column
    name; ``operator`` is the masking operator suggested for the entity.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    entity: str
    patterns: tuple[PatternSpec, ...] = ()
    deny_list: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    languages: tuple[str, ...] = (LANGUAGE,)
    case_sensitive: bool = False
    operator: str = "hash"

    @model_validator(mode="after")
    def _check(self) -> RecognizerSpec:
        if not _ID_RE.match(self.entity):
            raise ValueError(
                f"recognizer '{self.name}': entity {self.entity!r} must be "
                "upper case letters, digits and '_', e.g. EMPLOYEE_ID"
            )
        if not self.patterns and not self.deny_list:
            raise ValueError(f"recognizer '{self.name}' needs 'patterns' or a 'deny_list'")
        for pattern in self.patterns:
            try:
                regex.compile(pattern.regex)
            except regex.error as exc:
                raise ValueError(
                    f"recognizer '{self.name}': regex '{pattern.regex}' is not "
                    f"a valid regular expression ({exc})"
                ) from None
        return self

    def to_recognizers(self) -> list[EntityRecognizer]:
        """Presidio recognizers for this spec, one per language."""
        flags = regex.DOTALL | regex.MULTILINE
        if not self.case_sensitive:
            flags |= regex.IGNORECASE
        patterns = [
            Pattern(p.name or f"{self.name}[{i}]", p.regex, p.score)
            for i, p in enumerate(self.patterns)
        ]
        return [
            PatternRecognizer(
                supported_entity=self.entity,
                name=self.name,
                supported_language=language,
                patterns=patterns,
                deny_list=list(self.deny_list),
                context=list(self.context),
                global_regex_flags=flags,
            )
            for language in self.languages
        ]


_PLUGINS: dict[str, EntityRecognizer | RecognizerSpec] = {}
_PLUGINS_LOCK = threading.Lock()


def recognizer_from_config(data: Mapping[str, Any], *, path: str = "recognizers") -> RecognizerSpec:
    """Read a recognizer declared in config.

    Raises
    ------
    ConfigError
        Listing every problem, each with its path under ``path``, the recognizer's name
        and, for a bad regular expression, the expression itself.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(
            [
                Problem(
                    path,
                    f"a recognizer must be a mapping, not {type(data).__name__}",
                    "give name, entity and patterns or deny_list",
                )
            ]
        )
    try:
        return RecognizerSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(_problems(exc, data, path)) from None


def _problems(exc: ValidationError, data: Mapping[str, Any], path: str) -> list[Problem]:
    label = f"recognizer '{data.get('name', '?')}': "

    def special(issue: Issue) -> Problem:
        if issue.kind == "extra_forbidden":
            return Problem(
                issue.path,
                f"{label}unknown field '{issue.key}'",
                "known fields: " + ", ".join(RecognizerSpec.model_fields),
            )
        if issue.kind == "missing":
            return Problem(issue.path, f"{label}'{issue.key}' is required")
        if "regex" in issue.message:
            fix = "escape special characters such as ( [ { + * ? with a backslash"
            return Problem(issue.path, issue.message, fix)
        if issue.message.startswith("recognizer"):
            return Problem(issue.path, issue.message)
        return Problem(issue.path, f"{label}{issue.message}")

    return pydantic_problems(exc, prefix=path, special=special)


def register_recognizer(recognizer: EntityRecognizer | RecognizerSpec) -> None:
    """Add a recognizer to every analyzer built from now on (replaces one of that name)."""
    if not isinstance(recognizer, EntityRecognizer | RecognizerSpec):
        raise TypeError(
            "register_recognizer takes a RecognizerSpec or a Presidio "
            f"EntityRecognizer, not {type(recognizer).__name__}"
        )
    with _PLUGINS_LOCK:
        _PLUGINS[_name_of(recognizer)] = recognizer
    _clear_cache()


def _name_of(recognizer: EntityRecognizer | RecognizerSpec) -> str:
    return str(recognizer.name)  # type: ignore[has-type]  # untyped in Presidio


def unregister_recognizer(name: str) -> None:
    """Remove a recognizer added with :func:`register_recognizer` (no error if absent)."""
    with _PLUGINS_LOCK:
        found = _PLUGINS.pop(name, None)
    if found is not None:
        _clear_cache()


def registered_recognizers() -> list[EntityRecognizer | RecognizerSpec]:
    """The recognizers added with :func:`register_recognizer`, in order."""
    with _PLUGINS_LOCK:
        return list(_PLUGINS.values())


def plugin_operators(specs: Iterable[RecognizerSpec] = ()) -> dict[str, str]:
    """The suggested operator of each entity of the given and the registered specs."""
    found = [*registered_recognizers(), *specs]
    return {r.entity: r.operator for r in found if isinstance(r, RecognizerSpec)}


# --------------------------------------------------------------------------- analyzer

_CACHE: dict[tuple[Any, ...], AnalyzerEngine] = {}
_CACHE_LOCK = threading.Lock()


def build_analyzer(recognizers: Sequence[RecognizerSpec] | None = None) -> AnalyzerEngine:
    """The offline analyzer with our recognizers, the registered ones and ``recognizers``.

    Cached: the same recognizer set (and the same registered plug-ins) gives the same
    engine, so call it freely.
    """
    specs = tuple(recognizers or ())
    with _PLUGINS_LOCK:
        plugins = tuple(_PLUGINS.values())
    model = _nlp_model()
    key = (model, tuple(s.model_dump_json() for s in specs), tuple(id(p) for p in plugins))
    with _CACHE_LOCK:
        engine = _CACHE.get(key)
        if engine is None:
            engine = _new_analyzer(model, [*plugins, *specs])
            _CACHE[key] = engine
    return engine


def context_vocabulary(analyzer: AnalyzerEngine) -> frozenset[str]:
    """Every context word of the analyzer's recognizers, in lower case."""
    return frozenset(
        word.lower()
        for recognizer in analyzer.registry.recognizers
        for word in recognizer.context or ()
    )


def _clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def _new_analyzer(model: str, extra: Sequence[EntityRecognizer | RecognizerSpec]) -> AnalyzerEngine:
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": LANGUAGE, "model_name": model}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    # Whole words: Presidio's default substring match lets "lic" (licence) hit "applicant".
    enhancer = LemmaContextAwareEnhancer(context_matching_mode="whole_word")
    engine = AnalyzerEngine(
        nlp_engine=nlp_engine, supported_languages=[LANGUAGE], context_aware_enhancer=enhancer
    )
    registry = engine.registry
    if model not in NER_MODELS:
        registry.remove_recognizer("SpacyRecognizer")  # a blank pipeline has no NER
    for name in (
        "PhoneRecognizer",
        "CreditCardRecognizer",
        "UsSsnRecognizer",
        "IbanRecognizer",
        "UrlRecognizer",
        "NhsRecognizer",
        "MedicalLicenseRecognizer",
    ):
        registry.remove_recognizer(name)  # replaced by ours (``_builtin_recognizers``)
    for recognizer in _builtin_recognizers():
        registry.add_recognizer(recognizer)
    for item in extra:
        for recognizer in item.to_recognizers() if isinstance(item, RecognizerSpec) else [item]:
            registry.add_recognizer(recognizer)
    return engine


@Language.component("lower_lemma")
def lower_lemma(doc: Doc) -> Doc:
    """Set each token's lemma to its lower case, so Presidio's context words match."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


def _nlp_model() -> str:
    """An installed ``en_core_web_*`` model, else the blank pipeline (created once)."""
    for name in NER_MODELS:
        if spacy.util.is_package(name):
            return name
    path = settings.home() / BLANK_MODEL_DIR
    if not (path / "config.cfg").exists():
        _save_blank_model(path)
    return str(path)


def _save_blank_model(path: Path) -> None:
    nlp = spacy.blank(LANGUAGE)
    nlp.add_pipe("lower_lemma")
    tmp = Path(tempfile.mkdtemp(prefix=".spacy-blank-", dir=path.parent))
    try:
        nlp.to_disk(tmp)
        tmp.rename(path)
    except OSError:  # another process saved it first
        if not (path / "config.cfg").exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _builtin_recognizers() -> list[EntityRecognizer]:
    return [
        FastPhoneRecognizer(supported_regions=PHONE_REGIONS, context=PHONE_CONTEXT),
        PhonePatternRecognizer(),
        CardRecognizer(),
        StrictIbanRecognizer(),
        WebUrlRecognizer(),
        UkNhsRecognizer(),
        DeaNumberRecognizer(),
        UsSsnRecognizer(context=[*UsSsnRecognizer.CONTEXT, "socsec", "socialsecurity"]),
        UkNinoRecognizer(context=["nino", "ni", "insurance", "national"]),
        ItFiscalCodeRecognizer(
            supported_language=LANGUAGE, context=["codice", "fiscale", "cf", "tax", "id"]
        ),
        EsNifRecognizer(supported_language=LANGUAGE, context=["dni", "nif", "id"]),
        EsNieRecognizer(supported_language=LANGUAGE, context=["nie", "id"]),
        DeTaxIdRecognizer(),
        FrNirRecognizer(),
        NlBsnRecognizer(),
        PassportRecognizer(),
        NameRecognizer(),
        LocationRecognizer(),
        StreetAddressRecognizer(),
        PostalCodeRecognizer(),
        DateOfBirthRecognizer(),
    ]


# ----------------------------------------------------------------------- word lists


def _fold(text: str) -> str:
    """Lower case without accents: 'José' and 'JOSE' both give 'jose'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strings(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        value = list(value)
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


_PROVIDER_KINDS = frozenset({"person", "address"})


def _provider(kind: str, locale: str) -> Any:
    """Faker's ``kind`` provider class of ``locale`` (None when Faker has none).

    Both names come from this module's constants and are checked against Faker's own
    lists before a module path is built from them.
    """
    from faker.config import AVAILABLE_LOCALES

    if kind not in _PROVIDER_KINDS or locale not in AVAILABLE_LOCALES:
        return None
    try:
        return importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
    except ImportError:
        return None


@functools.cache
def _names() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Folded first names, last names, titles and name suffixes of ``NAME_LOCALES``."""
    first: set[str] = set()
    last: set[str] = set()
    titles: set[str] = {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "lady",
        "rev",
        "herr",
        "frau",
        "m",
        "mme",
        "mlle",
        "sr",
        "sra",
        "srta",
        "dott",
        "dott.ssa",
        "sig",
        "sig.ra",
        "ing",
        "dhr",
        "mevr",
        "pan",
        "pani",
    }
    suffixes: set[str] = {
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "md",
        "phd",
        "dds",
        "dvm",
        "esq",
        "mba",
        "msc",
        "bsc",
        "ba",
        "ma",
    }
    for locale in NAME_LOCALES:
        provider = _provider("person", locale)
        for attr in dir(provider):
            values = _strings(getattr(provider, attr, None))
            if "first_name" in attr and not attr.endswith("formats"):
                first.update(_fold(v) for v in values)
            elif "last_name" in attr and not attr.endswith("formats"):
                last.update(_fold(v) for v in values)
            elif attr.startswith("prefixes"):
                titles.update(_fold(v).rstrip(".") for v in values)
            elif attr.startswith("suffixes"):
                suffixes.update(_fold(v).replace(".", "") for v in values)
    last.update(_feminine(name) for name in list(last))
    last.discard("")
    titles -= _PARTICLES
    return frozenset(first), frozenset(last), frozenset(titles), frozenset(suffixes)


def _feminine(name: str) -> str:
    """The feminine form of a Slavic last name ("kowalski" -> "kowalska"), else ""."""
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"), ("ý", "á")):
        if name.endswith(male):
            return name[: -len(male)] + female
    return ""


@functools.cache
def _places() -> tuple[frozenset[str], frozenset[str]]:
    """Folded names of places (cities, regions, states, countries) and US/CA state codes."""
    places: set[str] = set()
    codes: set[str] = set()
    for locale in (
        "en_US",
        "en_GB",
        "en_CA",
        "en_AU",
        "en_IN",
        "en_NZ",
        "de_DE",
        "de_AT",
        "de_CH",
        "fr_FR",
        "fr_CA",
        "es_ES",
        "es_MX",
        "it_IT",
        "nl_NL",
        "nl_BE",
        "pt_BR",
        "pt_PT",
        "pl_PL",
        "sv_SE",
        "da_DK",
        "no_NO",
        "fi_FI",
        "cs_CZ",
        "sk_SK",
        "sl_SI",
        "hr_HR",
        "hu_HU",
        "ro_RO",
        "tr_TR",
    ):
        provider = _provider("address", locale)
        for attr in (
            "cities",
            "countries",
            "states",
            "regions",
            "provinces",
            "departments",
            "estados",
            "union_territories",
        ):
            value = getattr(provider, attr, None)
            for item in value if isinstance(value, list | tuple) else ():
                names = [item] if isinstance(item, str) else _strings(item)
                places.update(_fold(name) for name in names if len(name) > 3)
        if locale in ("en_US", "en_CA"):
            for attr in ("states_abbr", "provinces_abbr"):
                codes.update(_strings(getattr(provider, attr, None)))
    return frozenset(p for p in places if len(p) > 2), frozenset(codes)


def _words(text: str) -> list[str]:
    return text.split()


# Common English words that are also names: alone, they are weak evidence of a name.
_COMMON_WORDS = frozenset(
    _words("""
able about above after again against age air all also always amber an and angel any april
are art as ash august autumn baker ball bank bay beach bell berry best big bill bird black
blue bold bond boy branch bright brook brown buck bush but by call can cannon card carry
case cash castle chance change chapel charity cherry chief child church clay clear close
coal cook cool copper corn cotton court cove crane cross crown dale dark date dawn day dean
december deep dell diamond do dove down drake duke early east else ember english even
every fair faith fall far february field fine fish fisher flower ford forest fox frank
free french friday frost full gay gold golden good grace grand grant gray green grey grove
guy hall hand happy hard harvest hazel head heart heath high hill holly home honey hope
house hunter in iris is ivy jack january jasmine jay jewel job joy july june just key
king lake lamb land lane large last law lay lea lee light lily line link list little
long lord love low lucky major march mark marsh mason may meadow merry middle mill miller
min mine monday moon moore more moss mountain my new news night noble north november now
oak ocean october of old olive on one or page palm park pearl penny per pepper
pike pine plain poor pope porter post power pray price prince queen rain ray read real
red rich river robin rock rose ross round row royal ruby rush sage saint salt sand saturday
say sea season see september shade sharp shepherd short silver sky small smart snow so
song south spring star steel stone storm strong summer sun sunday sunny swan sweet
tailor thursday to today tree true tuesday turner under up upon very violet
wall ward warren water wave way wednesday well west white wild will win winter wise wolf
wood woods worth wren year yellow young tea said edit brandy candy ginger basil sherry
rosemary eve carmine sugar coco cocoa mint saffron clementine cinnamon kiwi mango cookie
brownie toffee caramel blossom sunshine
""")
)
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "dela",
        "di",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "les",
        "y",
        "e",
        "ten",
        "ter",
        "zu",
        "af",
        "al",
        "bin",
        "ibn",
        "st",
    }
)
_NAME_TOKEN = re.compile(
    r"(?:[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*"
    r"\.?|[^\W\d_]['’])$"
)


# ---------------------------------------------------------------------- recognizers


class _Recognizer(EntityRecognizer):
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


def _span(text: str) -> tuple[int, int]:
    """Start and end of ``text`` without surrounding white space."""
    start = len(text) - len(text.lstrip())
    return start, len(text.rstrip())


_ORG_WORDS = frozenset(
    _words("""
inc corp corporation co company ltd llc llp plc gmbh ag kg sa sas sarl spa srl nv bv ab as
oy group holding holdings bank banco banque airlines airline airways air lines international
intl industries industry systems technologies technology services solutions partners capital
energy motors motor pharmaceuticals pharma insurance financial trust fund foundation
association university college school institute hospital clinic club society church council
department ministry agency office store stores shop restaurant hotel cafe pub bar market
""")
)


def _initial(token: str) -> bool:
    return len(token.rstrip(".")) == 1 and token[0].isalpha()


def name_tokens(value: str) -> list[str] | None:
    """The words of a value that reads like a person's name (first to last), else None.

    Like a name: at most 80 characters, no digits, no organisation words ("Inc",
    "Airlines"), one comma at most ("Last, First"), words capitalised (or all lower
    case); titles, suffixes and particles ("van der") are allowed and left out, initials
    ("J.") kept.
    """
    value = value.strip()
    if not value or len(value) > 80 or any(ch.isdigit() for ch in value):
        return None
    if value.count(",") == 1:
        head, tail = (part.strip() for part in value.split(","))
        value = head if _fold(tail).replace(".", "") in _names()[3] else f"{tail} {head}"
    tokens = value.split()
    if not tokens or len(tokens) > 7 or not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if any(_fold(t).strip(".") in _ORG_WORDS for t in tokens):
        return None
    _, _, titles, suffixes = _names()
    core = list(tokens)
    while core and _fold(core[0]).rstrip(".") in titles:
        core.pop(0)
    while len(core) > 1 and _fold(core[-1]).replace(".", "") in suffixes:
        core.pop()
    words = [t for t in core if _fold(t) not in _PARTICLES]
    names = [t for t in words if not _initial(t)]
    if not names or len(names) > 5:
        return None
    if not (all(t.islower() for t in names) or all(t[0].isupper() for t in words)):
        return None
    if len(words) == 1 and (len(words[0]) <= 2 or (words[0].isupper() and len(words[0]) <= 4)):
        return None  # "AB", "IBM": codes and acronyms
    return words


class NameRecognizer(_Recognizer):
    """Person names from Faker's name lists (see ``NAME_LOCALES``).

    A whole value is a ``FIRST_NAME`` or ``LAST_NAME`` when it is one listed name,
    a ``PERSON`` when it reads first name ... last name (or "Last, First"), titles,
    suffixes, initials and particles ("van der", "de la") allowed. Names that are common
    English words ("May", "Green") or with only one listed part score low without
    context. In longer text, capitalised first-name ... last-name sequences are
    ``PERSON``.
    """

    ENTITIES = ("PERSON", "FIRST_NAME", "LAST_NAME")
    CONTEXT: ClassVar[list[str]] = [
        "name",
        "names",
        "first",
        "last",
        "surname",
        "forename",
        "given",
        "family",
        "fname",
        "lname",
        "fullname",
        "person",
        "customer",
        "client",
        "patient",
        "employee",
        "contact",
        "owner",
        "holder",
        "user",
        "author",
        "artist",
        "member",
        "student",
        "player",
        "applicant",
        "recipient",
        "sender",
        "beneficiary",
        "manager",
        "nombre",
        "apellido",
        "vorname",
        "nachname",
        "prenom",
        "nom",
        "cognome",
        "naam",
        "achternaam",
        "voornaam",
    ]
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
        start, end = _span(text)
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
        first, last, _, _ = _names()
        words = [t for t in tokens if not _initial(t)]
        lower = all(t.islower() for t in words)
        if len(words) == 1 and len(tokens) > 1:  # "D. Law", "Law, D"
            known = _known(words[0], last) or _known(words[0], first)
            return [("PERSON", 0.3)] if known and not _common(words[0]) else []
        if len(words) == 1:
            word = words[0]
            score = 0.15 if lower or _common(word) else 0.45
            found = [
                (entity, score)
                for entity, names in (("FIRST_NAME", first), ("LAST_NAME", last))
                if _known(word, names)
            ]
            return found
        if _known(words[0], first) and _known(words[-1], last):
            score = 0.3 if _common(words[0]) and _common(words[-1]) else 0.75
        elif any(_known(w, first | last) and not _common(w) for w in words):
            score = 0.3
        else:
            return []
        return [("PERSON", score / 2 if lower else score)]

    def _in_text(self, text: str) -> list[tuple[int, int, float]]:
        found = self._full_names(text) + _names_in_context(text)
        found = _merge(found + _first_names_alone(text, found))
        streets = _street_recognizer().streets(text) if any(ch.isdigit() for ch in text) else []
        return [
            (s, e, score)
            for s, e, score in found  # "Via Mariana, 89": a street
            if not any(a <= s and e <= b for a, b in streets)
        ]

    def _full_names(self, text: str) -> list[tuple[int, int, float]]:
        """Capitalised first name ... last name sequences, within one sentence."""
        first, last, _, _ = _names()
        found = []
        for match in self._RUN.finditer(text):
            tokens = [(m.start(), m.end()) for m in regex.finditer(r"\S+", match.group())]
            words = [match.group()[s:e] for s, e in tokens]
            for i, word in enumerate(words[:-1]):
                if not _known(word, first) or _non_name(word):
                    continue
                j = max(
                    (
                        k
                        for k in range(i + 1, len(words))
                        if _known(words[k].rstrip(".,"), last)
                        or _known(" ".join(words[k - 1 : k + 1]).rstrip(".,"), last)
                        or _fold(words[k - 1]) in _PARTICLES
                    ),
                    default=None,
                )
                if j is None or any(w.endswith(".") and not _initial(w) for w in words[i:j]):
                    continue  # "Mary. Ring": a sentence ends between them
                if any(_fold(w).strip(".") in _ORG_WORDS for w in words[i : j + 1]):
                    continue
                common = _common(word) and _common(words[j])
                found.append(
                    (
                        match.start() + tokens[i][0],
                        match.start() + tokens[j][1],
                        0.3 if common else 0.6,
                    )
                )
                break
        return found


# Words before a name: a title ("Mr.", "Frau"), then any capitalised name; a verb or
# greeting ("call", "ask", "spoke with", "thanks", "per"), then a listed name or a
# capitalised word that is no common word; a preposition or a role ("from", "by",
# "driver", "patient"), then a listed name that is no common word nor a place.
NAME_CUES = frozenset(
    _words("""
call calling phone phoned ring rang ask asked asking contact contacted
contacting email emailed mail mailed text texted message messaged ping pinged tell told
remind reminded cc bcc attn dear hi hello hey thanks thank thx regards cheers spoke speak
speaking talked talk talking met meet meeting visited inform informed notify notified
assigned escalated approved signed reviewed reported requested handled forwarded
transferred referred seen treated examined invited interviewed paid refunded reach reached
per verified checked confirmed prepared
written created updated closed opened entered logged submitted completed processed
authorised authorized accepted rejected declined cancelled canceled booked scheduled
bel bellen belde vraag vragen mailen gesproken gebeld hallo beste rappeler appeler appelé
contacter demander bonjour salut cher chère llamar llamó contactar preguntar avisar hola
querido querida estimado estimada chiamare chiamato contattare chiedere sentire telefonare
ciao gentile caro cara anrufen angerufen fragen liebe lieber hallo sprach gesprochen
""")
)
NAME_PREPOSITIONS = frozenset(
    _words("""
from by with for to für mit von an par pour avec con door voor met
customer client patient employee driver courier technician agent nurse doctor colleague
supervisor user member tenant guest caller applicant candidate person recipient sender
holder cardholder beneficiary insured passenger student teacher kunde kundin klant cliente
paciente patiente ansprechpartner ansprechpartnerin contactpersoon
""")
)
_ABBREVIATED_CUES = frozenset({"attn", "cc", "tel"})
# Titles also written in lower case, always with a period: "dal sig. Rossi".
_LOWER_TITLES = frozenset(
    {
        "sig",
        "sig.ra",
        "sig.na",
        "dott",
        "dott.ssa",
        "sr",
        "sra",
        "srta",
        "dr",
        "prof",
        "ing",
        "avv",
        "dhr",
        "mevr",
        "hr",
        "fr",
    }
)
_CUE_FILLERS = frozenset(
    _words("""
back up with to by for on again out a al à an mit met terug
""")
)
_EXTRA_TITLES = frozenset(
    _words("""
herrn mister missus madam madame monsieur mademoiselle señor señora señorita don doña
signor signora signorina sig.ra sig.na dott.ssa mevrouw meneer sir lady lord dame
""")
)
# Capitalised words that are no names after a cue: teams, roles, days, months, pronouns.
_NOT_NAMES = frozenset(
    _words("""
support sales billing accounting accounts finance hr it legal marketing reception security
service services customer customers care center centre desk helpdesk help team office
warehouse dispatch logistics shipping operations ops admin administration management
manager supervisor front technical tech engineering qa procurement purchasing payroll
compliance tax claims returns collections escalations hotline department dept unit group
staff everyone all someone anyone somebody nobody client clients patient user users caller
driver courier doctor nurse agent rep representative owner tenant landlord neighbour
neighbor me us them him her you back later again today tomorrow tonight asap now soon
please regarding re about urgent immediately monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october
november december montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi
mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado
domingo lunedì martedì mercoledì giovedì venerdì sabato domenica maandag dinsdag woensdag
donderdag vrijdag zaterdag zondag american british english french german italian spanish
dutch irish scottish swiss austrian belgian european canadian australian mexican
chinese japanese indian russian polish portuguese swedish danish norwegian
mom mum dad mother father sister brother wife husband son daughter family friend friends
boss colleague colleagues god jesus santa folks guys everybody people sirs
""")
)


@functools.cache
def _non_names() -> frozenset[str]:
    """Folded words that are no names in text: common English words, stop words, ``_NOT_NAMES``."""
    from spacy.lang.en.stop_words import STOP_WORDS

    lorem = _strings(
        getattr(importlib.import_module("faker.providers.lorem.en_US").Provider, "word_list", None)
    )
    words = {_fold(w) for w in [*lorem, *STOP_WORDS]} | {_fold(w) for w in _NOT_NAMES}
    return frozenset(words | _COMMON_WORDS | _ORG_WORDS | _OTHER_NUMBERS)


def _non_name(token: str) -> bool:
    """A stop word, weekday, month, role or team word: no name even when listed."""
    from spacy.lang.en.stop_words import STOP_WORDS

    key = regex.sub(r"['’](?:s|m|re|ll|d|ve)$|n['’]t$", "", _fold(token.strip(".,")))
    return key in STOP_WORDS or key in _NOT_NAMES or key in _OTHER_NUMBERS


_TOKEN = regex.compile(
    r"(?:[dDlL]['’])?[\p{L}\p{M}][\p{L}\p{M}'’-]*(?:\.(?:ra|na|ssa)\b)?\.?|"
    r"['’]t\b"
)  # "sig.ra", "dott.ssa" are one word


def _names_in_context(text: str) -> list[tuple[int, int, float]]:
    """Names after a title, a verb or greeting, or a preposition (see ``NAME_CUES``)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [text[s:e] for s, e in tokens]
    found: list[tuple[int, int, float]] = []
    _, _, titles, _ = _names()
    for i, word in enumerate(words[:-1]):
        key = _fold(word).rstrip(".")
        if (
            (key in titles or key in _EXTRA_TITLES)
            and (word[0].isupper() or ("." in word and key in _LOWER_TITLES))
            and (len(key) > 1 or word.endswith("."))
            and _joined(text, tokens, i)
        ):
            span = _name_after(text, tokens, words, i + 1, after="title")
            if span:
                found.append((span[0], span[1], 0.65))
            continue
        if word.endswith(".") and len(key) > 1 and key not in _ABBREVIATED_CUES:
            continue  # a cue ends a sentence: "... we called. Berlin was ..."
        j = i + 1
        if (
            key in NAME_CUES
            and j < len(words)
            and _fold(words[j]) in _CUE_FILLERS
            and (_joined(text, tokens, i))
        ):
            j += 1  # "call back Anna", "spoke with Anna", "llamar a Ana"
        greeting = key in _GREETINGS
        if greeting and not _starts_sentence(text, tokens[i][0]):
            continue  # "Hello Kitty" inside a sentence is no greeting
        if key in NAME_CUES and _joined(text, tokens, j - 1, greeting=greeting):
            span = _name_after(text, tokens, words, j, after="verb")
            if span:
                found.append(span)
        elif key in NAME_PREPOSITIONS and _joined(text, tokens, i):
            span = _name_after(text, tokens, words, j, after="preposition")
            if span:
                found.append(span)
    return found


_GREETINGS = frozenset(
    _words(
        "dear hi hello hey thanks thank thx cheers regards hallo beste "
        "bonjour salut hola ciao liebe lieber cher chère querido querida "
        "estimado estimada gentile caro cara"
    )
)


def _starts_sentence(text: str, start: int) -> bool:
    """Nothing but a sentence end, a line break, a dash or a quote before ``start``."""
    return bool(regex.search(r"(?:^|[.!?:;\n>]|--?|[\"'(])[ \t]*$", text[:start]))


def _joined(text: str, tokens: list[tuple[int, int]], i: int, greeting: bool = False) -> bool:
    """Only blanks (after a greeting, a comma too) between token ``i`` and the next."""
    if i + 1 >= len(tokens):
        return False
    gap = text[tokens[i][1] : tokens[i + 1][0]]
    return bool(regex.fullmatch(r"[ \t]+" if not greeting else r"[ \t]*,?[ \t]+", gap))


def _name_after(
    text: str, tokens: list[tuple[int, int]], words: list[str], j: int, *, after: str
) -> tuple[int, int, float] | None:
    """The name that starts at token ``j``, with the capitalised names that follow it.

    After a title any capitalised word starts a name; after a verb or greeting a listed
    name or a capitalised word that is neither a common word nor a place; after a
    preposition only a listed name that is neither common nor a place.
    """
    if j >= len(words):
        return None
    first, last, _, _ = _names()
    places = _places()[0]
    k = j
    while (
        k < len(words) - 1
        and _fold(words[k]).rstrip(".") in _PARTICLES | {"'t", "’t"}
        and (_joined(text, tokens, k))
    ):
        k += 1  # "van 't Riet", "de la Fuente"
    word = words[k].rstrip(".")
    titles = _names()[2] | _EXTRA_TITLES
    if not word or _non_name(word) or _fold(word) in titles:
        return None
    listed = _known(word, first) or _known(word, last)
    capitalised = word[0].isupper() and not (word.isupper() and len(word) > 1)
    if capitalised and after == "title":
        score = 0.65
    elif capitalised:
        if listed and after == "preposition" and (_common(word) or _fold(word) in places):
            return None  # "from Florence", "by Chance"
        if not listed and (
            after == "preposition"
            or _fold(word) in _non_names()
            or _fold(word) in places
            or len(word) < 2
        ):
            return None
        score = 0.6 if listed else 0.45
    elif (
        listed
        and after == "verb"
        and k == j
        and not _common(word)
        and (_fold(word) not in _non_names())
    ):
        return (tokens[k][0], tokens[k][0] + len(word), 0.45)  # "hi bernardo"
    else:
        return None
    end = tokens[k][0] + len(word)
    n = k + 1
    while (
        n < len(words)
        and n - k <= 3
        and _joined(text, tokens, n - 1)
        and not (words[n - 1].endswith(".") and not _initial(words[n - 1]))
    ):
        nxt = words[n].rstrip(".")
        key = _fold(nxt)
        if key in _PARTICLES and n + 1 < len(words):
            n += 1
            continue
        if (
            not nxt
            or not nxt[0].isupper()
            or _non_name(nxt)
            or key in _ORG_WORDS
            or (nxt.isupper() and len(nxt) > 1)
        ):
            break
        end = tokens[n][0] + len(nxt)
        n += 1
    return (tokens[j][0], end, score)


_MONTH_ABBREVIATIONS = frozenset(
    _words(
        "jan feb mar apr jun jul aug sep sept oct nov dec "
        "mär mai okt dez janv févr avr juil sept déc ene "
        "abr ago dic gen mag giu lug ott mrt mei"
    )
)
_PLACE_PREPOSITIONS = frozenset(_words("in at near to à en nach aus naar bij a"))
_DETERMINERS = frozenset(
    _words(
        "the a an my our your his her their this that these those "
        "some any every no der die das ein eine le la les un une il "
        "lo el los las una de het een"
    )
)


def _first_names_alone(
    text: str, found: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """A listed first name on its own ("Erik will call back"), scored 0.45.

    Capitalised, neither a common word nor a place, not after a determiner ("the
    Rosemary extract") and not inside a run of capitalised words ("Hello Kitty").
    """
    first = _names()[0]
    places = _places()[0]
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [text[s:e] for s, e in tokens]
    out: list[tuple[int, int, float]] = []
    for i, raw in enumerate(words):
        word = raw.rstrip(".")
        start, end = tokens[i][0], tokens[i][0] + len(word)
        if (
            len(word) < 3
            or not word[0].isupper()
            or word.isupper()
            or any(s < end and start < e for s, e, _ in found)
        ):
            continue
        key = _fold(word)
        if (
            not _known(word, first)
            or _common(word)
            or _non_name(word)
            or key in places
            or key in _non_names()
        ):
            continue
        if (
            key in _MONTH_ABBREVIATIONS
            or regex.search(r"\d[ \t]*$", text[:start])
            or (regex.match(r"[ \t]*\d", text[end:]))
        ):
            continue  # "27 Jan 2020", "20433 Noël" (a town after its postal code)
        before = words[i - 1] if i else ""
        joined_before = i > 0 and _joined(text, tokens, i - 1)
        if joined_before and (
            _fold(before) in _DETERMINERS | _PLACE_PREPOSITIONS
            or (before[:1].isupper() and not _starts_sentence(text, tokens[i - 1][0]))
        ):
            continue
        if (
            i + 1 < len(words)
            and _joined(text, tokens, i)
            and words[i + 1][:1].isupper()
            and not raw.endswith(".")
        ):
            continue
        out.append((start, end, 0.45))
    return out


def _merge(spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Overlapping spans joined, with the highest score."""
    out: list[tuple[int, int, float]] = []
    for start, end, score in sorted(spans):
        if out and start < out[-1][1]:
            s, e, best = out[-1]
            out[-1] = (s, max(e, end), max(best, score))
        else:
            out.append((start, end, score))
    return out


@functools.cache
def _street_recognizer() -> StreetAddressRecognizer:
    return StreetAddressRecognizer()


def _known(token: str, names: frozenset[str]) -> bool:
    key = _fold(token.rstrip("."))
    return key in names or ("-" in key and all(p in names for p in key.split("-") if p))


def _common(token: str) -> bool:
    key = _fold(token.rstrip("."))
    return key in _COMMON_WORDS or len(key) <= 2


class LocationRecognizer(_Recognizer):
    """Whole values naming a city, region, state or country.

    Names in Faker's place lists score 0.5; US/Canadian state codes ("NY") and
    city-shaped names ("Port Jennifer", "Smithville", "Saint-Denis-sur-Mer") need
    context (a column named city, town, state, country, ...).
    """

    CONTEXT: ClassVar[list[str]] = [
        "city",
        "town",
        "village",
        "location",
        "place",
        "country",
        "state",
        "province",
        "region",
        "county",
        "municipality",
        "locality",
        "stadt",
        "ville",
        "ciudad",
        "citta",
        "città",
        "comune",
        "pais",
        "país",
        "birthplace",
        "hometown",
        "residence",
        "nation",
        "headquarter",
        "destination",
        "origin",
    ]
    _PREFIXES = frozenset(
        {
            "north",
            "south",
            "east",
            "west",
            "new",
            "lake",
            "port",
            "fort",
            "mount",
            "saint",
            "sainte",
            "st",
            "san",
            "santa",
            "santo",
            "sao",
            "los",
            "las",
            "el",
            "la",
            "le",
            "bad",
            "sankt",
            "borgo",
            "sesto",
        }
    )
    _SUFFIXES = (
        "town",
        "ton",
        "ville",
        "burg",
        "burgh",
        "berg",
        "borough",
        "bury",
        "land",
        "mouth",
        "port",
        "view",
        "chester",
        "haven",
        "side",
        "shire",
        "stad",
        "furt",
        "fort",
        "field",
        "ford",
        "ham",
        "dale",
        "wood",
        "wick",
        "by",
        "heim",
        "hausen",
        "dorf",
        "stadt",
        "feld",
        "bach",
        "ingen",
        "hofen",
        "bruck",
        "brucken",
        "bourg",
        "court",
        "mont",
        "polis",
        "grad",
    )
    _SHAPE = re.compile(r"(?:[^\W\d_][\w'’.]*)(?:[ -][^\W\d_][\w'’.]*){0,4}$")

    def __init__(self) -> None:
        super().__init__(["LOCATION"], "LocationRecognizer", self.CONTEXT)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """A result spanning the whole value, or nothing."""
        start, end = _span(text)
        score = self._score(text[start:end])
        if not score or "LOCATION" not in entities:
            return []
        return [self._result("LOCATION", start, end, score, "place name")]

    def _score(self, value: str) -> float:
        if not value or len(value) > 60 or not self._SHAPE.match(value):
            return 0.0
        places, codes = _places()
        key = _fold(value)
        if key in places:
            return 0.15 if key in _COMMON_WORDS else 0.5
        if value in codes:
            return 0.1
        words = value.replace("-", " ").split()
        if not all(
            w[0].isupper() or _fold(w) in _PARTICLES or w in ("sur", "les", "en") for w in words
        ):
            return 0.0
        prefixes, suffixes = _city_affixes()
        shaped = (_fold(words[0]).rstrip(".") in prefixes and len(words) > 1) or _fold(
            value
        ).endswith(suffixes)
        return 0.2 if shaped or regex.search(r"-(?:sur|les|la|en|le)-", value) else 0.0


@functools.cache
def _city_affixes() -> tuple[frozenset[str], tuple[str, ...]]:
    """Words that begin ("North", "San") and endings that end city names ("ville")."""
    prefixes = set(LocationRecognizer._PREFIXES)
    suffixes = set(LocationRecognizer._SUFFIXES)
    for locale in ("en_US", "en_GB", "en_AU", "fr_FR", "de_DE", "it_IT", "es_MX", "pt_BR", "nl_NL"):
        provider = _provider("address", locale)
        prefixes.update(_fold(p) for p in _strings(getattr(provider, "city_prefixes", None)))
        suffixes.update(
            _fold(s).strip() for s in _strings(getattr(provider, "city_suffixes", None))
        )
    return frozenset(prefixes), tuple(sorted(s for s in suffixes if len(s) >= 2))


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted({regex.escape(w) for w in words}, key=len, reverse=True))


@functools.cache
def _street_words() -> tuple[str, str, str]:
    """Regex alternations: English street types, prefix types (Rue, Via, ...), compounds."""
    english = {
        "street",
        "st",
        "avenue",
        "ave",
        "av",
        "road",
        "rd",
        "lane",
        "ln",
        "drive",
        "dr",
        "boulevard",
        "blvd",
        "court",
        "ct",
        "way",
        "place",
        "pl",
        "terrace",
        "ter",
        "circle",
        "cir",
        "parkway",
        "pkwy",
        "highway",
        "hwy",
        "square",
        "sq",
        "trail",
        "trl",
        "close",
        "crescent",
        "cres",
        "grove",
        "gardens",
        "mews",
        "row",
        "walk",
        "hill",
        "park",
        "view",
        "point",
        "green",
        "gate",
        "wharf",
    }
    prefix = {
        "rue",
        "avenue",
        "av",
        "boulevard",
        "bd",
        "chemin",
        "impasse",
        "allée",
        "allee",
        "quai",
        "route",
        "cours",
        "passage",
        "place",
        "square",
        "voie",
        "calle",
        "c",
        "avenida",
        "avda",
        "paseo",
        "plaza",
        "camino",
        "carretera",
        "ronda",
        "travesía",
        "cañada",
        "cuesta",
        "acceso",
        "glorieta",
        "pasaje",
        "callejón",
        "vía",
        "via",
        "viale",
        "piazza",
        "piazzale",
        "corso",
        "vicolo",
        "largo",
        "strada",
        "borgo",
        "contrada",
        "rotonda",
        "stretto",
        "rua",
        "alameda",
        "travessa",
        "praça",
        "ulica",
        "ul",
        "aleja",
        "al",
        "plac",
        "pl",
        "os",
        "osiedle",
        "urbanización",
        "urbanizacion",
        "urb",
        "polígono",
        "poligono",
        "barrio",
        "carrer",
        "rambla",
        "avinguda",
    }
    for locale in ("en_US", "en_GB", "en_CA", "en_AU"):
        english.update(
            _fold(s)
            for s in _strings(getattr(_provider("address", locale), "street_suffixes", None))
        )
    for locale in ("fr_FR", "es_ES", "es_MX", "pt_BR", "pt_PT", "pl_PL"):
        prefix.update(
            _fold(s).rstrip(".")
            for s in _strings(getattr(_provider("address", locale), "street_prefixes", None))
        )
    prefix.update(
        _fold(s) for s in _strings(getattr(_provider("address", "it_IT"), "street_suffixes", None))
    )
    prefix -= {"street", "c", "r"}  # one letter only as "C/", "C." or "R." (see the patterns)
    compound = {
        "straße",
        "strasse",
        "str.",
        "weg",
        "gasse",
        "platz",
        "allee",
        "ring",
        "damm",
        "ufer",
        "steig",
        "pfad",
        "chaussee",
        "markt",
        "laan",
        "straat",
        "plein",
        "gracht",
        "kade",
        "singel",
        "pad",
        "dijk",
        "steeg",
        "hof",
        "dreef",
        "baan",
        "vej",
        "gade",
        "gatan",
        "vägen",
        "veien",
        "gata",
        "gränd",
        "boulevard",
        "plantsoen",
    }
    return _alternation(english), _alternation(prefix), _alternation(compound)


_CORE_STREET_TYPES = (
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "court",
    "ct",
    "place",
    "pl",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "terrace",
    "circle",
)


# A sentence end inside a street match: "77, rue de Seguin. Please call Bertrand".
_SENTENCE_END = regex.compile(r"(?<!\b(?i:st|ste|av|bd|pl|dr|no|nr|n|c|r))\.(?=[ \t]+\p{Lu})")


def _shouting(text: str) -> bool:
    """Text written in capitals ("A/C STRUCK 4 GEESE ON LANDING ROLL")."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


class StreetAddressRecognizer(_Recognizer):
    """Street addresses: a house number, a street name and a street type.

    Forms: "12 Baker Street Apt. 4", "Hauptstraße 5", "Tirzalaan 6", "12, rue de la Paix",
    "Via Roma, 12", "Calle de Alcalá 7", "ul. Parkowa 80/63" and US military addresses.
    A short value of a few lines holding one (with a city and postal code around it) is
    a street address as a whole.
    """

    CONTEXT: ClassVar[list[str]] = [
        "address",
        "addr",
        "street",
        "strasse",
        "straße",
        "adresse",
        "direccion",
        "dirección",
        "indirizzo",
        "endereco",
        "endereço",
        "residence",
        "domicile",
        "line1",
        "mailing",
        "shipping",
        "billing",
    ]

    def __init__(self) -> None:
        super().__init__(["STREET_ADDRESS"], "StreetAddressRecognizer", self.CONTEXT)
        english, prefix, compound = _street_words()
        word = r"[\p{L}'’.-]+"
        cap = r"(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th))"
        number = r"\d{1,6}[a-zA-Z]?(?:\s?[/-]\s?\d{1,5}[a-zA-Z]?)?"
        unit = (
            r"(?:,?[ \t]+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Fl\.?|Floor|Room|#|"
            r"Appartamento|Puerta|Piso|Bloque|Escalera|Wohnung|bus)[ \t]*[\w-]+)?"
        )
        particle = r"(?:(?:de|del|la|las|los|di|da|do|dos|das|du|des|le|van|von|der|den|e)\s+)"
        self._patterns = [
            regex.compile(p)
            for p in [
                # 12 Baker Street, 690 Sanchez Union Suite 625
                rf"\b{number}[ \t]+(?:{cap}[ \t]+){{1,4}}(?i:{english})\b\.?{unit}",
                # Flat 3 / Studio 81X (new line) Maria Ville
                rf"\b(?:Flat|Studio|Apartment|Unit|Suite)[ \t]+\w+\s*\n[ \t]*(?:{cap}[ \t]+){{1,4}}"
                rf"(?i:{english})\b\.?",
                # Via Roma, 12 / Calle de Alcalá 7 / ul. Parkowa 80/63 / Rua X, 512
                rf"(?:\b(?i:{prefix})\.?|\b(?i:c/|c\.|r\.))[ \t]+{particle}*{cap}"
                rf"(?:[ \t]+{particle}*{cap}){{0,4}},?[ \t]+(?:n\.?[ºo°]?[ \t]?)?{number}{unit}",
                # 12, rue de la Paix / 406 rue Éléonore Louis
                rf"\b{number},?[ \t]+(?i:{prefix})[ \t]+{particle}*{word}"
                rf"(?:[ \t]+{particle}*{word}){{0,4}}",
                # Hauptstraße 5, Andrej-Seip-Weg 6, Tirzalaan 6, van der Dussengasse 4778
                rf"(?:\b{particle}{{0,2}})?\b(?=[\p{{L}}'’.-]*\p{{L}}[\p{{L}}'’.-]*\p{{L}}[\p{{L}}'’.-]*"
                rf"(?i:{compound}))[\p{{L}}'’.-]*(?i:{compound})[ \t]+{number}\b(?![ \t]?[-/.]?\d)"
                rf"{unit}",
                # Unit 3883 Box 6859 / PSC 1234, Box 5678 ... APO AE 12345
                r"\b(?:Unit|PSC|USNS|USS|USCGC)[ \t]+[\w ,]+\s+[ADF]PO[ \t]+A[AEP][ \t]+\d{5}\b",
            ]
        ]
        # In upper-case text every word is capitalised: only the usual street types count.
        core = _alternation(_CORE_STREET_TYPES)
        self._upper_patterns = [
            regex.compile(
                rf"\b{number}[ \t]+(?:{cap}[ \t]+){{1,4}}"
                rf"(?i:{core})\b\.?{unit}"
            ),
            self._patterns[-1],
        ]
        self._postal_line = regex.compile(
            r"(?m)^[ \t]*(?:\d{4,5}|\d{5}-\d{3,4}|\d{2}-\d{3}|"
            r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2})"
            r"\b|\b(?:[A-Z]{2}|\p{Lu}\p{L}+),? \d{5}\b"
        )
        self._street_start = regex.compile(
            rf"^\s*(?:{number},?[ \t]+)?(?:(?i:{prefix})\.?[ \t]"
            rf"|[\p{{L}}'’. -]*(?i:{compound})\b)"
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The whole value when it is an address block, else each street in the text."""
        if "STREET_ADDRESS" not in entities or not any(ch.isdigit() for ch in text):
            return []
        spans = self.streets(text)
        start, end = _span(text)
        lead = min((s for s, _ in spans), default=start)
        if spans:  # lines above the street (a name, "Recipient:") are not the address
            start = max(start, text.rfind("\n", start, lead) + 1)
        if self._is_block(text[start:end], text[start:lead]) and (
            spans or self._headless(text[start:end])
        ):
            end = start + self._block_end(text[start:end], lead - start)
            return [self._result("STREET_ADDRESS", start, end, 0.6, "address block")]
        return [self._result("STREET_ADDRESS", s, e, 0.6, "street address") for s, e in spans]

    def streets(self, text: str) -> list[tuple[int, int]]:
        """The spans of the streets in ``text``, each ending at a sentence end."""
        patterns = self._upper_patterns if _shouting(text) else self._patterns
        spans = []
        for pattern in patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                stop = _SENTENCE_END.search(text, start, end)
                spans.append((start, stop.start() if stop else end))
        return spans

    @staticmethod
    def _block_end(value: str, lead: int) -> int:
        """The block ends before a line after the street that is a phone or e-mail line."""
        offset = value.find("\n", lead)
        while offset >= 0:
            line = value[offset + 1 :].split("\n", 1)[0]
            if "@" in line or regex.match(r"\s*(?i:tel|phone|fax|mobile|e-?mail|cell)\b", line):
                return len(value[:offset].rstrip())
            offset = value.find("\n", offset + 1)
        return len(value)

    @staticmethod
    def _is_block(value: str, before: str) -> bool:
        """A few short lines, no sentence, nothing but a unit or name before the street."""
        lines = value.splitlines()
        words = [w for w in regex.findall(r"\b\p{Ll}{2,}\b", before) if w not in _PARTICLES]
        return (
            len(value) <= 160
            and len(lines) <= 6
            and not words
            and all(len(line.split()) <= 10 for line in lines)
            and not regex.search(r"\p{Ll}{3}[.!?]\s+\p{Lu}|\b(?:the|and|is|was|to|with)\b", value)
        )

    def _headless(self, value: str) -> bool:
        """A street without a number ("chemin de Mace") above a postal code line."""
        return (
            "\n" in value
            and bool(self._street_start.match(value))
            and bool(self._postal_line.search(value.split("\n", 1)[1]))
        )


class DeclaredPatternRecognizer(PatternRecognizer):
    """A pattern recognizer declared by its class attributes.

    ``ENTITY``, ``NAME``, ``PATTERNS``, ``CONTEXT`` and the regex ``FLAGS`` (Presidio's
    default: ignore case, multi-line, dot-all).
    """

    ENTITY: ClassVar[str]
    NAME: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]] = []
    FLAGS: ClassVar[int] = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=self.NAME,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=LANGUAGE,
            global_regex_flags=self.FLAGS,
        )


class PostalCodeRecognizer(DeclaredPatternRecognizer):
    """Postal codes: UK and Canadian formats alone; digit formats need context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "UK postcode", r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) \d[ABD-HJLNP-UW-Z]{2}\b", 0.45
        ),
        Pattern(
            "UK postcode (no space)",
            r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\d[ABD-HJLNP-UW-Z]{2}"
            r"\b",
            0.15,
        ),
        Pattern(
            "Canadian postal code",
            r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] "
            r"\d[ABCEGHJ-NPRSTV-Z]\d\b",
            0.45,
        ),
        Pattern(
            "Canadian postal code (no space)",
            r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]"
            r"\d[ABCEGHJ-NPRSTV-Z]\d\b",
            0.3,
        ),
        Pattern("US ZIP+4", r"\b\d{5}-\d{4}\b", 0.3),
        Pattern("5 digits (US, DE, FR, ES, IT)", r"\b\d{5}\b", 0.05),
        Pattern("Dutch postcode", r"\b\d{4} ?[A-Z]{2}\b", 0.1),
        Pattern("Brazilian CEP", r"\b\d{5}-\d{3}\b", 0.15),
        Pattern("8 digits (BR CEP)", r"\b\d{8}\b", 0.01),
        Pattern("Polish postcode", r"\b\d{2}-\d{3}\b", 0.05),
        Pattern("4 digits (AT, CH, BE, DK, AU)", r"\b\d{4}\b", 0.01),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "zip",
        "postal",
        "postcode",
        "plz",
        "postleitzahl",
        "cep",
        "postnummer",
        "codigopostal",
        "pincode",
    ]

    ENTITY = "POSTAL_CODE"
    NAME = "PostalCodeRecognizer"
    FLAGS = regex.MULTILINE


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)


class DateOfBirthRecognizer(DeclaredPatternRecognizer):
    """Dates that are dates of birth: any date format, scored only with context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "ISO date",
            r"\b(?:1[89]|20)\d{2}-[01]?\d-[0-3]?\d(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
            r"\b",
            0.05,
        ),
        Pattern("year first", r"\b(?:1[89]|20)\d{2}[/.][01]?\d[/.][0-3]?\d\b", 0.05),
        Pattern("day or month first", r"\b[0-3]?\d[/.-][0-3]?\d[/.-](?:\d{4}|\d{2})\b", 0.05),
        Pattern("compact", r"\b(?:1[89]|20)\d{2}[01]\d[0-3]\d\b", 0.05),
        Pattern("month name", rf"\b{_MONTH}\.? [0-3]?\d(?:st|nd|rd|th)?,? \d{{4}}\b", 0.05),
        Pattern(
            "day month name", rf"\b[0-3]?\d(?:st|nd|rd|th)?\.?[ -]{_MONTH}\.?[ -]\d{{2,4}}\b", 0.05
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "birth",
        "dob",
        "born",
        "bday",
        "birthday",
        "geburt",
        "naissance",
        "nacimiento",
        "nascita",
        "nascimento",
        "urodzenia",
    ]

    ENTITY = "DATE_OF_BIRTH"
    NAME = "DateOfBirthRecognizer"
    FLAGS = regex.MULTILINE | regex.IGNORECASE


# Words that, a few words before a number, say it is a phone number. Many are stop words
# ("call", "back"), which Presidio's context enhancer never sees, so phone recognizers
# look for them themselves (see ``cue_before``).
PHONE_CUES = frozenset(
    _words("""
call called calling calls callback phone phoned phones telephone tel tél ph ring rang reach
reached reachable text texted sms whatsapp mobile mob cell cellphone fax dial dialled dialed
hotline contact voicemail landline telefon telefonnummer handy mobil mobilnummer rückruf
zurückrufen anrufen angerufen erreichbar unter durchwahl téléphone portable appeler rappeler
appelé joindre fixe telefono cellulare chiamare chiamato richiamare contattare teléfono
móvil movil llamar llamó llamada celular telefoon mobiel bel bellen belde gebeld
terugbellen
""")
)


# Nouns of numbers that are no phone numbers: "call about order 41698905".
_OTHER_NUMBERS = frozenset(
    _words("""
order orders auftrag bestellung bestelling ordine pedido commande invoice rechnung factura
fattura factuur facture case ticket ref reference policy account acct po so id tracking sku
item vorgang dossier pratica expediente lot batch serial version build room flight
""")
)


def cue_before(text: str, start: int, cues: frozenset[str], words: int = 6) -> str | None:
    """The cue word among the ``words`` words before ``start``, if it speaks of it.

    Only the words since the last sentence end and the last number count, and none
    when the nearest word names another kind of number ("order", "ref").
    """
    before = text[max(0, start - 120) : start]
    cut = max((m.end() for m in _BOUNDARY.finditer(before)), default=0)
    digit = max((m.end() for m in regex.finditer(r"\d", before)), default=0)
    found = [w.casefold() for w in regex.findall(r"\p{L}+", before[max(cut, digit) :])]
    if not found or found[-1] in _OTHER_NUMBERS:
        return None
    return next((w for w in reversed(found[-words:]) if w in cues), None)


def cue_after(text: str, end: int, cues: frozenset[str], words: int = 2) -> str | None:
    """The cue word among the ``words`` words right after ``end`` ("0612345678 (mobile)")."""
    after = regex.match(rf"[\s(),:-]*((?:\p{{L}}+[\s(),:-]*){{0,{words}}})", text[end : end + 60])
    found = [w.casefold() for w in regex.findall(r"\p{L}+", after.group(1))] if after else []
    return next((w for w in found if w in cues), None)


_BOUNDARY = regex.compile(
    r"[!?;\n]|(?<!\b(?i:tel|ph|mob|fax|nr|no|tél|tfn|tlf|cell|ext|"
    r"mr|mrs|ms|dr|st))\.(?=\s)"
)
_EXTENSION = regex.compile(
    r"(?i)[ \t]*,?[ \t]*\(?(?:x|ext\.?|extension|poste|durchwahl|dw\.?|"
    r"interno|int\.|toestel)[ \t]?\d{1,6}\)?(?![\w.])"
)


def _phone_cue(text: str, start: int, end: int) -> bool:
    return bool(cue_before(text, start, PHONE_CUES) or cue_after(text, end, _PHONE_AFTER))


# Words right after a number that say it is a phone number: "0612345678 (mobile)".
_PHONE_AFTER = frozenset(
    _words("""
mobile cell cellphone phone tel fax home work office landline handy mobil privat büro
portable fixe cellulare móvil movil mobiel
""")
)


def _extend(text: str, end: int) -> int:
    """The end of a phone number with the extension that follows it ("x123", "(ext. 45)")."""
    match = _EXTENSION.match(text, end)
    if match is None:
        return end
    tail = match.group()
    if tail.count(")") > tail.count("("):  # "(0151 1234567 x12)": keep the closing bracket
        return match.end() - 1
    return match.end()


def _groups(number: str) -> list[int]:
    return [len(g) for g in regex.findall(r"\d+", number)]


_NOT_PHONE = regex.compile(
    r"\d{3}-\d{2}-\d{4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|"
    r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d+\.\d+\.\d+\.\d+"
)
_DATE_INSIDE = regex.compile(
    r"(?<!\d)\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}(?!\d)|"
    r"(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?!\d)"
)


def _not_phone(text: str, start: int, end: int) -> bool:
    """True for what is no phone number though shaped like one.

    Dates, SSN- and IP-shaped numbers, a date inside, a time right after ("11:30"), or
    glued to a code before it ("SO-2025-154409", "#48213").
    """
    raw = text[start:end]
    return bool(
        _NOT_PHONE.fullmatch(raw.strip("()+ "))
        or _DATE_INSIDE.search(raw)
        or regex.match(r"[:h]\d\d", text[end : end + 3])
        or regex.search(r"\d[:.]$|[\p{L}\d_#][-/]?$", text[max(0, start - 2) : start])
    )


class FastPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recognizer over more regions, tried in turn until all is explained.

    Only runs of seven digits or more are candidates; dates, times, IP addresses and
    SSN-shaped numbers (123-45-6789) are not phone numbers. A number ``phonenumbers``
    finds valid scores by how it is written: with an international prefix ("+44",
    "0049"), an area code in brackets, the digit groups of its country's own format
    ("030 1234567", "612 34 56 78"), or a trunk 0 and a separator ("06 37501285"), it
    is a phone number (0.5); a bare run of digits ("2015000001", "17000003") or other
    groupings ("17-000003", "213.975.34") only with a phone word a few words before it
    ("call", "tel", "unter", "au", see ``PHONE_CUES``) or in the column name. An
    extension after the number ("x123", "ext. 45") is part of it.
    """

    BARE_SCORE = 0.15
    WRITTEN_SCORE = 0.5
    _CANDIDATE = regex.compile(r"[+(]?\d[\d \t().\-/]{5,}\d")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Phone numbers found by ``phonenumbers`` in the first regions that explain them."""
        candidates = [
            m.span()
            for m in self._CANDIDATE.finditer(text)
            if sum(ch.isdigit() for ch in m.group()) >= 7 and not _not_phone(text, *m.span())
        ]
        if not candidates:
            return []
        results: dict[tuple[int, int], RecognizerResult] = {}
        for region in self.supported_regions:
            leniency = 1 if self.leniency is None else int(self.leniency)
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
                span = (match.start, match.end)
                if span in results or _not_phone(text, *span) or _continues(text, *span):
                    continue  # a date, or a part of a longer run of digit groups
                result = self._get_recognizer_result(match, text, region, nlp_artifacts)
                result.score = self._score(match.raw_string, match.number)
                if result.score < self.WRITTEN_SCORE and _phone_cue(text, match.start, match.end):
                    result.score = self.WRITTEN_SCORE
                result.end = _extend(text, result.end)
                results[span] = result
            if all(
                any(s < c_end and c_start < e for s, e in results) for c_start, c_end in candidates
            ):
                break
        return list(results.values())

    def _score(self, raw: str, number: phonenumbers.PhoneNumber) -> float:
        raw = raw.strip()
        digits = sum(ch.isdigit() for ch in raw)
        groups = _groups(raw)
        if raw.startswith(("+", "00")) or regex.match(r"\(\d{2,5}\)", raw):
            return self.WRITTEN_SCORE
        if len(groups) > 1:
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            if groups == _groups(national) or (raw.startswith("0") and digits >= 9):
                return self.WRITTEN_SCORE
            if len(groups) >= 3 and (
                (raw.startswith("0") and digits >= 9) or groups[-3:] == [3, 3, 4]
            ):
                return self.SCORE
        return self.BARE_SCORE


class PhonePatternRecognizer(DeclaredPatternRecognizer):
    """Phone-shaped numbers that ``phonenumbers`` rejects (unassigned area codes, 555).

    Written as phone numbers they count: an international prefix ("+1-558-772-7687",
    "001-804-904-7966"), or North American digit groups with one kind of separator or
    the area code in brackets ("(555) 123-4567", "555.123.4567"); other shapes need a
    phone word before them or context.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "North American, separated",
            r"(?<![\w.+-])(?:\+1[-. ]?|001[-. ]?|1[-. ])?"
            r"(?:\(\d{3}\)[-. ]?|\d{3}[-. ])\d{3}[-. ]\d{4}"
            r"(?:[ \t]?(?:x|ext\.?|#)[ \t]?\d{1,6})?(?![\w-]|\.\d)",
            0.3,
        ),
        Pattern(
            "International",
            r"(?<![\w.+])(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(0\))?"
            r"(?:[ .-]?\(?\d{1,5}\)?){2,6}(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,6})?(?![\w-]|\.\d)",
            0.3,
        ),
        Pattern(
            "Digit groups", r"(?<![\w.+/-])\(?\d{2,5}\)?(?:[ .-]\d{2,4}){1,4}(?![\w-]|[.,]\d)", 0.1
        ),
        Pattern("Digit run", r"(?<![\w.+/-])0\d{8,11}(?![\w-]|[.,]\d)", 0.1),
    ]
    CONTEXT: ClassVar[list[str]] = PHONE_CONTEXT
    WRITTEN_SCORE = 0.45
    _NANP = regex.compile(
        r"(?:\+1|001|1)?[-. ]?(?:\(\d{3}\)[-. ]?\d{3}[-. ]\d{4}|"
        r"\d{3}([-. ])\d{3}\1\d{4})"
    )

    ENTITY = "PHONE_NUMBER"
    NAME = "PhonePatternRecognizer"
    FLAGS = regex.IGNORECASE

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The pattern matches, scored by how they are written and by a phone word before."""
        results = [
            r
            for r in super().analyze(text, entities, nlp_artifacts, regex_flags)
            if not _not_phone(text, r.start, r.end)
        ]
        for result in results:
            raw = text[result.start : result.end].strip()
            number = regex.split(r"(?i)[ \t]*(?:x|ext\.?|#)[ \t]?\d+$", raw)[0]
            written = raw.startswith(("+", "00")) or bool(self._NANP.fullmatch(number))
            if written or _phone_cue(text, result.start, result.end):
                result.score = max(result.score, self.WRITTEN_SCORE)
            result.end = _extend(text, result.end)
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        """Between 8 and 15 digits, as the E.164 standard allows."""
        digits = sum(ch.isdigit() for ch in pattern_text.split("x")[0].split("X")[0])
        return None if 8 <= digits <= 15 else False


_CARD_PATTERN = Pattern("Card number, 12-19 digits", r"\b[2-6]\d{3}(?:[ -]?\d){8,15}\b", 0.3)


class CardRecognizer(CreditCardRecognizer):
    """Presidio's card recognizer (Luhn checked), widened to 12-19 digits.

    A card number is a whole run of digit groups: four groups inside a longer run (a
    22-digit parcel tracking number "9400 1234 5678 9012 3456 78") or after a "+" are no
    card; 15 digits are American Express or JCB only (not a French NIR); inside a text, a
    12- or 13-digit number (a tracking number as often as a Maestro card) needs a card
    word before it.
    """

    def __init__(self) -> None:
        super().__init__(patterns=[*CreditCardRecognizer.PATTERNS, _CARD_PATTERN])

    SHORT_SCORE = 0.3  # 12-13 digits inside a text: a card only with a card word before it

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The Luhn-checked matches that no further digit group continues."""
        results = []
        for result in super().analyze(text, entities, nlp_artifacts, regex_flags):
            digits = regex.sub(r"\D", "", text[result.start : result.end])
            if (
                _continues(text, result.start, result.end)
                or text[result.start - 1 : result.start] == "+"
            ):
                continue
            if len(digits) == 15 and not digits.startswith(("34", "37", "1800", "2131")):
                continue  # 15 digits: American Express or JCB only (a French NIR is not)
            whole = (result.start, result.end) == _span(text)
            if len(digits) <= 13 and not whole and not cue_before(text, result.start, _CARD_CUES):
                result.score = min(result.score, self.SHORT_SCORE)
            results.append(result)
        return results


_CARD_CUES = frozenset(
    _words("""
card cards credit debit visa mastercard maestro amex cc cardholder kreditkarte karte
carte tarjeta carta kaart creditcard pan
""")
)


def _continues(text: str, start: int, end: int) -> bool:
    """True when a digit group runs on before ``start`` or after ``end``."""
    return bool(
        regex.search(r"\d[ -]?$", text[max(0, start - 2) : start])
        or regex.match(r"[ -]?\d", text[end : end + 2])
    )


class StrictIbanRecognizer(IbanRecognizer):
    """Presidio's IBAN recognizer, case-sensitive as its patterns are meant to be.

    Presidio's default registry turns on IGNORECASE, so a word of four or eight letters
    after an IBAN ("ES31 ... 3707 approved") is read as its last groups and the IBAN
    fails its check; built directly, the recognizer keeps its own flags.
    """


# Top-level domains a URL without a scheme must end with: "B.Sc", "Univ.Prof" and
# "it.so" (a missing space) are no web addresses.
_TLDS = frozenset(
    _words("""
com net org edu gov mil int info biz name pro io co ai app dev me tv xyz online site shop
store tech cloud blog news uk de fr it es nl be at ch dk se no fi pl pt ie eu us ca au nz jp
cn in br mx ru cz gr hu ro sk si hr bg lt lv ee lu is tr il za ar cl kr sg hk tw
""")
)


class WebUrlRecognizer(UrlRecognizer):
    """Presidio's URL recognizer; without a scheme or "www." a URL needs a known domain.

    The top-level domain must be one of ``_TLDS`` in lower or upper case, the name
    before it at least two characters, and no run of dots ("cans...that") inside.
    """

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """True for scheme-less matches that are abbreviations, ellipses or typos."""
        text = pattern_text.strip("\"'")
        if regex.match(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)", text):
            return False
        host = regex.split(r"[/:?#]", text, maxsplit=1)[0]
        labels = host.split(".")
        tld = labels[-1]
        return (
            ".." in host
            or len(labels) < 2
            or len(labels[-2]) < 2
            or tld.lower() not in _TLDS
            or not (tld.islower() or tld.isupper())
        )


class ContextIdRecognizer(DeclaredPatternRecognizer):
    """A number format whose checksum passes for many random numbers: only with context.

    ``check`` validates a match; a valid one keeps its pattern's low score, which the
    context words ("nhs", "bsn", "steuer-id") raise above the threshold.
    """

    def check(self, digits: str) -> bool:
        """True when ``digits`` (separators removed) pass the format's checksum."""
        raise NotImplementedError

    def validate_result(self, pattern_text: str) -> bool | None:
        """None (keep the pattern's score) when the checksum passes, else False."""
        digits = regex.sub(r"[\s./-]", "", pattern_text)
        return None if self.check(digits) else False


class UkNhsRecognizer(ContextIdRecognizer):
    """UK NHS numbers (mod-11 check), only with context.

    One ten-digit number in eleven passes the check, so a phone number ("089 574 5933")
    is no NHS number without a word such as "nhs" near it or in the column name.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("NHS number", r"\b\d{3}[- ]?\d{3}[- ]?\d{4}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = ["nhs", "health", "patient"]

    ENTITY = "UK_NHS"
    NAME = "NhsRecognizer"

    def check(self, digits: str) -> bool:
        """The mod-11 check digit of the first nine digits."""
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = 11 - total % 11
        return len(digits) == 10 and (check % 11) == int(digits[9])


class DeaNumberRecognizer(ContextIdRecognizer):
    """US DEA registration numbers (two letters, seven digits, check digit), with context.

    One random code in ten passes the check, so case and tracking codes ("SR3436133")
    are no DEA numbers without a word such as "dea" or "medical".
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("DEA number", r"\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = [
        "dea",
        "medical",
        "certificate",
        "license",
        "licence",
        "prescriber",
        "registration",
    ]

    ENTITY = "MEDICAL_LICENSE"
    NAME = "MedicalLicenseRecognizer"
    FLAGS = regex.MULTILINE

    def check(self, digits: str) -> bool:
        """The DEA check digit: last digit of d1+d3+d5 + 2*(d2+d4+d6)."""
        numbers = [int(d) for d in digits[2:]]
        total = sum(numbers[0:6:2]) + 2 * sum(numbers[1:6:2])
        return len(numbers) == 7 and total % 10 == numbers[6]


class NlBsnRecognizer(ContextIdRecognizer):
    """Dutch citizen service numbers (BSN, 9 digits, "11-proof"): only with context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("BSN", r"\b\d{4}[. ]?\d{2}[. ]?\d{3}\b|\b\d{9}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = [
        "bsn",
        "burgerservicenummer",
        "sofinummer",
        "sofi",
        "national",
        "id",
        "identity",
        "identification",
    ]

    ENTITY = "NL_BSN"
    NAME = "NlBsnRecognizer"

    def check(self, digits: str) -> bool:
        """9 x d1 + 8 x d2 + ... + 2 x d8 - d9 is a multiple of 11."""
        if len(digits) != 9 or digits == "000000000":
            return False
        total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:8])) - int(digits[8])
        return total % 11 == 0


class DeTaxIdRecognizer(ContextIdRecognizer):
    """German tax ids (Steuer-ID, 11 digits, ISO 7064): one in ten passes, so context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Steuer-ID", r"\b[1-9]\d ?\d{3} ?\d{3} ?\d{3}\b", 0.1)
    ]
    CONTEXT: ClassVar[list[str]] = [
        "steuer",
        "steuerid",
        "steuer-id",
        "idnr",
        "steueridentifikationsnummer",
        "identifikationsnummer",
        "tin",
        "tax",
        "national",
        "id",
        "identity",
    ]

    ENTITY = "DE_TAX_ID"
    NAME = "DeTaxIdRecognizer"

    def check(self, digits: str) -> bool:
        """No digit more than three times in the first ten; the ISO 7064 check digit."""
        if len(digits) != 11 or max(digits[:10].count(d) for d in digits[:10]) > 3:
            return False
        product = 10
        for digit in digits[:10]:
            total = (int(digit) + product) % 10 or 10
            product = (total * 2) % 11
        return (11 - product) % 10 == int(digits[10])


class FrNirRecognizer(DeclaredPatternRecognizer):
    """French social security numbers (NIR, 13 digits and a 2-digit key, mod 97)."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "NIR",
            r"\b[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?"
            r"\d{3} ?\d{2}\b",
            0.5,
        )
    ]
    CONTEXT: ClassVar[list[str]] = [
        "nir",
        "insee",
        "sécurité",
        "securite",
        "sociale",
        "social",
        "security",
        "ssn",
        "national",
        "id",
    ]

    ENTITY = "FR_NIR"
    NAME = "FrNirRecognizer"

    def validate_result(self, pattern_text: str) -> bool | None:
        """The key is 97 minus the first 13 digits modulo 97 (Corsica: 2A as 19, 2B as 18)."""
        text = pattern_text.replace(" ", "").upper()
        body = text[:5] + text[5:7].replace("2A", "19").replace("2B", "18") + text[7:13]
        return None if 97 - int(body) % 97 == int(text[13:]) else False


class PassportRecognizer(DeclaredPatternRecognizer):
    """Passport numbers of European formats (letters and digits): only with context."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("two letters, seven digits (IT, GB)", r"\b[A-Z]{2}\d{7}\b", 0.05),
        Pattern("letter, seven or eight digits (FR, DE, ES)", r"\b[A-Z]\d{7,8}\b", 0.05),
        Pattern(
            "letters and digits (DE, NL)",
            r"\b[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}"
            r"\b",
            0.01,
        ),
        Pattern("nine digits", r"\b\d{9}\b", 0.05),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "passport",
        "passports",
        "passeport",
        "pasaporte",
        "passaporto",
        "reisepass",
        "paspoort",
        "pass",
    ]

    ENTITY = "PASSPORT"
    NAME = "PassportRecognizer"
    FLAGS = regex.MULTILINE
