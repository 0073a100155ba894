"""Column-level PII detection with the real offline Presidio analyzer (no mocks)."""

from __future__ import annotations

import itertools
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faker import Faker
from presidio_analyzer import Pattern, PatternRecognizer

from syndata.metadata import detect_column
from syndata.privacy.column_sample import context_words, sample_texts
from syndata.privacy.detect import detect_pii, find_entities
from syndata.privacy.pii_findings import PiiReport
from syndata.privacy.recognizers import (
    RecognizerSpec,
    build_analyzer,
    recognizer_from_config,
    register_recognizer,
    registered_recognizers,
    unregister_recognizer,
)

ROWS = 120


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


def _people(rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    uk, de = Faker("en_GB"), Faker("de_DE")
    uk.seed_instance(seed)
    de.seed_instance(seed)
    rng = np.random.default_rng(seed)
    phones = [(fake, uk, de)[i % 3].phone_number() for i in range(rows)]
    notes = [
        fake.sentence(nb_words=8)
        + (
            f" Please call {fake.name()} at {fake.email()}."
            if i % 2
            else " " + fake.sentence(nb_words=8)
        )
        for i in range(rows)
    ]
    return pd.DataFrame(
        {
            "customer_name": [fake.name() for _ in range(rows)],
            "first_name": [fake.first_name() for _ in range(rows)],
            "surname": [fake.last_name() for _ in range(rows)],
            "email": [fake.email() for _ in range(rows)],
            "phone": phones,
            "ssn": [fake.ssn() for _ in range(rows)],
            "ssn_number": [int(fake.ssn().replace("-", "")) for _ in range(rows)],
            "card_number": [fake.credit_card_number() for _ in range(rows)],
            "iban": [(fake, de)[i % 2].iban() for i in range(rows)],
            "client_ip": [fake.ipv4() if i % 4 else fake.ipv6() for i in range(rows)],
            "website": [fake.url() for _ in range(rows)],
            "address": [(fake, de)[i % 2].address() for i in range(rows)],
            "city": [de.city() for _ in range(rows)],
            "zip_code": [fake.postcode() for _ in range(rows)],
            "date_of_birth": [fake.date_of_birth(minimum_age=18) for _ in range(rows)],
            "notes": notes,
            # not personal
            "price": np.round(rng.uniform(1, 500, rows), 2),
            "order_id": [f"ORD-{i:05d}" for i in range(rows)],
            "quantity": rng.integers(1000, 99_999, rows),
            "event_date": pd.date_range("2021-01-01", periods=rows, freq="D"),
            "event_day": [
                d.strftime("%Y-%m-%d") for d in pd.date_range("2020-03-01", periods=rows)
            ],
            "product_title": [fake.catch_phrase() for _ in range(rows)],
            "code": [fake.bothify("??-#") for _ in range(rows)],
            "size": rng.choice(["Small", "Medium", "Large"], rows),
            "colour": rng.choice(["Red", "Green", "Brown", "White", "Black", "Gray"], rows),
            "in_stock": rng.random(rows) > 0.5,
        }
    )


PII = {
    "customer_name": "PERSON",
    "first_name": "FIRST_NAME",
    "surname": "LAST_NAME",
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "ssn": "US_SSN",
    "ssn_number": "US_SSN",
    "card_number": "CREDIT_CARD",
    "iban": "IBAN_CODE",
    "client_ip": "IP_ADDRESS",
    "website": "URL",
    "address": "STREET_ADDRESS",
    "city": "LOCATION",
    "zip_code": "POSTAL_CODE",
    "date_of_birth": "DATE_OF_BIRTH",
    "notes": "FREE_TEXT",
}
NOT_PII = [
    "price",
    "order_id",
    "quantity",
    "event_date",
    "event_day",
    "product_title",
    "code",
    "size",
    "colour",
    "in_stock",
]


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return _people()


@pytest.fixture(scope="module")
def report(people: pd.DataFrame) -> PiiReport:
    return detect_pii(people)


@pytest.mark.parametrize(("column", "entity"), sorted(PII.items()))
def test_pii_column_is_flagged_with_its_entity(report: PiiReport, column: str, entity: str):
    finding = report.get(column)
    assert finding is not None, f"{column} not flagged"
    assert finding.entity == entity
    assert finding.share >= 0.5
    assert 0.0 < finding.score <= 1.0


def test_columns_without_personal_data_are_not_flagged(report: PiiReport):
    assert [c for c in NOT_PII if report.get(c) is not None] == []
    assert report.columns_scanned == list(_people(rows=2).columns)
    assert set(report.columns) == set(PII)


def test_whole_value_findings_are_columns_and_text_with_entities_is_free_text(report):
    notes = report.get("notes")
    assert notes.kind == "free_text"
    assert notes.operator == "anonymize_text"
    assert {"PERSON", "EMAIL_ADDRESS"} <= set(notes.evidence)
    assert 0.3 <= notes.share <= 0.7  # half of the notes name someone
    assert all(report.get(c).kind == "column" for c in PII if c != "notes")


@pytest.mark.parametrize(
    ("column", "operator"),
    [
        ("customer_name", "fake"),
        ("first_name", "fake"),
        ("email", "fake"),
        ("phone", "partial"),
        ("ssn", "hash"),
        ("card_number", "hash"),
        ("iban", "hash"),
        ("date_of_birth", "generalize"),
        ("zip_code", "generalize"),
        ("address", "fake"),
        ("city", "fake"),
    ],
)
def test_each_finding_suggests_an_operator(report: PiiReport, column: str, operator: str):
    finding = report.get(column)
    assert finding.operator == operator
    assert finding.operators[finding.entity] == operator


def test_spurious_hits_do_not_decide_the_column(report: PiiReport):
    # Bare domains inside e-mail addresses are URLs to Presidio; the column is e-mail.
    assert report.get("email").entity == "EMAIL_ADDRESS"
    assert report.get("email").evidence["EMAIL_ADDRESS"] == report.get("email").sampled
    # SSN-shaped strings are not phone numbers.
    assert "PHONE_NUMBER" not in report.get("ssn").evidence


def test_report_holds_counts_and_names_but_no_value(people: pd.DataFrame, report: PiiReport):
    data = report.to_dict()
    text = json.dumps(data)
    assert json.loads(text) == data
    leaked = [str(v) for c in PII for v in people[c] if len(str(v)) >= 4 and str(v) in text]
    assert leaked == []
    assert PiiReport.from_dict(json.loads(text)) == report
    summary = report.summary()
    assert "email: EMAIL_ADDRESS" in summary
    assert not any(str(v) in summary for v in people["email"])
    evidence = data["findings"][0]["evidence"]
    assert all(isinstance(k, str) and isinstance(v, int) for k, v in evidence.items())


def test_the_same_seed_gives_the_same_report():
    frame = _people(rows=300, seed=3)[["customer_name", "email", "price"]]
    first = detect_pii(frame, sample_size=50, seed=7).to_dict()
    again = detect_pii(frame, sample_size=50, seed=7).to_dict()
    alone = detect_pii(frame[["email"]], sample_size=50, seed=7).to_dict()
    for data in (first, again, alone):
        data.pop("seconds")
    assert first == again
    assert first["findings"][0]["sampled"] == 50
    assert alone["findings"] == [f for f in first["findings"] if f["column"] == "email"]


def test_first_and_last_names_follow_the_column_name():
    # names that are first names and last names alike
    names = [
        "Thomas",
        "James",
        "Morgan",
        "Jordan",
        "Taylor",
        "Ryan",
        "Dean",
        "Douglas",
        "Howard",
        "Russell",
        "Wallace",
        "Stanley",
        "Francis",
        "Harrison",
        "Marshall",
        "Spencer",
        "Gordon",
        "Murray",
        "Arthur",
        "Henry",
    ]
    report = detect_pii(pd.DataFrame({"family_name": names, "given_name": names}))
    assert report.get("family_name").entity == "LAST_NAME"
    assert report.get("given_name").entity == "FIRST_NAME"


def test_names_from_a_locale_without_name_lists_are_found_by_shape_and_context():
    fake = Faker("fi_FI")
    fake.seed_instance(2)
    report = detect_pii(pd.DataFrame({"account_holder": [fake.name() for _ in range(100)]}))
    assert report.get("account_holder").entity == "PERSON"


def test_company_names_and_pet_like_categories_are_not_names():
    frame = pd.DataFrame(
        {
            "name": [
                "Endeavor Air Inc.",
                "American Airlines Inc.",
                "Alaska Airlines Inc.",
                "JetBlue Airways",
                "Delta Air Lines Inc.",
                "Frontier Airlines Inc.",
                "Southwest Airlines Co.",
                "United Air Lines Inc.",
                "Envoy Air",
            ]
            * 3,
            "cut": [
                "Fair",
                "Good",
                "Very Good",
                "Premium",
                "Ideal",
                "Good",
                "Fair",
                "Ideal",
                "Premium",
            ]
            * 3,
        }
    )
    assert detect_pii(frame).findings == []


def test_postal_codes_and_ssn_numbers_need_a_column_name_that_says_so():
    zips = [f"{n:05d}" for n in np.random.default_rng(0).integers(10_000, 99_999, 100)]
    report = detect_pii(pd.DataFrame({"zip": zips, "batch": zips}))
    assert report.get("zip").entity == "POSTAL_CODE"
    assert report.get("batch") is None


def test_custom_recognizer_from_config_finds_employee_ids():
    spec = recognizer_from_config(
        {
            "name": "employee_id",
            "entity": "EMPLOYEE_ID",
            "patterns": [{"regex": r"\bEMP-\d{6}\b", "score": 0.9}],
            "context": ["employee", "staff"],
        }
    )
    frame = pd.DataFrame(
        {
            "staff_ref": [f"EMP-{i:06d}" for i in range(1, 60)],
            "order_ref": [f"ORD-{i:06d}" for i in range(1, 60)],
        }
    )
    assert detect_pii(frame).findings == []
    report = detect_pii(frame, recognizers=[spec])
    assert report.columns == ["staff_ref"]
    finding = report.get("staff_ref")
    assert (finding.entity, finding.operator, finding.share) == ("EMPLOYEE_ID", "hash", 1.0)


def test_custom_recognizer_can_use_a_deny_list_and_an_operator():
    spec = recognizer_from_config(
        {
            "name": "project",
            "entity": "PROJECT_CODENAME",
            "deny_list": ["Bluebird", "Nightjar"],
            "operator": "redact",
        }
    )
    report = detect_pii(
        pd.DataFrame({"project": ["Bluebird", "Nightjar"] * 10}), recognizers=[spec]
    )
    assert report.get("project").entity == "PROJECT_CODENAME"
    assert report.get("project").operator == "redact"


def test_registered_plugin_recognizers_join_every_analyzer():
    plugin = PatternRecognizer(
        supported_entity="BADGE",
        name="badge_plugin",
        patterns=[Pattern("badge", r"\bBDG\d{4}\b", 0.8)],
    )
    frame = pd.DataFrame({"badge": [f"BDG{i:04d}" for i in range(40)]})
    register_recognizer(plugin)
    try:
        assert plugin in registered_recognizers()
        assert detect_pii(frame).get("badge").entity == "BADGE"
    finally:
        unregister_recognizer("badge_plugin")
    assert detect_pii(frame).get("badge") is None
    with pytest.raises(TypeError, match="RecognizerSpec or a Presidio EntityRecognizer"):
        register_recognizer("BDG")  # type: ignore[arg-type]


def test_registered_spec_operator_is_suggested():
    spec = RecognizerSpec(
        name="member", entity="MEMBER_NO", deny_list=("M-1", "M-2"), operator="partial"
    )
    register_recognizer(spec)
    try:
        report = detect_pii(pd.DataFrame({"member": ["M-1", "M-2"] * 5}))
        assert report.get("member").operator == "partial"
    finally:
        unregister_recognizer("member")


def test_find_entities_gives_non_overlapping_spans():
    texts = [
        "Write to jane.doe@example.com or call +1-202-555-0143.",
        "Nothing personal here.",
        "",
        "Mary Johnson lives at 12 Baker Street.",
    ]
    spans = find_entities(texts)
    assert [[e for _, _, e in s] for s in spans] == [
        ["EMAIL_ADDRESS", "PHONE_NUMBER"],
        [],
        [],
        ["PERSON", "STREET_ADDRESS"],
    ]
    first = spans[0]
    assert texts[0][first[0][0] : first[0][1]] == "jane.doe@example.com"
    for found in spans:
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(found))
    only = find_entities(texts[:1], entities=["PHONE_NUMBER"])
    assert [e for _, _, e in only[0]] == ["PHONE_NUMBER"]


