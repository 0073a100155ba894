"""The offline Presidio analyzer engine, built once per recognizer set and cached.

``build_analyzer()`` gives a Presidio ``AnalyzerEngine`` that never touches the
network: a blank English spaCy pipeline (saved once under ``settings.home()``) with a
``lower_lemma`` component, so Presidio's context words work; Presidio's predefined
recognizers less those ours replace; every recognizer class of the registry
(``RECOGNIZERS``: ours, then installed plug-ins); the recognizers added with
``register_recognizer``; and the given specs. An ``en_core_web_*`` spaCy model, if one
is installed, is used instead of the blank pipeline, and its NER adds ``PERSON`` and
``LOCATION`` in free text.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpEngineProvider
from spacy.language import Language
from spacy.tokens import Doc

from syndata import settings
from syndata.privacy.recognizers.base import LANGUAGE
from syndata.privacy.recognizers.registry import (
    RECOGNIZERS,
    registered_recognizers,
    registration_generation,
    registry_recognizers,
)
from syndata.privacy.recognizers.spec import RecognizerSpec

BLANK_MODEL_DIR = "spacy-blank-en"
NER_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm")
# Presidio's predefined recognizers that ours replace (see ``RECOGNIZERS``).
REPLACED = (
    "PhoneRecognizer",
    "CreditCardRecognizer",
    "UsSsnRecognizer",
    "IbanRecognizer",
    "UrlRecognizer",
    "NhsRecognizer",
    "MedicalLicenseRecognizer",
)

_CacheKey = tuple[str, tuple[str, ...], tuple[int, ...], tuple[str, ...]]
_CACHE: dict[_CacheKey, AnalyzerEngine] = {}
_CACHE_LOCK = threading.Lock()
_cache_generation = -1


def build_analyzer(recognizers: Sequence[RecognizerSpec] | None = None) -> AnalyzerEngine:
    """The offline analyzer with our recognizers, the registered ones and ``recognizers``.

    Cached: the same recognizer set (the same registered recognizers and installed
    plug-ins) gives the same engine, so call it freely.
    """
    global _cache_generation
    specs = tuple(recognizers or ())
    generation = registration_generation()
    plugins = tuple(registered_recognizers())
    model = _nlp_model()
    key = (
        model,
        tuple(s.model_dump_json() for s in specs),
        tuple(id(p) for p in plugins),
        tuple(RECOGNIZERS.names()),
    )
    with _CACHE_LOCK:
        if generation != _cache_generation:
            _CACHE.clear()  # a registered recognizer came or went
            _cache_generation = generation
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
    for name in REPLACED:
        registry.remove_recognizer(name)
    for recognizer in registry_recognizers():
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
