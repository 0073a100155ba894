"""Faker's registry, as a config may name it: locales, providers and their word lists.

Names from a config resolve only to Faker's own registry: a locale must be one of
``faker.config.AVAILABLE_LOCALES``, and a provider one of the public methods defined on
the provider classes of ``Faker(locale).providers`` (``provider_names``, cached per
locale), never another attribute of the Faker object (``seed_instance``, ``__class__``).
Providers that call other providers named in their arguments (``TEMPLATE_PROVIDERS``:
``json``, ``pystr_format`` ...) take no arguments from a config.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping

import numpy as np
from faker import Faker
from faker.config import AVAILABLE_LOCALES
from numpy.typing import NDArray

from syndata.errors import GenerationError

_LIST_ATTRIBUTES = {
    "first_name": "first_names",
    "last_name": "last_names",
    "first_name_male": "first_names_male",
    "first_name_female": "first_names_female",
    "first_name_nonbinary": "first_names_nonbinary",
    "last_name_male": "last_names_male",
    "last_name_female": "last_names_female",
    "prefix": "prefixes",
    "suffix": "suffixes",
    "job": "jobs",
    "word": "word_list",
    "state": "states",
    "country": "countries",
    "city_suffix": "city_suffixes",
    "city_prefix": "city_prefixes",
    "street_suffix": "street_suffixes",
    "company_suffix": "company_suffixes",
    "free_email_domain": "free_email_domains",
    "color_name": "all_colors",
    "currency_code": "currencies",
    "language_name": "language_names",
}
# providers that format other providers named in their arguments (``{{token}}`` templates,
# ``data_columns``): usable, but a config cannot pass them arguments
TEMPLATE_PROVIDERS = frozenset(
    {
        "pystr_format",
        "json",
        "json_bytes",
        "xml",
        "csv",
        "tsv",
        "psv",
        "dsv",
        "fixed_width",
    }
)
KNOWN_LOCALES = frozenset(AVAILABLE_LOCALES)
_faker_cache: dict[str, Faker] = {}


def check_locale(locale: str) -> str:
    """``locale`` when Faker ships it (``faker.config.AVAILABLE_LOCALES``); else ValueError."""
    if not isinstance(locale, str) or locale not in KNOWN_LOCALES:
        shown = str(locale)[:40] if isinstance(locale, str) else type(locale).__name__
        raise ValueError(f"unknown locale '{shown}'")
    return locale


def faker_for(locale: str) -> Faker:
    """A shared Faker instance of ``locale`` (raises ValueError for an unknown locale)."""
    if locale not in _faker_cache:
        check_locale(locale)  # before Faker sees the name
        _faker_cache[locale] = Faker(locale)
    return _faker_cache[locale]


@functools.cache
def provider_names(locale: str) -> frozenset[str]:
    """Faker's provider registry for ``locale``: public methods of its provider classes.

    Raises ValueError for an unknown locale. Attributes of the Faker object itself
    (``seed_instance``, ``add_provider``, ``__class__`` ...) are not providers.
    """
    names: set[str] = set()
    for provider in faker_for(locale).providers:
        for klass in type(provider).__mro__:
            if klass is object:
                continue
            for name, value in vars(klass).items():
                if not name.startswith("_") and (
                    inspect.isfunction(value) or isinstance(value, staticmethod | classmethod)
                ):
                    names.add(name)
    return frozenset(names)


def has_provider(locale: str, name: str) -> bool:
    """True when ``name`` is in Faker's provider registry of ``locale`` (ValueError: locale)."""
    return isinstance(name, str) and name in provider_names(locale)


def provider_method(fake: Faker, locale: str, name: str) -> Callable[..., object]:
    """The bound provider ``name`` of ``fake`` (a Faker of ``locale``), after the registry check."""
    if not has_provider(locale, name):
        raise GenerationError(
            f"'{name[:80]}' is not a Faker provider of locale {locale}; "
            "use a provider name such as 'name' or 'city'"
        )
    method: Callable[..., object] = getattr(fake, name)
    return method


def word_list(locale: str, provider: str) -> tuple[list[str], NDArray[np.float64] | None] | None:
    """The word list (and weights) behind a list-backed provider, or None."""
    attr = _LIST_ATTRIBUTES.get(provider)
    if attr is None:
        return None
    for prov in faker_for(locale).get_providers():
        value = getattr(prov, attr, None)
        if value is None:
            continue
        if isinstance(value, Mapping):
            words, weights = list(value.keys()), np.asarray(list(value.values()), dtype=float)
        else:
            words, weights = list(value), None
        words = [w if isinstance(w, str) else getattr(w, "name", str(w)) for w in words]
        if words and all(isinstance(w, str) for w in words):
            return words, weights
    return None
