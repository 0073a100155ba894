"""mask_frame and the operators together: properties over random tables, examples, errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndata.errors import ConfigError, GenerationError
from syndata.privacy.masking import MaskResult, check_secrets, mask_frame
from syndata.privacy.operators import (
    anonymize_text,
    decrypt,
    fake,
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


# ------------------------------------------------------------ free text and mismatches


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
