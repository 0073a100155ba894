"""The masking operators one by one: examples, value shapes, consistency and errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import uuid

import numpy as np
import pandas as pd
import pytest

from syndata.errors import DataReadError, GenerationError
from syndata.privacy.operators import (
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

SECRET = "unit-test-masking-secret-0123"
RAW_KEY = bytes(range(64))


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
