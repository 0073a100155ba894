"""Words of street addresses: street types, prefix types ("Rue", "Via") and compounds ("-straße").

Pure data and the cached function that adds Faker's street words (``street_words``).
"""

from __future__ import annotations

import functools

from syndata.privacy.recognizers.text import alternation, fold, strings, words
from syndata.privacy.recognizers.wordlists.faker_provider import provider

ENGLISH_STREET_TYPES = frozenset(
    words("""
av ave avenue blvd boulevard cir circle close court cres crescent ct dr drive gardens
gate green grove highway hill hwy lane ln mews park parkway pkwy pl place point rd road
row sq square st street ter terrace trail trl view walk way wharf
""")
)
STREET_PREFIXES = frozenset(
    words("""
acceso al alameda aleja allee allée av avda avenida avenue avinguda barrio bd borgo
boulevard c calle callejón camino carrer carretera cañada chemin contrada corso cours
cuesta glorieta impasse largo os osiedle pasaje paseo passage piazza piazzale pl plac
place plaza poligono polígono praça quai rambla ronda rotonda route rua rue square
strada stretto travessa travesía ul ulica urb urbanizacion urbanización via viale vicolo
voie vía
""")
)
STREET_COMPOUNDS = frozenset(
    words("""
allee baan boulevard chaussee damm dijk dreef gade gasse gata gatan gracht gränd hof
kade laan markt pad pfad plantsoen platz plein ring singel steeg steig str. straat
strasse straße ufer veien vej vägen weg
""")
)
CORE_STREET_TYPES = tuple(
    words("""
street st avenue ave road rd lane ln drive dr boulevard blvd court ct place pl parkway
pkwy highway hwy terrace circle
""")
)


@functools.cache
def street_words() -> tuple[str, str, str]:
    """Regex alternations: English street types, prefix types (Rue, Via, ...), compounds."""
    english = set(ENGLISH_STREET_TYPES)
    prefix = set(STREET_PREFIXES)
    for locale in ("en_US", "en_GB", "en_CA", "en_AU"):
        english.update(
            fold(s) for s in strings(getattr(provider("address", locale), "street_suffixes", None))
        )
    for locale in ("fr_FR", "es_ES", "es_MX", "pt_BR", "pt_PT", "pl_PL"):
        prefix.update(
            fold(s).rstrip(".")
            for s in strings(getattr(provider("address", locale), "street_prefixes", None))
        )
    prefix.update(
        fold(s) for s in strings(getattr(provider("address", "it_IT"), "street_suffixes", None))
    )
    prefix -= {"street", "c", "r"}  # one letter only as "C/", "C." or "R." (see the patterns)
    return alternation(english), alternation(prefix), alternation(STREET_COMPOUNDS)