def test_the_analyzer_needs_no_network(monkeypatch: pytest.MonkeyPatch, syndata_home: Path):
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    spec = RecognizerSpec(name="offline", entity="OFFLINE_ID", deny_list=("OFF-1",))
    analyzer = build_analyzer([spec])  # a new recognizer set: a fresh engine
    results = analyzer.analyze("mail jane@example.org", language="en")
    assert [r.entity_type for r in results if r.score >= 0.9] == ["EMAIL_ADDRESS"]
    assert os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] == ""
    assert (syndata_home / "spacy-blank-en" / "config.cfg").exists()
    assert build_analyzer([spec]) is analyzer  # cached


def test_values_are_sampled_as_text_only_where_a_recognizer_could_apply():
    rng = np.random.default_rng(0)
    assert sample_texts(pd.Series([True, False, None]), 10, rng) == []
    assert sample_texts(pd.Series([1.5, 2.25]), 10, rng) == []
    assert sample_texts(pd.Series([1, 2, 3]), 10, rng) == []
    assert sample_texts(pd.Series([123456789.0, np.nan]), 10, rng) == ["123456789"]
    dates = pd.Series(pd.to_datetime(["1980-03-04", "1991-12-31", None]))
    assert sample_texts(dates, 10, rng) == ["1980-03-04", "1991-12-31"]
    many = pd.Series([f"v{i}" for i in range(1000)] * 3)
    picked = sample_texts(many, 50, rng)
    assert len(picked) == len(set(picked)) == 50


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("customerZipCode", ["customer", "zip", "code", "customerzip", "zipcode"]),
        ("date_of_birth", ["date", "of", "birth", "dateof", "ofbirth"]),
        ("SSN", ["ssn"]),
        ("phone 2", ["phone"]),
    ],
)
def test_context_words_split_column_names(column: str, expected: list[str]):
    assert context_words(column) == expected


