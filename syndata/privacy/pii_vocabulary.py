"""The words and entity sets PII detection decides with: pure data.

Column-name words that say whose names or what places a column holds, the entities
that count (whole, inside free text, never), text that stands for a missing value, and
the masking operator suggested for each entity.
"""

from __future__ import annotations

from syndata.privacy.recognizers import LocationRecognizer, NameRecognizer
from syndata.privacy.recognizers.text import words

# Column names that say the values are places of a kind, not just where something is
# ("state" may be a status, "origin" a source): there, values that read like names are
# places, known or not (a neighbourhood, a small town).
PLACE_KIND_WORDS = frozenset(
    words("""
arrondissement barrio bezirk birthplace borough citta città city ciudad comune county
district hometown locality municipality neighborhood neighborhoods neighbourhood
neighbourhoods quartier stadt stadtteil suburb town village ville wijk
""")
)
PLACE_WORDS = frozenset(LocationRecognizer.CONTEXT) | PLACE_KIND_WORDS
# Name words that say whose name it is not ("clinic_name", "team"): things and bodies.
THING_WORDS = frozenset(
    words("""
agency aircraft airline airport album animal app boat book brand breed business carrier
cat category clinic club code codename college color colour company course crop
department dept diagnosis disease dog drug employer event facility film firm franchise
game genre genus horse hospital hotel inst institution item job league make manufacturer
medication medicine merchant model movie occupation org organisation organization park
pet plant position product profession program programme project restaurant role school
ship shop song species stadium station store supplier team title track university vendor
venue vessel
""")
)
# Name words that name the person, not a thing: a role ("customer") or a part ("surname").
PERSON_WORDS = frozenset(NameRecognizer.CONTEXT) - {"name", "names", "nombre", "nom", "naam"}
# Entities the column name must name, beyond the recognizer's broader context words.
CONTEXT_REQUIRED: dict[str, frozenset[str]] = {
    "US_DRIVER_LICENSE": frozenset({"driver", "drivers", "driving", "dl", "dls", "cdl", "cdls"}),
}
NAME_ENTITIES = ("PERSON", "FIRST_NAME", "LAST_NAME")
FIRST_HINTS = frozenset(
    words("""
first firstname fname forename given givenname prenom voornaam vorname
""")
)
LAST_HINTS = frozenset(
    words("""
achternaam apellido cognome family familyname last lastname lname nachname surname
""")
)
# Weak, context-driven entities lose ties to specific ones.
WEAK_ENTITIES = (
    "US_DRIVER_LICENSE",
    "US_BANK_NUMBER",
    "US_PASSPORT",
    "US_ITIN",
    "MEDICAL_LICENSE",
    "UK_NHS",
    "POSTAL_CODE",
)

# Not personal data on its own: event dates, row identifiers, companies (NER models).
IGNORED_ENTITIES = frozenset(
    words("""
DATE_TIME ORGANIZATION UUID
""")
)
# Inside free text, only these make the text personal (a city or URL in a review does not).
FREE_TEXT_ENTITIES = frozenset(
    words("""
CREDIT_CARD CRYPTO DATE_OF_BIRTH DE_TAX_ID EMAIL_ADDRESS ES_NIE ES_NIF FR_NIR IBAN_CODE
IP_ADDRESS IT_FISCAL_CODE MAC_ADDRESS MEDICAL_LICENSE NL_BSN PASSPORT PERSON
PHONE_NUMBER STREET_ADDRESS UK_NHS UK_NINO US_BANK_NUMBER US_DRIVER_LICENSE US_ITIN
US_PASSPORT US_SSN
""")
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
