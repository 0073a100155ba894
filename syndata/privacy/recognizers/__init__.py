"""PII recognizers, one per module in Presidio's style, their registry and the analyzer.

Presidio's predefined pattern recognizers (e-mail, IP, crypto, ...) and recognizers of
our own for what a blank spaCy pipeline cannot find by NER, each in its own module
(``name_recognizer``, ``phone_pattern_recognizer``, ...); their word lists in
``wordlists/``; the registry of recognizer classes (``RECOGNIZERS``, with plug-ins from
the entry point group ``syndata.recognizers``) in ``registry``; the cached offline
analyzer in ``engine``:

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

Users add recognizers in three ways. In config, a :class:`RecognizerSpec` (name, entity,
regex patterns with scores, a deny list, context words, languages) read with
:func:`recognizer_from_config`, which reports every problem as a
:class:`~syndata.errors.ConfigError`; in Python, :func:`register_recognizer` with a
spec or any Presidio ``EntityRecognizer``; in a package, a Presidio ``EntityRecognizer``
class built with no arguments, registered in the entry point group
``syndata.recognizers``. The analyzer is cached per recognizer set.

``TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS`` is set to ``""`` here, before Presidio is imported
(Presidio's e-mail recognizer would otherwise fetch the public suffix list); import this
package before anything that imports Presidio.
"""

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from syndata.privacy.recognizers.base import LANGUAGE, CustomRecognizer
from syndata.privacy.recognizers.engine import build_analyzer, context_vocabulary
from syndata.privacy.recognizers.location_recognizer import LocationRecognizer
from syndata.privacy.recognizers.name_recognizer import NameRecognizer
from syndata.privacy.recognizers.name_tokens import name_tokens
from syndata.privacy.recognizers.registry import (
    RECOGNIZERS,
    plugin_operators,
    register_recognizer,
    registered_recognizers,
    unregister_recognizer,
)
from syndata.privacy.recognizers.spec import PatternSpec, RecognizerSpec, recognizer_from_config

__all__ = [
    "LANGUAGE",
    "RECOGNIZERS",
    "CustomRecognizer",
    "LocationRecognizer",
    "NameRecognizer",
    "PatternSpec",
    "RecognizerSpec",
    "build_analyzer",
    "context_vocabulary",
    "name_tokens",
    "plugin_operators",
    "recognizer_from_config",
    "register_recognizer",
    "registered_recognizers",
    "unregister_recognizer",
]