def test_context_words_find_known_words_inside_compounds():
    assert "birth" in context_words("birthdate", ["birth", "date"])
    assert "phone" in context_words("cellphone", ["phone"])
    assert "lic" not in context_words("applicant", ["lic"])


def test_empty_and_all_null_columns_give_no_findings():
    frame = pd.DataFrame({"email": [None, None], "n": [np.nan, np.nan]})
    report = detect_pii(frame)
    assert report.findings == []
    assert report.columns_scanned == ["email", "n"]
    assert detect_pii(pd.DataFrame()).to_dict()["findings"] == []


# ------------------------------------------- real-table false positives, and the class

STATE_CODES = [
    "NJ",
    "CA",
    "NY",
    "TX",
    "WA",
    "IL",
    "PA",
    "OH",
    "GA",
    "NC",
    "MI",
    "VA",
    "AZ",
    "MA",
    "IN",
    "TN",
    "MO",
    "MD",
    "WI",
    "CO",
    "MN",
    "SC",
    "AL",
    "LA",
    "KY",
    "OR",
]
# Neighbourhoods of a city: most read like names, many hold a first or last name.
NEIGHBOURHOODS = [
    "Whittier",
    "Marcy Holmes",
    "Phillips West",
    "Lyndale",
    "Longfellow",
    "Folwell",
    "Armatage",
    "Cedar Riverside",
    "Downtown West",
    "Harrison",
    "Jordan",
    "Hale",
    "Page",
    "Regina",
    "Howe",
    "Cooper",
    "Audubon Park",
    "Bryn Mawr",
    "Kenny",
    "Keewaydin",
    "Ericsson",
    "Standish",
    "Diamond Lake",
    "Powderhorn Park",
    "Hawthorne",
    "McKinley",
    "Shingle Creek",
    "Loring Park",
    "Elliot Park",
    "Ventura Village",
    "Seward",
    "Victory",
    "Willard - Hay",
    "Near - North",
    "Sumner - Glenwood",
    "Webber - Camden",
    "Lind - Bohanon",
]


