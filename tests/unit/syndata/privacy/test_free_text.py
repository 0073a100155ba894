"""Personal entities inside free text: found, flagged as FREE_TEXT, and replaced."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from syndata.privacy.detect import detect_pii, find_entities
from syndata.privacy.masking import mask_frame
from syndata.privacy.operators import anonymize_text
from syndata.privacy.pii_vocabulary import FREE_TEXT
from syndata.privacy.plan import PrivacyPlan

ISSUE_TEXT = "Call Erik at 001-804-904-7966 re: order"


@pytest.fixture(scope="module", autouse=True)
def syndata_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("syndata-home")
    before = os.environ.get("SYNDATA_HOME")
    os.environ["SYNDATA_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("SYNDATA_HOME", None)
    else:
        os.environ["SYNDATA_HOME"] = before


def found(text: str) -> list[tuple[str, str]]:
    """(span text, entity) of each entity find_entities gives for ``text``."""
    return [(text[s:e], entity) for s, e, entity in find_entities([text])[0]]


def entity_of(text: str, part: str) -> str | None:
    """The entity of the span that covers ``part`` of ``text`` (None when none does)."""
    start = text.index(part)
    end = start + len(part)
    return next(
        (entity for s, e, entity in find_entities([text])[0] if s <= start and end <= e), None
    )


def test_the_issue_example_finds_the_name_and_the_phone_number():
    assert found(ISSUE_TEXT) == [("Erik", "PERSON"), ("001-804-904-7966", "PHONE_NUMBER")]


PHONES = [
    ("Call (555) 123-4567 tomorrow", "(555) 123-4567"),
    ("reply to 555.123.4567 please", "555.123.4567"),
    ("reach me on +1-202-555-0143", "+1-202-555-0143"),
    ("UK office +44 20 7946 0958", "+44 20 7946 0958"),
    ("The London desk is 020 7946 0958", "020 7946 0958"),
    ("Berlin: +49 30 1234567", "+49 30 1234567"),
    ("Bitte unter 030/1234567 zurückrufen", "030/1234567"),
    ("Paris +33 1 23 45 67 89", "+33 1 23 45 67 89"),
    ("Rappeler au 01 23 45 67 89 demain", "01 23 45 67 89"),
    ("Llamar al 612 34 56 78", "612 34 56 78"),
    ("Bel terug op 06-12345678", "06-12345678"),
    ("Front desk (555) 123-4567 x123 is open", "(555) 123-4567 x123"),
    ("Desk 202-555-0143 ext. 45 until noon", "202-555-0143 ext. 45"),
    ("mobile: 0612345678", "0612345678"),
    ("Ring 07700 900123 (mobile) after six", "07700 900123"),
]


@pytest.mark.parametrize(("text", "phone"), PHONES)
def test_phone_numbers_in_every_common_format_with_extensions(text, phone):
    assert (phone, "PHONE_NUMBER") in found(text)


NAMES = [
    ("Ask Maria about the refund", "Maria"),
    ("Spoke with Dr. Schmidt about the results", "Schmidt"),
    ("Mr. Dupont called from Lyon", "Dupont"),
    ("Left a message for Mrs. van der Berg", "van der Berg"),
    ("Please contact Anneliese before Friday", "Anneliese"),
    ("Thanks Damian! The parcel arrived.", "Damian"),
    ("Escalated by Joanna Kowalski on Monday", "Joanna Kowalski"),
    ("Bitte Herrn Krüger zurückrufen", "Krüger"),
    ("Il sig. Broschi ha chiamato", "Broschi"),
    ("hi bernardo, pls call me back", "bernardo"),
    ("Erik will send the contract on Monday.", "Erik"),
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_person_names_in_context(text, name):
    assert (name, "PERSON") in found(text)


OTHER_ENTITIES = [
    ("Write to jane.doe@example.com today", "jane.doe@example.com", "EMAIL_ADDRESS"),
    ("Ship to 742 Evergreen Terrace, Springfield", "742 Evergreen Terrace", "STREET_ADDRESS"),
    ("Neue Anschrift: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5", "STREET_ADDRESS"),
    ("SSN 219-09-9999 on file", "219-09-9999", "US_SSN"),
    ("Card 4111 1111 1111 1111 declined", "4111 1111 1111 1111", "CREDIT_CARD"),
    (
        "Refund to IBAN DE89 3704 0044 0532 0130 00 approved",
        "DE89 3704 0044 0532 0130 00",
        "IBAN_CODE",
    ),
    ("Refund to DE89370400440532013000 approved", "DE89370400440532013000", "IBAN_CODE"),
    ("Login from 192.168.1.12 flagged", "192.168.1.12", "IP_ADDRESS"),
    ("NI number AB 12 34 56 C provided", "AB 12 34 56 C", "UK_NINO"),
    ("Codice fiscale RSSMRA85T10A562S ricevuto", "RSSMRA85T10A562S", "IT_FISCAL_CODE"),
    ("DNI 12345678Z del cliente", "12345678Z", "ES_NIF"),
]


@pytest.mark.parametrize(("text", "part", "entity"), OTHER_ENTITIES)
def test_emails_addresses_ids_cards_ibans_and_ips_in_text(text, part, entity):
    assert entity_of(text, part) == entity


NOT_ENTITIES = [
    "Case 17-000003 closed",
    "Call about case 17-000003 tomorrow",
    "Ticket 17-000003: please call back",
    "Case 17-000003 closed on 2023-04-05 at 10:42, refund $1,234.56, version 2.13.0.",
    "Order 12345678 of 3 units shipped on 05/04/2023, invoice INV-2023-000123.",
    "Upgraded from v10.4.1 to 2.13.0 on 5.4.2023; SKU 44-1187-09 reordered.",
    "Tracking 9400 1000 0000 0000 0000 00 delayed; PO 4500012345 is ready.",
    "Call Center volume on Monday: 340 calls, average wait 4 min.",
    "Ask Customer Care to call the Warehouse by Friday about case 24-001187.",
    "Admitted 15.03.2019 11:30, room 3431.",
]


@pytest.mark.parametrize("text", NOT_ENTITIES)
def test_case_ids_orders_amounts_dates_times_and_versions_are_not_entities(text):
    assert found(text) == []


def test_a_case_id_is_no_phone_number_even_in_a_phone_column():
    report = detect_pii(pd.DataFrame({"phone": [f"17-{i:06d}" for i in range(1, 60)]}))
    assert report.get("phone") is None or report.get("phone").entity != "PHONE_NUMBER"


NOTES = [
    ISSUE_TEXT,
    "Spoke with Dr. Schmidt on 2023-04-05; he asked for a refund of $120.",
    "Customer Anna Kowalski (anna.k@example.org) wants delivery before Friday.",
    "Ask Maria to send the signed form, case 17-000003.",
    "Left voicemail for Mr. Dupont on +33 1 23 45 67 89, will try again at 10:00.",
    "Card 4111 1111 1111 1111 declined, customer will call back from (555) 123-4567.",
    "Refund to IBAN DE89 3704 0044 0532 0130 00 approved by Joanna Kowalski.",
    "New address: 742 Evergreen Terrace, Springfield. SSN 219-09-9999 on file.",
    "Order shipped on time, no issues reported by the customer so far.",
    "Parcel arrived damaged; a replacement was sent on Monday.",
]
ENTITY_TEXTS = [
    "Erik",
    "001-804-904-7966",
    "Schmidt",
    "Anna Kowalski",
    "anna.k@example.org",
    "Maria",
    "Dupont",
    "+33 1 23 45 67 89",
    "4111 1111 1111 1111",
    "(555) 123-4567",
    "DE89 3704 0044 0532 0130 00",
    "Joanna Kowalski",
    "742 Evergreen Terrace",
    "219-09-9999",
]


@pytest.mark.parametrize("replace_with", ["placeholder", "fake"])
def test_anonymize_text_leaves_none_of_the_original_entities(replace_with):
    masked = anonymize_text(
        pd.Series(NOTES), find_entities, replace_with=replace_with, secret=b"test-secret"
    ).tolist()
    joined = "\n".join(masked)
    assert [e for e in ENTITY_TEXTS if e in joined] == []
    assert masked[-2:] == NOTES[-2:]  # texts without entities are kept
    assert "re: order" in masked[0] and "case 17-000003" in masked[3]
    if replace_with == "placeholder":
        assert masked[0] == "Call <PERSON> at <PHONE_NUMBER> re: order"


def test_a_notes_column_is_flagged_free_text_and_the_proposed_plan_masks_it():
    frame = pd.DataFrame({"notes": NOTES * 5, "amount": range(len(NOTES) * 5)})
    report = detect_pii(frame)
    finding = report.get("notes")
    assert finding is not None and finding.entity == FREE_TEXT
    assert {"PERSON", "PHONE_NUMBER"} <= set(finding.evidence)
    plan = PrivacyPlan.default_for(report.findings)
    masked = mask_frame(frame, plan).frame["notes"]
    joined = "\n".join(masked)
    assert [e for e in ENTITY_TEXTS if e in joined] == []
    assert masked.iloc[0] == "Call <PERSON> at <PHONE_NUMBER> re: order"
