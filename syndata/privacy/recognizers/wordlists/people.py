"""Words of person names: Faker's first and last names, titles and suffixes, and our own lists.

Pure data and the one cached function that folds Faker's lists (``names``).
"""

from __future__ import annotations

import functools
import importlib

import regex
from spacy.lang.en.stop_words import STOP_WORDS

from syndata.privacy.recognizers.text import fold, strings, words
from syndata.privacy.recognizers.wordlists.cues import OTHER_NUMBERS
from syndata.privacy.recognizers.wordlists.faker_provider import provider

NAME_LOCALES = tuple(
    words("""
en_US en_GB en_IE de_DE de_AT fr_FR es_ES es_MX it_IT nl_NL pt_BR pt_PT pl_PL sv_SE
da_DK no_NO cs_CZ sk_SK sl_SI hr_HR hu_HU ro_RO fi_FI tr_TR
""")
)
TITLES = frozenset(
    words("""
dhr dott dott.ssa dr frau herr ing lady m mevr miss mlle mme mr mrs ms mx pan pani prof
rev sig sig.ra sir sr sra srta
""")
)
NAME_SUFFIXES = frozenset(
    words("""
ba bsc dds dvm esq ii iii iv jr ma mba md msc phd sr
""")
)


@functools.cache
def names() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Folded first names, last names, titles and name suffixes of ``NAME_LOCALES``."""
    first: set[str] = set()
    last: set[str] = set()
    titles: set[str] = set(TITLES)
    suffixes: set[str] = set(NAME_SUFFIXES)
    for locale in NAME_LOCALES:
        source = provider("person", locale)
        for attr in dir(source):
            values = strings(getattr(source, attr, None))
            if "first_name" in attr and not attr.endswith("formats"):
                first.update(fold(v) for v in values)
            elif "last_name" in attr and not attr.endswith("formats"):
                last.update(fold(v) for v in values)
            elif attr.startswith("prefixes"):
                titles.update(fold(v).rstrip(".") for v in values)
            elif attr.startswith("suffixes"):
                suffixes.update(fold(v).replace(".", "") for v in values)
    last.update(feminine(name) for name in list(last))
    last.discard("")
    titles -= PARTICLES
    return frozenset(first), frozenset(last), frozenset(titles), frozenset(suffixes)


def feminine(name: str) -> str:
    """The feminine form of a Slavic last name ("kowalski" -> "kowalska"), else ""."""
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"), ("ý", "á")):
        if name.endswith(male):
            return name[: -len(male)] + female
    return ""


# Common English words that are also names: alone, they are weak evidence of a name.
COMMON_WORDS = frozenset(
    words("""
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
PARTICLES = frozenset(
    words("""
af al bin da das de del dela della den der di do dos du e ibn la le les st ten ter van
von y zu
""")
)
ORG_WORDS = frozenset(
    words("""
inc corp corporation co company ltd llc llp plc gmbh ag kg sa sas sarl spa srl nv bv ab as
oy group holding holdings bank banco banque airlines airline airways air lines international
intl industries industry systems technologies technology services solutions partners capital
energy motors motor pharmaceuticals pharma insurance financial trust fund foundation
association university college school institute hospital clinic club society church council
department ministry agency office store stores shop restaurant hotel cafe pub bar market
""")
)
EXTRA_TITLES = frozenset(
    words("""
herrn mister missus madam madame monsieur mademoiselle señor señora señorita don doña
signor signora signorina sig.ra sig.na dott.ssa mevrouw meneer sir lady lord dame
""")
)
# Titles also written in lower case, always with a period: "dal sig. Rossi".
LOWER_TITLES = frozenset(
    words("""
avv dhr dott dott.ssa dr fr hr ing mevr prof sig sig.na sig.ra sr sra srta
""")
)
# Capitalised words that are no names after a cue: teams, roles, days, months, pronouns.
NOT_NAMES = frozenset(
    words("""
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
def non_names() -> frozenset[str]:
    """Folded words that are no names in text: common English words, stop words, ``NOT_NAMES``."""
    lorem = strings(
        getattr(importlib.import_module("faker.providers.lorem.en_US").Provider, "word_list", None)
    )
    found = {fold(w) for w in [*lorem, *STOP_WORDS]} | {fold(w) for w in NOT_NAMES}
    return frozenset(found | COMMON_WORDS | ORG_WORDS | OTHER_NUMBERS)


def non_name(token: str) -> bool:
    """A stop word, weekday, month, role or team word: no name even when listed."""
    key = regex.sub(r"['’](?:s|m|re|ll|d|ve)$|n['’]t$", "", fold(token.strip(".,")))
    return key in STOP_WORDS or key in NOT_NAMES or key in OTHER_NUMBERS