@pytest.fixture(scope="module")
def real_report() -> PiiReport:
    rows = 120
    rng = np.random.default_rng(5)
    fake = Faker("en_US")
    fake.seed_instance(5)
    pets = [
        "Max",
        "Lucy",
        "Bella",
        "Charlie",
        "Daisy",
        "Cooper",
        "Sadie",
        "Penny",
        "Sam",
        "Willow",
        "Betty",
        "Scout",
        "Lily",
        "Sherman",
        "Molly",
        "Oscar",
        "Ruby",
        "Milo",
    ]
    frame = pd.DataFrame(
        {
            "state": rng.choice(STATE_CODES, rows),
            "col_3": rng.choice(STATE_CODES, rows),
            "neighborhood": rng.choice(NEIGHBOURHOODS, rows),
            "neighbourhood": rng.choice(NEIGHBOURHOODS, rows),
            "hometown": rng.choice(
                [
                    "Minneapolis, Minnesota",
                    "Fort Lauderdale, Florida",
                    "Las Vegas, Nevada",
                    "Chicago, Illinois",
                    "Boston, Massachusetts",
                    "Raleigh, North Carolina",
                    "Orlando, Florida",
                ],
                rows,
            ),
            "idNum": [f"17-{i:06d}" for i in range(3, 3 + rows)],
            "clinic_name": rng.choice(
                [
                    "inpatient ward a",
                    "clinical lab",
                    "emergency dept",
                    "oncology day hosp",
                    "inpatient ward g",
                    "heart station",
                    "picu",
                    "laboratory",
                    "hosp of the university",
                ],
                rows,
            ),
            "animal_name": rng.choice(pets, rows),
            "job_title": rng.choice(
                [
                    "Sales Executive",
                    "Research Scientist",
                    "Manager",
                    "Laboratory Technician",
                    "Midwife",
                    "Baker",
                    "Porter",
                ],
                rows,
            ),
            "license_number": [f"S{n}" for n in rng.integers(100_000, 999_999, rows)],
            "airbag": rng.choice(["none", "airbag"], rows),
            "ethnicity": rng.choice(["cauc", "afam"], rows),  # "ethnicity" ends in "city"
            "name": rng.choice(
                [
                    "thai_ckn",
                    "four_cheese",
                    "veggie_veg",
                    "spicy_ital",
                    "bbq_ckn",
                    "five_cheese",
                    "ckn_pesto",
                    "peppr_salami",
                    "cali_ckn",
                ],
                rows,
            ),
            "city": [Faker("de_DE").city() for _ in range(rows)],
            "customer": [fake.name() for _ in range(rows)],
            "email": [fake.email() for _ in range(rows)],
        }
    )
    return detect_pii(frame)


