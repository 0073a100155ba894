"""Masking operators and mask_frame: properties over random tables, examples and errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import uuid
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndata.errors import ConfigError, DataReadError, GenerationError
from syndata.privacy.masking import MaskResult, check_secrets, mask_frame
from syndata.privacy.operators import (
    anonymize_text,
    decrypt,
    encrypt,
    fake,
    generalize,
    generate_key,
    hash_values,
    partial,
    redact,
    replace,
)
from syndata.privacy.plan import PrivacyPlan, load_plan

SECRET = "unit-test-masking-secret-0123"
RAW_KEY = bytes(range(64))
KEY = base64.b64encode(RAW_KEY).decode()
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KEEP_CHARS = " -./()@+_:"

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"\b\d{3}-\d{3}-\d{4}\b")


def find_entities(texts):
    """A small real finder: e-mail addresses and North American phone numbers."""
    return [
        [
            (m.start(), m.end(), entity)
            for rx, entity in ((EMAIL, "EMAIL_ADDRESS"), (PHONE, "PHONE_NUMBER"))
            for m in rx.finditer(text)
        ]
        for text in texts
    ]


def as_text(value: Any) -> str:
    """A value as masking reads it (and as a CSV would show it)."""
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def shown(values: pd.Series) -> set[str]:
    return {as_text(v) for v in values.dropna()}


def plan_for(frame: pd.DataFrame, decision: Any) -> PrivacyPlan:
    return load_plan({"columns": {c: decision for c in frame.columns}})


# --------------------------------------------------------------------------- random tables

nulls = st.none()
words = st.text(max_size=12)  # any unicode, empty strings included
integers = st.integers(-(2**62), 2**62)
floats = st.floats(allow_nan=True, allow_infinity=True)
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))


@st.composite
def tables(draw, max_rows: int = 20) -> pd.DataFrame:
    """A table of text, int, nullable int, float, date-time and mixed columns, with nulls."""
    rows = draw(st.integers(1, max_rows))

    def column(values):
        return draw(st.lists(values, min_size=rows, max_size=rows))

    return pd.DataFrame(
        {
            "text": pd.Series(column(st.one_of(nulls, words)), dtype=object),
            "int": pd.Series(column(integers), dtype="int64"),
            "nullable_int": pd.array(column(st.one_of(nulls, integers)), dtype="Int64"),
            "float": pd.Series(column(st.one_of(nulls, floats)), dtype="float64"),
            "when": pd.to_datetime(pd.Series(column(st.one_of(nulls, moments)), dtype=object)),
            "mixed": pd.Series(
                column(st.one_of(nulls, st.text(max_size=4), integers, st.floats(allow_nan=False))),
                dtype=object,
            ),
        }
    )


# --------------------------------------------------------------------------- properties

WHOLE_VALUE = {  # tokens are longer than any generated text, so they cannot be originals
    "redact": {"operator": "redact", "token": "<MASKED VALUE>"},
    "replace": {"operator": "replace", "value": "<CONSTANT VALUE>"},
    "hash": {"operator": "hash"},
    "encrypt": {"operator": "encrypt"},
    "fake name": {"operator": "fake", "provider": "name"},
    "fake email": {"operator": "fake", "entity": "EMAIL_ADDRESS"},
    "fake ssn": {"operator": "fake", "entity": "US_SSN"},
    "fake address": {"operator": "fake", "provider": "address"},
    "fake company": {"operator": "fake", "provider": "company"},
    "fake uuid": {"operator": "fake", "provider": "uuid4"},
}


@pytest.mark.parametrize("decision", list(WHOLE_VALUE.values()), ids=list(WHOLE_VALUE))
@PROPERTY
@given(frame=tables())
def test_no_original_value_appears_in_a_masked_column_and_nulls_stay_null(decision, frame):
    before = frame.copy(deep=True)
    result = mask_frame(frame, plan_for(frame, decision), secret=SECRET, key=KEY)
    pd.testing.assert_frame_equal(frame, before)  # the input is never modified
    for name in frame.columns:
        original, masked = frame[name], result.frame[name]
        assert (masked.isna() == original.isna()).all(), name
        assert not shown(original) & shown(masked), name
        assert not set(original.dropna()) & set(masked.dropna()), name
        assert result.columns[name].masked == original.notna().sum()


@PROPERTY
@given(frame=tables(), keep_first=st.integers(0, 3), keep_last=st.integers(0, 5))
def test_partial_reveals_a_whole_value_only_when_it_has_nothing_to_mask(
    frame, keep_first, keep_last
):
    decision = {"operator": "partial", "keep_first": keep_first, "keep_last": keep_last}
    result = mask_frame(frame, plan_for(frame, decision))
    for name in frame.columns:
        original, masked = frame[name], result.frame[name]
        assert (masked.isna() == original.isna()).all()
        unchanged = set()
        for value, out in zip(original.dropna(), masked.dropna(), strict=True):
            text = as_text(value)
            assert len(out) == len(text)
            long_enough = len(text) > keep_first + keep_last
            middle = text[keep_first : len(text) - keep_last] if long_enough else text
            nothing_to_mask = all(c in KEEP_CHARS + "*" for c in middle)
            assert (out == text) == nothing_to_mask
            if long_enough:  # the kept ends are the original's
                assert out[:keep_first] == text[:keep_first]
                assert out[len(text) - keep_last :] == text[len(text) - keep_last :]
            if nothing_to_mask:
                unchanged.add(text)
        # an original shows up in the masked column only if masking leaves it as it is
        assert shown(original) & shown(masked) <= unchanged


texts_with_entities = st.lists(
    st.one_of(
        st.text(max_size=8),
        st.from_regex(r"[a-z]{1,6}\.[a-z]{1,6}@[a-z]{2,8}\.(com|org|net)", fullmatch=True),
        st.from_regex(r"[2-9][0-9]{2}-[0-9]{3}-[0-9]{4}", fullmatch=True),
    ),
    max_size=6,
).map(" ".join)


@pytest.mark.parametrize("replace_with", ["placeholder", "fake"])
@PROPERTY
@given(texts=st.lists(st.one_of(nulls, texts_with_entities), min_size=1, max_size=15))
def test_anonymize_text_removes_every_entity_found_and_keeps_other_text(replace_with, texts):
    frame = pd.DataFrame({"notes": pd.Series(texts, dtype=object)})
    decision = {"operator": "anonymize_text", "replace_with": replace_with}
    result = mask_frame(
        frame, plan_for(frame, decision), secret=SECRET, find_entities=find_entities
    )
    masked = result.frame["notes"]
    assert (masked.isna() == frame["notes"].isna()).all()
    present = frame["notes"].dropna()
    spans = find_entities(list(present))
    for text, out, found in zip(present, masked.dropna(), spans, strict=True):
        if not found:
            assert out == text
            continue
        assert text not in set(masked.dropna())
        for start, end, _entity in found:
            assert text[start:end] not in out
    assert result.columns["notes"].masked == sum(1 for s in spans if s)
    assert sum(result.columns["notes"].entities.values()) >= sum(1 for s in spans if s)


join_keys = st.one_of(
    st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=15, unique=True),
    st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=15, unique=True),
)
JOIN_DECISIONS = {
    "hash": {"operator": "hash"},
    "encrypt": {"operator": "encrypt"},
    "fake ssn": {"operator": "fake", "provider": "ssn"},
    "fake uuid": {"operator": "fake", "provider": "uuid4"},
}


@pytest.mark.parametrize("decision", list(JOIN_DECISIONS.values()), ids=list(JOIN_DECISIONS))
@PROPERTY
@given(keys=join_keys, data=st.data())
def test_a_key_masked_in_parent_and_child_tables_still_joins(decision, keys, data):
    parent = pd.DataFrame({"key": keys, "payload": range(len(keys))})
    picks = data.draw(st.lists(st.sampled_from(keys), max_size=25))
    # a null key in the child turns an int key column into floats: it must still join
    child = pd.DataFrame({"row": range(len(picks) + 1), "key": [*picks, None]})
    plan = load_plan(
        {
            "tables": {
                "parent": {"columns": {"key": decision}},
                "child": {"columns": {"key": decision}},
            }
        }
    )
    masked_parent = mask_frame(parent, plan, table="parent", secret=SECRET, key=KEY).frame
    masked_child = mask_frame(child, plan, table="child", secret=SECRET, key=KEY).frame
    assert not set(masked_parent["key"]) & set(parent["key"])
    real = child.dropna().merge(parent, on="key")[["row", "payload"]]
    joined = masked_child.dropna().merge(masked_parent, on="key")[["row", "payload"]]
    assert len(joined) == len(real) == len(picks)
    assert sorted(map(tuple, joined.to_numpy())) == sorted(map(tuple, real.to_numpy()))


def same_values(left: pd.Series, right: pd.Series) -> bool:
    """Same nulls, and equal values elsewhere (whatever the dtypes)."""
    if not (left.isna().to_numpy() == right.isna().to_numpy()).all():
        return False
    return all(a == b for a, b in zip(left.dropna(), right.dropna(), strict=True))


@PROPERTY
@given(frame=tables())
def test_encrypt_then_decrypt_restores_every_value(frame):
    encrypted = mask_frame(frame, plan_for(frame, "encrypt"), key=KEY).frame
    restored = mask_frame(encrypted, plan_for(frame, "decrypt"), key=KEY).frame
    for name in frame.columns:
        assert same_values(restored[name], frame[name]), name
    # the dtype comes back too, as decrypt documents it
    has_nulls = frame["nullable_int"].isna().any()
    expected = {
        "text": object,
        "int": "int64",
        "when": "datetime64[ns]",
        "nullable_int": "Int64" if has_nulls else "int64",
    }
    for name, dtype in expected.items():
        if frame[name].notna().any():  # a column of nulls only cannot tell its dtype
            pd.testing.assert_series_equal(restored[name], frame[name].astype(dtype))


# --------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("123-45-6789", {}, "***-**-6789"),
        ("4111 1111 1111 1234", {}, "**** **** **** 1234"),
        ("john.doe@example.com", {"keep_first": 1, "keep_last": 0}, "j***.***@*******.***"),
        ("secret", {"keep_last": 2, "char": "#", "keep_chars": ""}, "####et"),
        ("1234", {}, "****"),  # no longer than the kept part: masked entirely
        ("", {}, ""),
        (123456789, {}, "*****6789"),
        ("Zoë Ångström", {"keep_first": 2, "keep_last": 2}, "Zo* ******öm"),
        ("ab\x00cd\x00", {"keep_last": 2}, "****d\x00"),
    ],
)
def test_partial_examples(value, kwargs, expected):
    assert partial(pd.Series([value, None]), **kwargs).tolist() == [expected, None]


def test_hash_is_the_hmac_sha256_of_the_text_and_ignores_the_dtype():
    secret = SECRET.encode()
    expected = hmac.new(secret, b"42", hashlib.sha256).hexdigest()
    assert hash_values(pd.Series([42]), secret, 64).tolist() == [expected]
    assert hash_values(pd.Series([42.0, None]), secret, 64).tolist() == [expected, None]
    assert hash_values(pd.Series(["42"]), secret, 20).tolist() == [expected[:20]]
    assert hash_values(pd.Series(["42"]), b"another-secret-0123", 64).tolist() != [expected]
    long_key = b"k" * 100  # keys longer than a SHA-256 block are hashed first
    assert hash_values(pd.Series(["x"]), long_key, 64).tolist() == [
        hmac.new(long_key, b"x", hashlib.sha256).hexdigest()
    ]


def test_redact_and_replace():
    values = pd.Series(["a 123 b", None, "456"])
    assert redact(values).tolist() == ["<REDACTED>", None, "<REDACTED>"]
    assert redact(values, None).isna().all()
    assert replace(values, "X").tolist() == ["X", None, "X"]
    assert replace(values, "#", pattern=r"\d+").tolist() == ["a # b", None, "#"]
    assert replace(values, r"\1", pattern=r"\d").tolist()[2] == r"\1\1\1"  # taken literally


PROVIDER_SHAPES = {
    "name": r"\S+ \S+",
    "first_name": r"\S+",
    "email": r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+",
    "phone_number": r"[+\d(][\d().x +-]{6,}",
    "ssn": r"\d{3}-\d{2}-\d{4}",
    "postal_code": r"\d{5}",
    "ipv4": r"\d+\.\d+\.\d+\.\d+",
    "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "credit_card": r"\d{12,19}",
    "iban": r"GB\d{2}[A-Z]{4}\d{14}",
    "address": r"[^\n]+\n[^\n]*\d[^\n]*",
    "city": r".+",
    "company": r".+",
    "url": r"https?://.+",
}


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in reversed(number)]
    total = sum(d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d) for i, d in enumerate(digits))
    return total % 10 == 0


@pytest.mark.parametrize(("provider", "shape"), list(PROVIDER_SHAPES.items()))
def test_fake_values_have_the_shape_of_their_provider(provider, shape):
    originals = pd.Series([f"person {i}" for i in range(300)] + [None])
    fakes = fake(originals, SECRET.encode(), provider)
    assert fakes.iloc[-1] is None
    values = fakes.dropna()
    assert all(re.fullmatch(shape, v) for v in values), values[:5].tolist()
    if provider == "credit_card":
        assert all(luhn_ok(v) for v in values)
    if provider == "iban":
        assert all(int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1 for v in values)
    if provider == "ipv4":
        assert all(ipaddress.ip_address(v).version == 4 for v in values)
    if provider == "uuid":
        assert all(uuid.UUID(v).version == 4 for v in values)
    if provider in ("ssn", "email", "uuid", "phone_number", "address", "iban", "credit_card"):
        assert values.nunique() >= 295  # digits (or names) are drawn per value


def test_fake_is_consistent_across_tables_and_never_the_original():
    from faker import Faker

    real = Faker("en_US")
    real.seed_instance(7)
    names = [real.first_name() for _ in range(400)]
    secret = SECRET.encode()
    first = fake(pd.Series(names), secret, "first_name")
    again = fake(pd.Series([*reversed(names), "someone else"]), secret, "first_name")
    mapping = dict(zip(names, first, strict=True))
    assert [mapping[n] for n in reversed(names)] == again.tolist()[:-1]
    assert all(a != b for a, b in zip(names, first, strict=True))
    assert fake(pd.Series(names), b"another-secret-0123", "first_name").tolist() != first.tolist()


def test_fake_redraws_a_value_equal_to_any_original_even_among_few_values():
    titles = pd.Series(["Mr.", "Dr."] * 3)  # two of Faker's few prefixes
    for i in range(40):  # a first draw equal to an original happens often among ~6 values
        fakes = fake(titles, f"{SECRET}-{i}".encode(), "prefix")
        assert not set(fakes) & {"Mr.", "Dr."}  # no original value, not even another row's
        assert fakes.groupby(titles).nunique().eq(1).all()  # still one fake per title


def test_fake_says_so_when_the_provider_has_no_value_left_to_use():
    every_prefix = pd.Series(["Mr.", "Mrs.", "Ms.", "Dr.", "Miss", "Mx."])
    with pytest.raises(GenerationError, match="keeps giving the original values"):
        fake(every_prefix, SECRET.encode(), "prefix")


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [
        (
            pd.to_datetime(pd.Series(["2021-03-04 10:30", None, "1999-12-31 00:00"])),
            {"method": "month"},
            pd.to_datetime(pd.Series(["2021-03-01", None, "1999-12-01"])),
        ),
        (
            pd.to_datetime(pd.Series(["2021-03-04 10:30", None])),
            {"method": "year"},
            pd.to_datetime(pd.Series(["2021-01-01", None])),
        ),
        (
            pd.Series(["2021-03-04", "2020-11-30", None]),
            {},
            pd.Series(["2021-03", "2020-11", None]),
        ),
        (pd.Series(["04/03/2021", None]), {"method": "year"}, pd.Series(["2021", None])),
        (
            pd.Series([3.0, 17.5, np.nan, -0.5, np.inf]),
            {"method": "width", "width": 10},
            pd.Series(["[0, 10)", "[10, 20)", None, "[-10, 0)", "inf"]),
        ),
        (
            pd.Series([5, 18, 40, 90, None]),
            {"method": "bands", "edges": [18, 65]},
            pd.Series(["< 18", "[18, 65)", "[18, 65)", ">= 65", None]),
        ),
        (
            pd.Series(["94107", "10001-1234", None, 1234]),
            {"method": "prefix", "length": 3},
            pd.Series(["941", "100", None, "123"]),
        ),
        (pd.Series(["abcdef"]), {}, pd.Series(["abc"])),
    ],
)
def test_generalize_examples(values, kwargs, expected):
    got = generalize(values, **kwargs)
    pd.testing.assert_series_equal(got, expected, check_dtype=False, check_names=False)


def test_generalize_to_quantile_bins_labels_each_value_with_its_bin():
    values = pd.Series(np.arange(1000.0))
    labels = generalize(values, "quantile", bins=4)
    assert labels.value_counts().to_dict() == {
        "[0, 249.75)": 250,
        "[249.75, 499.5)": 250,
        "[499.5, 749.25)": 250,
        "[749.25, 999]": 250,
    }
    assert generalize(pd.Series([1, 2, None, 3, 4])).iloc[2] is None  # auto: quantiles


def test_generalize_keeps_the_time_zone_of_datetimes():
    values = pd.Series(pd.to_datetime(["2021-03-28 12:00"]).tz_localize("Europe/Paris"))
    assert generalize(values, "month").tolist() == [pd.Timestamp("2021-03-01", tz="Europe/Paris")]


def test_a_wrong_method_for_the_column_is_a_config_error_at_its_path():
    frame = pd.DataFrame({"city": ["Oslo", "Lima"]})
    plan = load_plan(
        {"columns": {"city": {"operator": "generalize", "method": "width", "width": 5}}}
    )
    with pytest.raises(ConfigError) as info:
        mask_frame(frame, plan)
    [problem] = info.value.problems
    assert problem.path == "columns.city"
    assert "not numbers" in problem.message and "prefix" in problem.fix


def test_anonymize_text_placeholders_filters_and_overlaps():
    texts = pd.Series(["mail ann.lee@mail.com or 555-123-4567", "nothing here", None])
    assert anonymize_text(texts, find_entities).tolist() == [
        "mail <EMAIL_ADDRESS> or <PHONE_NUMBER>",
        "nothing here",
        None,
    ]
    only_phones = anonymize_text(texts, find_entities, entities=["phone_number"])
    assert only_phones.iloc[0] == "mail ann.lee@mail.com or <PHONE_NUMBER>"

    def overlapping(batch):
        return [[(0, 4, "A"), (2, 9, "B"), (0, 6, "C")] if t else [] for t in batch]

    assert anonymize_text(pd.Series(["abcdefghij"]), overlapping).tolist() == ["<C>ghij"]


def test_anonymize_text_fakes_match_the_fake_operator():
    secret = SECRET.encode()
    texts = pd.Series(["write to ann.lee@mail.com", "ann.lee@mail.com again"])
    out = anonymize_text(texts, find_entities, replace_with="fake", secret=secret)
    [email] = fake(pd.Series(["ann.lee@mail.com"]), secret, "email").tolist()
    assert out.tolist() == [f"write to {email}", f"{email} again"]


@pytest.mark.parametrize(
    ("finder", "message"),
    [
        (lambda texts: [[(0, 99, "X")] for _ in texts], r"span \(0, 99\)"),
        (lambda texts: [], "one list per text"),
    ],
)
def test_a_finder_that_misbehaves_is_reported(finder, message):
    with pytest.raises(GenerationError, match=message):
        anonymize_text(pd.Series(["short"]), finder)


def test_anonymize_text_reads_span_objects_like_presidio_results():
    class Result:
        def __init__(self, start, end, entity_type):
            self.start, self.end, self.entity_type = start, end, entity_type

    def finder(texts):
        return [[Result(0, 3, "PERSON")] for _ in texts]

    assert anonymize_text(pd.Series(["Bob is here"]), finder).tolist() == ["<PERSON> is here"]


# --------------------------------------------------------------------------- encryption


def test_encryption_is_deterministic_and_decrypt_needs_the_same_key():
    values = pd.Series(["a", "b", "a", None])
    once, twice = encrypt(values, RAW_KEY), encrypt(values, RAW_KEY)
    assert once.tolist() == twice.tolist()
    assert once[0] == once[2] != once[1]
    other = base64.b64decode(generate_key())
    assert encrypt(values, other)[0] != once[0]
    with pytest.raises(DataReadError, match="cannot be decrypted"):
        decrypt(once, other)
    with pytest.raises(DataReadError, match="3 of 3 distinct values"):
        decrypt(pd.Series(["not", "encrypted", "at all"]), RAW_KEY)


def test_decrypt_restores_kinds_of_objects():
    from datetime import date
    from decimal import Decimal

    values = pd.Series(
        [date(2020, 1, 2), Decimal("1.10"), b"\x00\xff", True, 3, "3", None], dtype=object
    )
    back = decrypt(encrypt(values, RAW_KEY), RAW_KEY)
    assert back.tolist() == [date(2020, 1, 2), Decimal("1.10"), b"\x00\xff", True, 3, "3", None]
    assert [type(v) for v in back[:6]] == [date, Decimal, bytes, bool, int, str]


# --------------------------------------------------------------------------- mask_frame


def test_mask_frame_applies_mask_and_drop_and_leaves_other_columns():
    frame = pd.DataFrame(
        {
            "ssn": ["123-45-6789", None],
            "email": ["a@b.com", "c@d.org"],
            "age": [31, 45],
            "internal": ["x", "y"],
            "name": ["Ann", "Bo"],
        }
    )
    before = frame.copy(deep=True)
    plan = load_plan(
        {
            "columns": {
                "ssn": "partial",
                "email": {"operator": "hash", "length": 8},
                "age": "allow",
                "internal": "drop",
                "name": {"action": "regenerate", "entity": "PERSON"},
            }
        }
    )
    result = mask_frame(frame, plan, secret=SECRET)
    assert isinstance(result, MaskResult)
    assert list(result.frame.columns) == ["ssn", "email", "age", "name"]
    assert result.frame["ssn"].tolist() == ["***-**-6789", None]
    assert result.frame["email"].str.fullmatch(r"[0-9a-f]{8}").all()
    assert result.frame["age"].equals(frame["age"])
    assert result.frame["name"].equals(frame["name"])  # regenerate: done by the pipeline
    pd.testing.assert_frame_equal(frame, before)
    report = result.to_dict()
    assert report == {
        "rows": 2,
        "columns": {
            "ssn": {"operator": "partial", "masked": 1},
            "email": {"operator": "hash", "masked": 2},
            "internal": {"operator": "drop", "masked": 2},
        },
    }
    text = json.dumps(report)
    assert not any(v in text for v in ("123-45-6789", "a@b.com", "c@d.org", '"x"'))


def test_reports_count_the_values_that_partial_and_pattern_replace_changed():
    frame = pd.DataFrame(
        {"ssn": ["123-45-6789", "", "--", None], "note": ["room 12", "no digits", "7", None]}
    )
    plan = load_plan(
        {
            "columns": {
                "ssn": "partial",
                "note": {"operator": "replace", "value": "#", "pattern": r"\d+"},
            }
        }
    )
    report = mask_frame(frame, plan).to_dict()["columns"]
    assert report == {
        "ssn": {"operator": "partial", "masked": 1},
        "note": {"operator": "replace", "masked": 2},
    }


def test_mask_frame_refuses_a_plan_naming_columns_the_frame_lacks():
    plan = load_plan({"columns": {"emial": "hash"}})
    with pytest.raises(
        ConfigError,
        match=r"columns\.emial: the table has no column 'emial' "
        r"\(fix: did you mean 'email'\?\)",
    ):
        mask_frame(pd.DataFrame({"email": ["a@b.com"]}), plan, secret=SECRET)


def test_mask_frame_with_a_multi_table_plan_masks_the_named_table():
    plan = load_plan(
        {
            "tables": {
                "users": {"columns": {"email": "redact"}},
                "orders": {"columns": {"note": "drop"}},
            }
        }
    )
    users = pd.DataFrame({"email": ["a@b.com"], "note": ["keep"]})
    masked = mask_frame(users, plan, table="users").frame
    assert masked.to_dict("list") == {"email": ["<REDACTED>"], "note": ["keep"]}
    with pytest.raises(ConfigError, match="several tables"):
        mask_frame(users, plan)


@pytest.mark.parametrize(
    ("decision", "name"),
    [
        ("hash", "masking.key"),
        ({"operator": "fake", "provider": "name"}, "masking.key"),
        ({"operator": "anonymize_text", "replace_with": "fake"}, "masking.key"),
        ("encrypt", "encryption.key"),
    ],
)
def test_a_missing_secret_is_generated_once_under_the_home(
    monkeypatch, tmp_path, caplog, decision, name
):
    monkeypatch.delenv("SYNDATA_MASKING_SECRET", raising=False)
    monkeypatch.delenv("SYNDATA_ENCRYPTION_KEY", raising=False)
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    frame = pd.DataFrame({"c": ["alice@example.com"]})
    first = mask_frame(frame, plan_for(frame, decision), find_entities=find_entities).frame
    key_file = tmp_path / "home" / "secrets" / name
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o777 == 0o700
    assert (
        f"generated the {'masking secret' if 'mask' in name else 'encryption key'}" in caplog.text
        and str(key_file) in caplog.text
    )
    text = key_file.read_bytes()
    again = mask_frame(frame, plan_for(frame, decision), find_entities=find_entities).frame
    assert key_file.read_bytes() == text  # kept, not generated again
    if decision != {"operator": "fake", "provider": "name"}:
        assert first.equals(again)  # the same secret gives the same masked values


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SYNDATA_MASKING_SECRET", "short", "shorter than 16 characters"),
        ("SYNDATA_ENCRYPTION_KEY", "not base64!", "not valid base64"),
    ],
)
def test_a_bad_secret_is_an_error_naming_the_environment_variable(
    monkeypatch, tmp_path, variable, value, message
):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path))
    monkeypatch.setenv(variable, value)
    frame = pd.DataFrame({"c": ["a"]})
    decision = "hash" if "MASKING" in variable else "encrypt"
    with pytest.raises(ConfigError, match=message) as info:
        check_secrets(plan_for(frame, decision))  # before any work
    assert info.value.problems[0].path == variable
    assert "fix:" in str(info.value)
    assert not (tmp_path / "secrets").exists()


def test_secrets_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SYNDATA_MASKING_SECRET", SECRET)
    monkeypatch.setenv("SYNDATA_ENCRYPTION_KEY", KEY)
    frame = pd.DataFrame({"h": ["a"], "e": ["b"]})
    plan = load_plan({"columns": {"h": {"operator": "hash", "length": 64}, "e": "encrypt"}})
    masked = mask_frame(frame, plan).frame
    assert masked["h"][0] == hmac.new(SECRET.encode(), b"a", hashlib.sha256).hexdigest()
    assert decrypt(masked["e"], RAW_KEY).tolist() == ["b"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SYNDATA_MASKING_SECRET", "short", "shorter than 16 characters"),
        ("SYNDATA_ENCRYPTION_KEY", "not base64!", "not valid base64"),
        ("SYNDATA_ENCRYPTION_KEY", base64.b64encode(b"x" * 20).decode(), "decodes to 20 bytes"),
    ],
)
def test_weak_or_malformed_secrets_are_refused(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    frame = pd.DataFrame({"c": ["a"]})
    operator = "hash" if variable == "SYNDATA_MASKING_SECRET" else "encrypt"
    with pytest.raises(ConfigError, match=message):
        mask_frame(frame, plan_for(frame, operator))


def test_a_plan_without_secret_operators_needs_no_secret(monkeypatch):
    monkeypatch.delenv("SYNDATA_MASKING_SECRET", raising=False)
    monkeypatch.delenv("SYNDATA_ENCRYPTION_KEY", raising=False)
    frame = pd.DataFrame({"c": ["123-45-6789"]})
    assert mask_frame(frame, plan_for(frame, "partial")).frame["c"][0] == "***-**-6789"


def test_explicit_keys_in_raw_or_base64_form_agree():
    frame = pd.DataFrame({"c": ["a", "b"]})
    plan = plan_for(frame, "encrypt")
    raw = mask_frame(frame, plan, key=RAW_KEY).frame
    encoded = mask_frame(frame, plan, key=KEY).frame
    assert raw.equals(encoded)
    with pytest.raises(ConfigError, match="has 5 bytes"):
        mask_frame(frame, plan, key=b"short")
