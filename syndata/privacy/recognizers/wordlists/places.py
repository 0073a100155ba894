"""Words of places: Faker's cities, regions and countries, and the affixes of city names.

Pure data and the cached functions that fold Faker's lists (``places``, ``city_affixes``).
"""

from __future__ import annotations

import functools

from syndata.privacy.recognizers.text import fold, strings, words
from syndata.privacy.recognizers.wordlists.faker_provider import provider

PLACE_LOCALES = tuple(
    words("""
en_US en_GB en_CA en_AU en_IN en_NZ de_DE de_AT de_CH fr_FR fr_CA es_ES es_MX it_IT
nl_NL nl_BE pt_BR pt_PT pl_PL sv_SE da_DK no_NO fi_FI cs_CZ sk_SK sl_SI hr_HR hu_HU
ro_RO tr_TR
""")
)
PLACE_ATTRIBUTES = tuple(
    words("""
cities countries states regions provinces departments estados union_territories
""")
)
CITY_PREFIXES = frozenset(
    words("""
bad borgo east el fort la lake las le los mount new north port saint sainte san sankt
santa santo sao sesto south st west
""")
)
CITY_SUFFIXES = tuple(
    words("""
town ton ville burg burgh berg borough bury land mouth port view chester haven side
shire stad furt fort field ford ham dale wood wick by heim hausen dorf stadt feld bach
ingen hofen bruck brucken bourg court mont polis grad
""")
)


@functools.cache
def places() -> tuple[frozenset[str], frozenset[str]]:
    """Folded names of places (cities, regions, states, countries) and US/CA state codes."""
    found: set[str] = set()
    codes: set[str] = set()
    for locale in PLACE_LOCALES:
        source = provider("address", locale)
        for attr in PLACE_ATTRIBUTES:
            value = getattr(source, attr, None)
            for item in value if isinstance(value, list | tuple) else ():
                names = [item] if isinstance(item, str) else strings(item)
                found.update(fold(name) for name in names if len(name) > 3)
        if locale in ("en_US", "en_CA"):
            for attr in ("states_abbr", "provinces_abbr"):
                codes.update(strings(getattr(source, attr, None)))
    return frozenset(p for p in found if len(p) > 2), frozenset(codes)


@functools.cache
def city_affixes() -> tuple[frozenset[str], tuple[str, ...]]:
    """Words that begin ("North", "San") and endings that end city names ("ville")."""
    prefixes = set(CITY_PREFIXES)
    suffixes = set(CITY_SUFFIXES)
    for locale in ("en_US", "en_GB", "en_AU", "fr_FR", "de_DE", "it_IT", "es_MX", "pt_BR", "nl_NL"):
        source = provider("address", locale)
        prefixes.update(fold(p) for p in strings(getattr(source, "city_prefixes", None)))
        suffixes.update(fold(s).strip() for s in strings(getattr(source, "city_suffixes", None)))
    return frozenset(prefixes), tuple(sorted(s for s in suffixes if len(s) >= 2))