def test_state_codes_are_no_person_names_and_at_most_quasi_places(real_report: PiiReport):
    finding = real_report.get("state")
    assert finding is None or (finding.entity, finding.identifier) == ("LOCATION", "quasi")
    assert real_report.get("col_3") is None  # codes under a name that says nothing


@pytest.mark.parametrize("column", ["neighborhood", "neighbourhood", "hometown"])
def test_neighbourhoods_and_home_towns_are_quasi_places_not_person_names(
    real_report: PiiReport, column: str
):
    finding = real_report.get(column)
    assert finding is not None
    assert (finding.entity, finding.identifier) == ("LOCATION", "quasi")


@pytest.mark.parametrize(
    "column",
    [
        "idNum",
        "clinic_name",
        "animal_name",
        "job_title",
        "license_number",
        "airbag",
        "ethnicity",
        "name",
    ],
)
def test_columns_named_as_things_ids_and_codes_are_not_flagged(real_report: PiiReport, column: str):
    assert real_report.get(column) is None


def test_a_driving_licence_needs_the_column_name_to_say_driver():
    numbers = [f"S{n}" for n in np.random.default_rng(1).integers(100_000, 999_999, 80)]
    report = detect_pii(pd.DataFrame({"driver_license": numbers, "license_number": numbers}))
    assert report.get("driver_license").entity == "US_DRIVER_LICENSE"
    assert report.get("license_number") is None


@pytest.mark.parametrize(
    ("column", "entity", "identifier"),
    [
        ("customer", "PERSON", "direct"),
        ("email", "EMAIL_ADDRESS", "direct"),
        ("city", "LOCATION", "quasi"),
        ("neighborhood", "LOCATION", "quasi"),
    ],
)
def test_findings_carry_the_direct_or_quasi_class(
    real_report: PiiReport, column: str, entity: str, identifier: str
):
    finding = real_report.get(column)
    assert (finding.entity, finding.identifier) == (entity, identifier)
    assert finding.to_dict()["identifier"] == identifier


@pytest.mark.parametrize(
    ("column", "identifier"),
    [
        ("customer_name", "direct"),
        ("phone", "direct"),
        ("ssn", "direct"),
        ("iban", "direct"),
        ("address", "direct"),
        ("notes", "direct"),
        ("city", "quasi"),
        ("zip_code", "quasi"),
        ("date_of_birth", "quasi"),
    ],
)
def test_every_entity_has_its_class(report: PiiReport, column: str, identifier: str):
    assert report.get(column).identifier == identifier


def test_names_of_things_hold_no_name_word_across_the_join():
    assert "lname" not in context_words("animal_name", ["lname", "name"])
    assert "name" in context_words("animal_name", ["lname", "name"])


def test_text_standing_for_a_missing_value_is_not_sampled():
    rng = np.random.default_rng(0)
    values = pd.Series(["none", "N/A", "Unknown", "airbag", " none "])
    assert sample_texts(values, 10, rng) == ["airbag"]


@pytest.mark.parametrize(
    ("name", "values", "phone"),
    [
        ("idNum", [f"17-{i:06d}" for i in range(3, 200)], False),  # case ids
        ("case", [f"{y}-{i:06d}" for y in (16, 17) for i in range(3, 60)], False),
        ("ssn", ["123-45-6789", "234-56-7890", "345-67-8901"] * 20, False),
        ("host", [f"10.0.{i}.{j}" for i in range(10) for j in range(10)], False),  # IPv4
        ("col_3", [f"06{i:08d}" for i in range(100)], False),  # bare digit runs
        ("col_1", [f"+1 (555) {i:03d}-{i * 7 % 10_000:04d}" for i in range(100, 200)], True),
        ("col_2", [f"030 {i:04d} {i * 3 % 10_000:04d}" for i in range(1000, 1100)], True),
        ("mobile", [f"06{i:08d}" for i in range(100)], True),  # bare, but so named
    ],
)
def test_phone_kind_only_for_numbers_written_or_named_as_phones(
    name: str, values: list[str], phone: bool
):
    assert (detect_column(name, pd.Series(values)).kind == "phone") is phone


def test_dutch_postcodes_are_a_postal_code_kind():
    values = pd.Series([f"{1000 + i} {'ABCDEFGH'[i % 8]}{'KLMN'[i % 4]}" for i in range(100)])
    assert detect_column("col_9", values).kind == "postal_code"
