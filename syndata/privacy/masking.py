"""Masking operators: rewrite personal values before a model (or anyone) sees them.

``mask_frame(frame, plan)`` applies a ``PrivacyPlan``'s ``mask`` and ``drop`` decisions to
one table and reports, per column, the operator and how many values it masked (never the
values). The input frame is never modified; columns without such a decision are untouched.

Each operator is also a function of a pandas Series (nulls stay null everywhere):

* ``redact`` / ``replace`` — a fixed token (or null) / a constant, for the value or for each
  match of a regular expression;
* ``partial`` — keep the first/last characters, mask the rest (``***-**-6789``); a value no
  longer than the kept part is masked entirely, so the whole of it is never revealed;
* ``hash_values`` — keyed HMAC-SHA256 (``SYNDATA_MASKING_SECRET``) as hex: the same value
  gives the same hash in every table and run, so masked keys still join. Values are hashed
  as text (``1``, ``1.0`` and ``"1"`` hash alike), so keys read with other dtypes still join;
* ``encrypt`` / ``decrypt`` — AES-SIV (``SYNDATA_ENCRYPTION_KEY``): deterministic, so equal
  values give equal ciphertexts whatever their dtype (joins survive), and ``decrypt``
  restores the original values (numbers, text, booleans, date-times, dates, decimals,
  bytes; other objects come back as their text) and their dtype (see ``decrypt``);
* ``fake`` — a consistent fake value: a function of (secret, provider, locale, value), the
  same in every table and run; never equal to the value it replaces. Distinct values may
  share a fake when the provider has few values (first names); mask join keys with
  ``hash`` or ``encrypt``, which are collision-free in practice;
* ``generalize`` — dates to month or year, numbers to ``[lo, hi)`` bins (a width, quantiles
  or band edges), text to a prefix;
* ``anonymize_text`` — each entity span found in free text becomes ``<ENTITY>`` or a
  consistent fake (the same fake as the ``fake`` operator gives the same value).

Speed: work is per distinct value (HMAC, AES and fake seeds) or vectorised (partial,
generalize, redaction); fake values are drawn in bulk from the locale's word lists (names,
e-mails), from per-value random streams (uuid, ipv4), or from a seeded pool of 4,096 Faker
values per provider whose digits are redrawn per value where they carry no meaning (phone
numbers, addresses, ssn, cards with a valid Luhn digit, IBANs with valid check digits).
Other providers (company, city, url, dates) give one of the pool's values.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import functools
import hashlib
import importlib
import itertools
import os
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from faker import Faker

from syndata import settings
from syndata.errors import ConfigError, DataReadError, GenerationError, Problem
from syndata.metadata import date_format
from syndata.privacy.plan import (
    DEFAULT_LOCALE,
    AnonymizeTextParams,
    ColumnPlan,
    FakeParams,
    GeneralizeParams,
    HashParams,
    PartialParams,
    PrivacyPlan,
    RedactParams,
    ReplaceParams,
    provider_for,
    resolve_provider,
)
from syndata.seeds import splitmix64

Span = tuple[int, int, str]
FindEntities = Callable[[Sequence[str]], Sequence[Sequence[Any]]]
ObjectArray = npt.NDArray[np.object_]
POOL_SIZE = 4096  # seeded Faker values per (provider, locale) for providers drawn from a pool
MAX_REDRAWS = 20  # a fake equal to its original value is drawn again, at most this often
_CHUNK = 65_536  # rows per block when a (rows x characters) matrix is needed
_SECRET_OPERATORS = frozenset({"hash", "fake"})
# Faker providers whose digits carry no meaning: redrawn per value, so fakes rarely repeat
_FREE_DIGITS = frozenset(
    {
        "phone_number",
        "basic_phone_number",
        "msisdn",
        "postcode",
        "zipcode",
        "postalcode",
        "street_address",
        "address",
        "building_number",
        "secondary_address",
        "license_plate",
        "ssn",
        "credit_card_number",
        "iban",
        "bban",
        "passport_number",
        "ean",
        "ean13",
        "ean8",
        "isbn10",
        "isbn13",
        "aba",
        "swift",
        "swift11",
        "swift8",
        "user_name",
        "vin",
    }
)
_KEY_OPERATORS = frozenset({"encrypt", "decrypt"})


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ColumnReport:
    """What masking did to one column: its operator, and how many values it masked.

    ``masked`` counts the non-null values rewritten (or removed, for ``drop``); for
    ``partial`` and ``replace`` with a pattern, those that changed; for ``anonymize_text``,
    the texts with an entity, and ``entities`` the spans replaced per entity type.
    """

    operator: str
    masked: int
    entities: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (no values of the column)."""
        out: dict[str, Any] = {"operator": self.operator, "masked": self.masked}
        if self.entities:
            out["entities"] = dict(self.entities)
        return out


@dataclass
class MaskResult:
    """The masked frame and, per masked or dropped column, its report."""

    frame: pd.DataFrame
    columns: dict[str, ColumnReport]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for logs and audit: row count and column reports, never values."""
        return {
            "rows": len(self.frame),
            "columns": {name: r.to_dict() for name, r in self.columns.items()},
        }


@dataclass(frozen=True)
class _Context:
    """What the operators of one ``mask_frame`` call share."""

    secret: bytes | None
    key: bytes | None
    find_entities: FindEntities | None


class _Mismatch(ValueError):
    """An operator does not fit the column's values (e.g. ``width`` bins of text)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


# --------------------------------------------------------------------------- entry point


def mask_frame(
    frame: pd.DataFrame,
    plan: PrivacyPlan,
    *,
    table: str | None = None,
    secret: str | bytes | None = None,
    key: str | bytes | None = None,
    find_entities: FindEntities | None = None,
) -> MaskResult:
    """Apply the plan's ``mask`` and ``drop`` decisions for ``table`` to ``frame``.

    ``secret`` (for ``hash`` and ``fake``) defaults to ``SYNDATA_MASKING_SECRET``, ``key``
    (raw bytes or base64, for ``encrypt``/``decrypt``) to ``SYNDATA_ENCRYPTION_KEY``; they
    are read only when the plan needs them. ``find_entities`` (for ``anonymize_text``)
    defaults to ``syndata.privacy.detect.find_entities``. ``table`` names the table in a
    plan of several. Raise ConfigError when the plan names a column the frame lacks, a
    secret is missing, or an operator does not fit a column's values.
    """
    plan.check(frame.columns, table)
    decisions = {
        name: d for name, d in plan.decisions(table).items() if d.action in ("mask", "drop")
    }
    ctx = _context(decisions.values(), secret, key, find_entities)
    by_name = {str(c): c for c in frame.columns}
    out = frame.copy(deep=False)
    reports: dict[str, ColumnReport] = {}
    dropped = []
    for name, decision in decisions.items():
        column = frame[by_name[name]]
        if decision.drops:
            dropped.append(by_name[name])
            reports[name] = ColumnReport("drop", int(column.notna().sum()))
            continue
        try:
            out[by_name[name]], reports[name] = _apply(column, decision, ctx)
        except _Mismatch as exc:
            raise ConfigError([Problem(_path(plan, table, name), str(exc), exc.fix)]) from None
    return MaskResult(out.drop(columns=dropped), reports)


def _path(plan: PrivacyPlan, table: str | None, column: str) -> str:
    if not plan.tables:
        return f"columns.{column}"
    name = table if table is not None else next(iter(plan.tables))
    return f"tables.{name}.columns.{column}"


def _context(
    decisions: Iterable[ColumnPlan],
    secret: str | bytes | None,
    key: str | bytes | None,
    find_entities: FindEntities | None,
) -> _Context:
    """Resolve the secrets (and the entity finder) that the decisions need, once."""
    operators = {d.operator for d in decisions if d.action == "mask"}
    texts = [d for d in decisions if d.operator == "anonymize_text"]
    fakes_text = any(d.options().model_dump().get("replace_with") == "fake" for d in texts)
    needs_secret = bool(operators & _SECRET_OPERATORS) or fakes_text
    resolved_secret = _secret(secret) if needs_secret else None
    resolved_key = _key(key) if operators & _KEY_OPERATORS else None
    if texts and find_entities is None:
        find_entities = _default_finder()
    return _Context(resolved_secret, resolved_key, find_entities)


def check_secrets(plan: PrivacyPlan) -> None:
    """Resolve the secrets that every table's decisions need (ConfigError when one is bad).

    Called before work starts; a secret that is not set is generated then
    (``settings.masking_secret``, ``settings.encryption_key``).
    """
    tables: list[str | None] = [*plan.tables] or [None]
    for table in tables:
        decisions = [d for d in plan.decisions(table).values() if d.action == "mask"]
        _context(decisions, None, None, find_entities=lambda texts: [])


def _secret(secret: str | bytes | None) -> bytes:
    if secret is None:
        return settings.masking_secret()
    value = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if not value:
        fix = f"pass a non-empty secret or set {settings.MASKING_SECRET_VAR}"
        raise ConfigError([Problem("secret", "the masking secret is empty", fix)])
    return value


def _key(key: str | bytes | None) -> bytes:
    if key is None:
        return settings.encryption_key()
    if isinstance(key, bytes):
        if len(key) not in settings.ENCRYPTION_KEY_SIZES:
            sizes = ", ".join(map(str, settings.ENCRYPTION_KEY_SIZES))
            raise ConfigError(
                [
                    Problem(
                        "key",
                        f"the encryption key has {len(key)} bytes; an "
                        f"AES-SIV key has {sizes} bytes",
                        "use generate_key() to make one",
                    )
                ]
            )
        return key
    raw, problem = settings.decode_encryption_key(key, "key")
    if problem is not None:
        raise ConfigError([problem])
    return raw


def _default_finder() -> FindEntities:
    try:
        detect = importlib.import_module("syndata.privacy.detect")
    except ImportError:
        detect = None
    finder = getattr(detect, "find_entities", None)
    if finder is None:
        raise ConfigError(
            [
                Problem(
                    "anonymize_text",
                    "no entity finder is available",
                    "pass find_entities=... to mask_frame",
                )
            ]
        )
    return finder


def generate_key() -> str:
    """A new random AES-SIV key (64 bytes, base64) for ``SYNDATA_ENCRYPTION_KEY``."""
    return base64.b64encode(os.urandom(64)).decode("ascii")


def _apply(
    values: pd.Series, decision: ColumnPlan, ctx: _Context
) -> tuple[pd.Series, ColumnReport]:
    """One column masked with its decision's operator, and the report."""
    op = str(decision.operator)
    opts = decision.options()
    present = int(values.notna().sum())
    if op == "anonymize_text":
        assert isinstance(opts, AnonymizeTextParams) and ctx.find_entities is not None
        masked, changed, spans = _anonymize(values, ctx.find_entities, opts, ctx.secret)
        return masked, ColumnReport(op, changed, dict(spans))
    if op == "fake":
        assert isinstance(opts, FakeParams) and ctx.secret is not None
        provider = provider_for(decision.entity, opts.provider)
        return fake(values, ctx.secret, str(provider), opts.locale), ColumnReport(op, present)
    if op in ("encrypt", "decrypt"):
        assert ctx.key is not None
        function = encrypt if op == "encrypt" else decrypt
        return function(values, ctx.key), ColumnReport(op, present)
    if op == "hash":
        assert isinstance(opts, HashParams) and ctx.secret is not None
        return hash_values(values, ctx.secret, opts.length), ColumnReport(op, present)
    masked = _SIMPLE[op](values, opts)
    # partial and replace with a pattern may leave values as they are: count the changed
    in_place = op == "partial" or (isinstance(opts, ReplaceParams) and opts.pattern is not None)
    return masked, ColumnReport(op, _changed(values, masked) if in_place else present)


def _changed(before: pd.Series, after: pd.Series) -> int:
    """How many non-null values differ (as text) after masking."""
    mask = before.notna().to_numpy()
    if not mask.any():
        return 0
    return int((_as_text(before[mask]) != _as_text(after[mask].fillna(""))).sum())


# --------------------------------------------------------------------------- helpers


def _canonical(value: Any) -> str:
    """A value as text, the same for equal values of any dtype (``1``, ``1.0``, ``"1"``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def _factorize(values: pd.Series) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Codes of ``values`` (-1 for nulls) and the text of each distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if _all_strings(uniques):
        return codes, list(uniques)
    return codes, [_canonical(v) for v in uniques]


def _all_strings(values: Any) -> bool:
    return bool(
        values.dtype == object
        and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
    )


def _as_text(values: pd.Series) -> ObjectArray:
    """Every value (none null) as canonical text."""
    if _all_strings(values):
        return values.to_numpy(dtype=object)
    codes, texts = _factorize(values)
    return np.asarray(texts, dtype=object)[codes] if texts else np.empty(0, dtype=object)


def _expand(values: pd.Series, per_unique: Sequence[Any], codes: npt.NDArray[np.intp]) -> pd.Series:
    """A Series like ``values`` holding ``per_unique[code]``, and None where values are null."""
    table = np.empty(len(per_unique) + 1, dtype=object)
    table[:-1] = per_unique
    table[-1] = None
    return pd.Series(table[codes], index=values.index, name=values.name, dtype=object)


def _fill(values: pd.Series, present: npt.NDArray[np.bool_], masked: Any) -> pd.Series:
    """An object Series like ``values``: ``masked`` where present, None elsewhere."""
    out = np.full(len(values), None, dtype=object)
    out[present] = masked
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _hmac_digests(key: bytes, texts: Sequence[str], prefix: bytes = b"") -> list[bytes]:
    """HMAC-SHA256 of ``prefix + text`` for each text (RFC 2104, with the pads hashed once).

    Equal to ``hmac.digest(key, prefix + text, "sha256")``, about twice as fast in bulk.
    """
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block) + prefix)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    out = []
    for text in texts:
        first = inner.copy()
        first.update(_encode(text))
        second = outer.copy()
        second.update(first.digest())
        out.append(second.digest())
    return out


# --------------------------------------------------------------------------- simple operators


def redact(values: pd.Series, token: str | None = "<REDACTED>") -> pd.Series:
    """Every non-null value becomes ``token`` (None: null)."""
    return _fill(values, values.notna().to_numpy(), token)


def replace(values: pd.Series, value: Any, pattern: str | None = None) -> pd.Series:
    """Every non-null value becomes ``value``; with ``pattern``, each regex match does."""
    present = values.notna().to_numpy()
    if pattern is None:
        return _fill(values, present, value)
    text = pd.Series(_as_text(values[present]), dtype=object)
    constant = _canonical(value)
    replaced = text.str.replace(re.compile(pattern), lambda _m: constant, regex=True)
    return _fill(values, present, replaced.to_numpy(dtype=object))


def partial(
    values: pd.Series,
    keep_first: int = 0,
    keep_last: int = 4,
    char: str = "*",
    keep_chars: str = " -./()@+_:",
) -> pd.Series:
    """Keep ``keep_first``/``keep_last`` characters, replace the others with ``char``.

    Characters in ``keep_chars`` (separators) stay in place: ``123-45-6789`` becomes
    ``***-**-6789``. A value no longer than ``keep_first + keep_last`` is masked entirely;
    so the output equals the input only for values with nothing to mask (empty, or made
    only of separators and ``char``). Non-text values are masked as their text.
    """
    present = values.notna().to_numpy()
    text = _as_text(values[present])
    lengths = np.fromiter((len(t) for t in text), dtype=np.int64, count=len(text))
    keep = np.array([ord(c) for c in keep_chars], dtype=np.uint32)
    masked = np.empty(len(text), dtype=object)
    for rows in _blocks(lengths):
        masked[rows] = _partial_block(
            text[rows], lengths[rows], keep_first, keep_last, ord(char), keep
        )
    with_nul = np.flatnonzero([("\0" in t) for t in text])  # numpy strings drop trailing NULs
    for row in with_nul:
        masked[row] = _partial_text(text[row], keep_first, keep_last, char, keep_chars)
    return _fill(values, present, masked)


def _partial_text(text: str, keep_first: int, keep_last: int, char: str, keep_chars: str) -> str:
    """``partial`` of one text (the reference the vectorised version follows)."""
    kept = len(text) > keep_first + keep_last
    return "".join(
        c if c in keep_chars or (kept and (i < keep_first or i >= len(text) - keep_last)) else char
        for i, c in enumerate(text)
    )


def _blocks(lengths: npt.NDArray[np.int64], cells: int = 1 << 23) -> Iterable[slice]:
    """Row slices whose (rows x longest text) character matrix stays under ``cells``."""
    start = 0
    while start < len(lengths):
        stop = min(start + _CHUNK, len(lengths))
        longest = max(1, int(lengths[start:stop].max()))
        stop = min(stop, start + max(1, cells // longest))
        yield slice(start, stop)
        start = stop


def _partial_block(
    texts: ObjectArray,
    lengths: npt.NDArray[np.int64],
    keep_first: int,
    keep_last: int,
    char: int,
    keep: npt.NDArray[np.uint32],
) -> ObjectArray:
    """``partial`` of some texts, on their matrix of code points."""
    block = np.asarray(texts, dtype=str)
    width = block.dtype.itemsize // 4
    if width == 0:
        return texts
    codes = block.view(np.uint32).reshape(len(block), width).copy()
    position = np.arange(width)[None, :]
    long_enough = (lengths > keep_first + keep_last)[:, None]
    kept_end = (position < keep_first) | (position >= (lengths - keep_last)[:, None])
    maskable = (position < lengths[:, None]) & ~(long_enough & kept_end) & ~np.isin(codes, keep)
    codes[maskable] = char
    return codes.view(f"<U{width}").ravel().astype(object)


def hash_values(values: pd.Series, secret: bytes, length: int = 16) -> pd.Series:
    """HMAC-SHA256 of each value's text under ``secret``, as ``length`` hex digits.

    Equal values give equal hashes in every table and run (with the same secret).
    """
    codes, texts = _factorize(values)
    digests = _hmac_digests(secret, texts)
    return _expand(values, [d.hex()[:length] for d in digests], codes)


# --------------------------------------------------------------------------- encryption


def encrypt(values: pd.Series, key: bytes) -> pd.Series:
    """AES-SIV ciphertexts (urlsafe base64) of the values, with their kind for ``decrypt``.

    Deterministic: equal values give equal ciphertexts, whatever their dtype (the number 1
    is the same in an int column and in a float column with nulls), so keys still join.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    siv = AESSIV(key)
    cipher = [
        base64.urlsafe_b64encode(siv.encrypt(_encode(_kind_text(v)), None)).decode("ascii")
        for v in uniques
    ]
    return _expand(values, cipher, codes)


def decrypt(values: pd.Series, key: bytes) -> pd.Series:
    """The original values of ``encrypt`` output.

    The dtype is rebuilt from the values' kinds: numbers are int64 (Int64 with nulls) when
    all are whole, float64 otherwise; date-times datetime64[ns] (time zones as UTC offsets);
    booleans bool (boolean with nulls); text and other objects object. So int, nullable int,
    bool, text and naive datetime64[ns] columns, and float columns with a fraction, come back
    exactly; a float column of whole numbers comes back as integers of the same values.
    Raise DataReadError when values were not encrypted with this key.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    siv = AESSIV(key)
    plain: list[str] = []
    bad = 0
    for token in uniques:
        try:
            data = siv.decrypt(base64.urlsafe_b64decode(str(token).encode("ascii")), None)
            plain.append(data.decode("utf-8", "surrogatepass"))
        except (InvalidTag, ValueError, binascii.Error, UnicodeError):
            bad += 1
    if bad:
        raise DataReadError(
            f"column '{values.name}': {bad} of {len(uniques)} distinct values cannot be "
            "decrypted: they were not made by 'encrypt', or with another key; use the key "
            f"they were encrypted with ({settings.ENCRYPTION_KEY_VAR})"
        )
    return _restore(values, plain, codes)


def _kind_text(value: Any) -> str:
    """``kind:text`` of a value: its canonical text and what ``decrypt`` makes of it."""
    if isinstance(value, bool | np.bool_):
        return f"b:{int(bool(value))}"
    if isinstance(value, int | float | np.integer | np.floating):
        return f"n:{_canonical(value)}"
    if isinstance(value, datetime | np.datetime64):
        return f"t:{pd.Timestamp(value).isoformat()}"
    if isinstance(value, date):
        return f"d:{value.isoformat()}"
    if isinstance(value, decimal.Decimal):
        return f"m:{value}"
    if isinstance(value, bytes):
        return f"y:{base64.b64encode(value).decode('ascii')}"
    return f"s:{_canonical(value)}"


def _from_kind_text(text: str) -> Any:
    kind, _, body = text.partition(":")
    if kind == "n":
        return float(body) if any(c in body for c in ".eEn") else int(body)
    if kind == "b":
        return body == "1"
    if kind == "t":
        return pd.Timestamp(body)
    if kind == "d":
        return date.fromisoformat(body)
    if kind == "m":
        return decimal.Decimal(body)
    if kind == "y":
        return base64.b64decode(body)
    return body


def _restore(values: pd.Series, plain: list[str], codes: npt.NDArray[np.intp]) -> pd.Series:
    """Decrypted ``kind:text`` values back to a Series with a dtype of their kinds."""
    kinds = {p[:1] for p in plain}
    objects = [_from_kind_text(p) for p in plain]
    column = _expand(values, objects, codes)
    nulls = bool((codes < 0).any())
    if kinds == {"n"}:
        if all(isinstance(v, int) and -(2**63) <= v < 2**63 for v in objects):
            return column.astype("Int64" if nulls else np.int64)
        return column.astype(np.float64)
    if kinds == {"b"}:
        return column.astype("boolean" if nulls else bool)
    if kinds == {"t"}:
        try:
            return pd.to_datetime(column)
        except (ValueError, TypeError):  # mixed UTC offsets: Timestamps in an object column
            return column
    return column


# --------------------------------------------------------------------------- generalize


def generalize(
    values: pd.Series,
    method: str = "auto",
    width: float | None = None,
    bins: int | None = None,
    length: int | None = None,
    edges: Sequence[float] | None = None,
) -> pd.Series:
    """Coarser values: dates to month/year, numbers to bins or bands, text to a prefix.

    ``auto`` picks ``month`` for dates (also dates written as text), 10 ``quantile`` bins
    for numbers and a ``prefix`` of 3 characters for other text. Datetime columns keep
    their dtype (the first instant of the month or year); dates in text become ``2021-03``
    or ``2021`` (text that is not a date becomes null). Bins and bands are labelled
    ``[lo, hi)`` (the last quantile bin ``[lo, hi]``; bands add ``< first`` and
    ``>= last``).
    """
    kind = _value_kind(values)
    if method == "auto":
        method = {"datetime": "month", "date_text": "month", "number": "quantile"}.get(
            kind, "prefix"
        )
        bins, length = bins or 10, length or 3
    if method in ("month", "year"):
        if kind == "datetime":
            return _truncate_datetimes(values, method)
        return _truncate_date_text(values, method)
    if method == "prefix":
        present = values.notna().to_numpy()
        text = pa.array(_as_text(values[present]), type=pa.large_string())
        prefix = pc.utf8_slice_codeunits(text, 0, int(length or 3))
        return _fill(values, present, prefix.to_numpy(zero_copy_only=False))
    numbers = _numbers(values, method)
    if method == "width":
        return _width_bins(values, numbers, float(width or 1))
    if method == "quantile":
        return _quantile_bins(values, numbers, int(bins or 10))
    return _bands(values, numbers, [float(e) for e in edges or ()])


def _value_kind(values: pd.Series) -> str:
    """``datetime``, ``number``, ``date_text`` or ``text``: how generalize reads the values."""
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        return "datetime"
    if pd.api.types.is_bool_dtype(dtype):
        return "text"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    present = values.dropna()
    if len(present) and all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)
        for v in present.iloc[:1000]
    ):
        return "number"
    if len(present) and all(isinstance(v, date) for v in present.iloc[:1000]):
        return "date_text"
    text = pd.Series(_as_text(present.iloc[:1000]), dtype=object)
    return "date_text" if len(text) and date_format(text) is not None else "text"


def _truncate_datetimes(values: pd.Series, method: str) -> pd.Series:
    tz = values.dt.tz
    local = values.dt.tz_localize(None) if tz is not None else values
    days = local.dt.day if method == "month" else local.dt.dayofyear
    start = local.dt.normalize() - pd.to_timedelta(days - 1, unit="D")
    if tz is not None:
        start = start.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return start.astype(values.dtype)


def _truncate_date_text(values: pd.Series, method: str) -> pd.Series:
    present = values.notna().to_numpy()
    if all(isinstance(v, date) for v in values[present].iloc[:1000]):
        parsed = pd.to_datetime(
            pd.Series(values[present].to_numpy(), dtype=object), errors="coerce", utc=True
        )
    else:
        text = pd.Series(_as_text(values[present]), dtype=object)
        fmt = date_format(text) if len(text) else None
        if fmt is None:
            raise _Mismatch(
                f"column '{values.name}' holds no dates; method '{method}' generalizes dates",
                "use method 'prefix' for text",
            )
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    labels = parsed.dt.strftime("%Y-%m" if method == "month" else "%Y")
    return _fill(values, present, labels.astype(object).where(labels.notna(), None).to_numpy())  # type: ignore[call-overload]


def _numbers(values: pd.Series, method: str) -> npt.NDArray[np.float64]:
    """The values as floats (NaN for nulls); _Mismatch when some are not numbers."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    numbers = pd.to_numeric(values, errors="coerce")
    if bool((numbers.isna() & values.notna()).any()):
        raise _Mismatch(
            f"column '{values.name}' holds values that are not numbers; method "
            f"'{method}' bins numbers",
            "use method 'prefix', 'month' or 'year'",
        )
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _number_text(x: float) -> str:
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.10g}"


def _labelled(
    values: pd.Series,
    index: npt.NDArray[np.int64],
    labels: list[str],
    numbers: npt.NDArray[np.float64],
) -> pd.Series:
    present = ~np.isnan(numbers)
    table = np.asarray(labels, dtype=object)
    return _fill(values, present, table[index[present]])


def _width_bins(values: pd.Series, numbers: npt.NDArray[np.float64], width: float) -> pd.Series:
    present = ~np.isnan(numbers)
    with np.errstate(invalid="ignore", over="ignore"):
        low = np.floor(numbers[present] / width) * width
    lows, index = np.unique(low, return_inverse=True)
    labels = [
        f"[{_number_text(lo)}, {_number_text(lo + width)})" if np.isfinite(lo) else _number_text(lo)
        for lo in lows
    ]
    full = np.zeros(len(numbers), dtype=np.int64)
    full[present] = index.ravel()
    return _labelled(values, full, labels, numbers)


def _quantile_bins(values: pd.Series, numbers: npt.NDArray[np.float64], bins: int) -> pd.Series:
    finite = numbers[np.isfinite(numbers)]
    edges = (
        np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1))) if len(finite) else np.zeros(1)
    )
    texts = [_number_text(e) for e in edges]
    if len(edges) == 1:
        labels = [f"[{texts[0]}, {texts[0]}]"]
    else:
        labels = [f"[{a}, {b})" for a, b in itertools.pairwise(texts)]
        labels[-1] = labels[-1][:-1] + "]"
    index = np.searchsorted(edges[1:-1], np.nan_to_num(numbers), side="right").astype(np.int64)
    labels += ["inf", "-inf"]  # infinite values are not binned
    index[np.isposinf(numbers)] = len(labels) - 2
    index[np.isneginf(numbers)] = len(labels) - 1
    return _labelled(values, index, labels, numbers)


def _bands(values: pd.Series, numbers: npt.NDArray[np.float64], edges: list[float]) -> pd.Series:
    texts = [_number_text(e) for e in edges]
    labels = [f"< {texts[0]}"]
    labels += [f"[{a}, {b})" for a, b in itertools.pairwise(texts)]
    labels.append(f">= {texts[-1]}")
    index = np.searchsorted(np.asarray(edges), np.nan_to_num(numbers), side="right")
    return _labelled(values, index.astype(np.int64), labels, numbers)


# --------------------------------------------------------------------------- fake values

_GOLDEN = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
_STRIDE = 4096  # stream positions a character matrix uses up (values up to this length)


class _Draws:
    """Random numbers per row, each row's a function of its seed only (splitmix64 streams).

    So a fake value depends on its own value alone, not on the other rows or their order.
    """

    def __init__(self, seeds: npt.NDArray[np.uint64], position: int = 0) -> None:
        self.seeds = seeds
        self.position = position

    def __len__(self) -> int:
        return len(self.seeds)

    def uint(self) -> npt.NDArray[np.uint64]:
        """One uniform 64-bit number per row."""
        self.position += 1
        return splitmix64(self.seeds + np.uint64((self.position * _GOLDEN) & _MASK64))

    def integers(self, high: int) -> npt.NDArray[np.int64]:
        """One integer in ``[0, high)`` per row."""
        return (self.uint() % np.uint64(high)).astype(np.int64)

    def random(self) -> npt.NDArray[np.float64]:
        """One float in ``[0, 1)`` per row."""
        return (self.uint() >> np.uint64(11)).astype(np.float64) * 2.0**-53

    def matrix(self, width: int, rows: slice) -> npt.NDArray[np.uint64]:
        """``width`` numbers for each row of ``rows``; the same whatever ``width`` is."""
        steps = np.array(
            [((self.position + j + 1) * _GOLDEN) & _MASK64 for j in range(width)], dtype=np.uint64
        )
        return splitmix64(self.seeds[rows, None] + steps[None, :])

    def skip_matrix(self) -> None:
        """Move past the positions ``matrix`` uses."""
        self.position += _STRIDE


Maker = Callable[[_Draws], ObjectArray]


def fake(
    values: pd.Series, secret: bytes, provider: str, locale: str = DEFAULT_LOCALE
) -> pd.Series:
    """A consistent fake value (Faker ``provider``) for each value; never an original one.

    The fake is a function of (secret, provider, locale, value): equal values get equal
    fakes in every table and run, except where a fake equals another original value of
    the column being masked: it is redrawn, so no original value of the column is ever
    emitted (use ``hash`` or ``encrypt`` for join keys, which never coincide).
    """
    codes, texts = _factorize(values)
    return _expand(values, list(fake_texts(texts, secret, provider, locale)), codes)


def fake_texts(
    texts: Sequence[str], secret: bytes, provider: str, locale: str = DEFAULT_LOCALE
) -> ObjectArray:
    """The consistent fake of each text (see ``fake``)."""
    provider = resolve_provider(provider)
    originals = np.asarray(texts, dtype=object)
    if len(originals) == 0:
        return originals
    key = _hmac_digests(secret, ["syndata:fake"])[0]
    digests = _hmac_digests(key, texts, f"{provider}\x00{locale}\x00".encode())
    seeds = np.frombuffer(b"".join(d[:8] for d in digests), dtype="<u8").astype(np.uint64)
    make = _maker(provider, locale)
    out = make(_Draws(seeds))
    for attempt in range(1, MAX_REDRAWS + 1):
        # never any original value of the column, not only the row's own: a fake name that
        # is another person's real name would put that name in the output
        same = pd.Index(out).isin(originals)
        if not same.any():
            return out
        retry = splitmix64(seeds[same] ^ np.uint64((attempt * 0xD1B54A32D192ED03) & _MASK64))
        out[same] = make(_Draws(retry))
    raise GenerationError(
        f"Faker provider '{provider}' keeps giving the original values; "
        "choose a provider with more values, or another operator"
    )


@functools.lru_cache(maxsize=64)
def _maker(provider: str, locale: str) -> Maker:
    """How fake values of ``provider`` are drawn in bulk."""
    from syndata.rules.providers import word_list

    if provider in ("name", "email"):
        firsts = word_list(locale, "first_name") or word_list(DEFAULT_LOCALE, "first_name")
        lasts = word_list(locale, "last_name") or word_list(DEFAULT_LOCALE, "last_name")
        assert firsts is not None and lasts is not None
        if provider == "name":
            return _NameMaker(_WordMaker(*firsts), _WordMaker(*lasts))
        domains = word_list(locale, "free_email_domain")
        return _EmailMaker(
            _WordMaker(_ascii(firsts[0]), firsts[1]),
            _WordMaker(_ascii(lasts[0]), lasts[1]),
            list(domains[0]) if domains else ["example.com"],
        )
    if provider == "ipv4":
        return _ipv4
    if provider == "uuid4":
        return _uuid4
    words = word_list(locale, provider)
    if words is not None:
        return _WordMaker(*words)
    keep, fix = {"credit_card_number": (4, _luhn), "iban": (0, _iban)}.get(provider, (0, None))
    return _PoolMaker(provider, locale, provider in _FREE_DIGITS, keep, fix)


class _WordMaker:
    """Words of a list, weighted as Faker weighs them."""

    def __init__(self, words: list[str], weights: npt.NDArray[np.float64] | None) -> None:
        self.words = np.asarray(words, dtype=object)
        self.cdf = None if weights is None else np.cumsum(weights / weights.sum())

    def __call__(self, draws: _Draws) -> ObjectArray:
        if self.cdf is None:
            return self.words[draws.integers(len(self.words))]
        index = np.minimum(
            np.searchsorted(self.cdf, draws.random(), side="right"), len(self.words) - 1
        )
        return self.words[index]


@dataclass(frozen=True)
class _NameMaker:
    first: _WordMaker
    last: _WordMaker

    def __call__(self, draws: _Draws) -> ObjectArray:
        return self.first(draws) + " " + self.last(draws)


@dataclass(frozen=True)
class _EmailMaker:
    first: _WordMaker
    last: _WordMaker
    domains: list[str]

    def __call__(self, draws: _Draws) -> ObjectArray:
        seps = np.array([".", "_", ""], dtype=object)[draws.integers(3)]
        number = draws.integers(100).astype(str).astype(object)
        suffix = np.where(draws.random() < 0.5, number, "")
        domain = np.asarray(self.domains, dtype=object)[draws.integers(len(self.domains))]
        return self.first(draws) + seps + self.last(draws) + suffix + "@" + domain


def _ascii(words: list[str]) -> list[str]:
    out = []
    for word in words:
        flat = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        out.append(re.sub(r"[^a-z0-9]", "", flat.lower()) or "user")
    return out


def _ipv4(draws: _Draws) -> ObjectArray:
    parts = [
        1 + draws.integers(223),
        draws.integers(256),
        draws.integers(256),
        1 + draws.integers(254),
    ]
    out = parts[0].astype(str).astype(object)
    for part in parts[1:]:
        out = out + "." + part.astype(str).astype(object)
    return out


_HEX = np.frombuffer("0123456789abcdef".encode("utf-32-le"), dtype=np.uint32)


def _uuid4(draws: _Draws) -> ObjectArray:
    out = np.empty(len(draws), dtype=object)
    for start in range(0, len(draws), _CHUNK):
        rows = slice(start, start + _CHUNK)
        raw = (draws.matrix(32, rows) % np.uint64(16)).astype(np.int64)
        raw[:, 12] = 4
        raw[:, 16] = 8 + raw[:, 16] % 4
        nibbles = _HEX[raw]
        dash = np.full((len(nibbles), 1), ord("-"), dtype=np.uint32)
        codes = np.hstack(
            [
                nibbles[:, :8],
                dash,
                nibbles[:, 8:12],
                dash,
                nibbles[:, 12:16],
                dash,
                nibbles[:, 16:20],
                dash,
                nibbles[:, 20:],
            ]
        )
        out[rows] = np.ascontiguousarray(codes).view("<U36").ravel()
    draws.skip_matrix()
    return out


class _PoolMaker:
    """Values of a seeded pool of Faker values, with every digit redrawn per value."""

    def __init__(
        self,
        provider: str,
        locale: str,
        free_digits: bool,
        keep_digits: int,
        fix: Callable[[npt.NDArray[np.uint32]], None] | None,
    ) -> None:
        self.provider, self.locale, self.free_digits = provider, locale, free_digits
        self.keep_digits, self.fix = keep_digits, fix

    @functools.cached_property
    def pool(self) -> ObjectArray:
        """POOL_SIZE values of the provider, the same in every run (same Faker version)."""
        faker = Faker(self.locale)
        faker.seed_instance(zlib.crc32(f"{self.provider}|{self.locale}".encode()))
        method = getattr(faker, self.provider)
        try:
            values = [method() for _ in range(POOL_SIZE)]
        except Exception as exc:  # the provider's own error, e.g. one needing arguments
            raise GenerationError(
                f"Faker provider '{self.provider}' failed: {exc}; choose another provider"
            ) from exc
        return np.asarray([_canonical(v) for v in values], dtype=object)

    def __call__(self, draws: _Draws) -> ObjectArray:
        picked = self.pool[draws.integers(len(self.pool))]
        if not self.free_digits:
            return picked
        out = np.empty(len(picked), dtype=object)
        for start in range(0, len(picked), _CHUNK):
            rows = slice(start, start + _CHUNK)
            out[rows] = self._redraw(picked[rows], draws, rows)
        draws.skip_matrix()
        return out

    def _redraw(self, picked: ObjectArray, draws: _Draws, rows: slice) -> ObjectArray:
        text = np.asarray(picked, dtype=str)
        width = text.dtype.itemsize // 4
        if width == 0:
            return picked
        codes = text.view(np.uint32).reshape(len(text), width).copy()
        digit = (codes >= 48) & (codes <= 57)
        free = digit & (np.cumsum(digit, axis=1) > self.keep_digits)
        nonzero = free & (codes != 48)
        fresh = draws.matrix(width, rows)
        codes[free] = 48 + (fresh[free] % np.uint64(10)).astype(np.uint32)
        codes[nonzero] = 49 + (fresh[nonzero] % np.uint64(9)).astype(np.uint32)
        if self.fix is not None:
            self.fix(codes)
        return codes.view(f"<U{width}").ravel().astype(object)


def _luhn(codes: npt.NDArray[np.uint32]) -> None:
    """Set the last digit of each all-digit row to its Luhn check digit (in place)."""
    length = (codes != 0).sum(axis=1)
    digits = codes.astype(np.int64) - 48
    rows = np.flatnonzero(((digits >= 0) & (digits <= 9) | (codes == 0)).all(axis=1) & (length > 1))
    if len(rows) == 0:
        return
    sub, last = digits[rows], length[rows] - 1
    position = np.arange(codes.shape[1])[None, :]
    doubled = (last[:, None] - position) % 2 == 1
    value = np.where(doubled, 2 * sub, sub)
    value = np.where(value > 9, value - 9, value)
    total = np.where(position < last[:, None], value, 0).sum(axis=1)
    codes[rows, last] = (48 + (10 - total % 10) % 10).astype(np.uint32)


_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]+$")


def _iban(codes: npt.NDArray[np.uint32]) -> None:
    """Set the check digits of each IBAN-shaped row (in place)."""
    width = codes.shape[1]
    for row, text in enumerate(codes.view(f"<U{width}").ravel()):
        if _IBAN.match(text):
            body = text[4:] + text[:2] + "00"
            check = 98 - int("".join(str(int(c, 36)) for c in body)) % 97
            codes[row, 2] = 48 + check // 10
            codes[row, 3] = 48 + check % 10


# --------------------------------------------------------------------------- free text


def anonymize_text(
    values: pd.Series,
    find_entities: FindEntities,
    *,
    replace_with: str = "placeholder",
    entities: Sequence[str] | None = None,
    secret: bytes | None = None,
    locale: str = DEFAULT_LOCALE,
) -> pd.Series:
    """Replace each entity span that ``find_entities`` finds in the texts.

    ``find_entities(texts)`` returns, per text, ``(start, end, entity)`` spans (or objects
    with ``start``, ``end`` and ``entity_type``). Each span becomes ``<ENTITY>``, or with
    ``replace_with="fake"`` (needs ``secret``) the consistent fake of its text (entities
    without a Faker provider get the placeholder). Overlapping spans: the earliest (then
    longest) wins. ``entities`` keeps only spans of these types.
    """
    opts = AnonymizeTextParams(
        replace_with=replace_with,  # type: ignore[arg-type]
        entities=list(entities) if entities else None,
        locale=locale,
    )
    return _anonymize(values, find_entities, opts, secret)[0]


def _anonymize(
    values: pd.Series, find_entities: FindEntities, opts: AnonymizeTextParams, secret: bytes | None
) -> tuple[pd.Series, int, Counter[str]]:
    """Masked texts, how many rows changed, and how many spans of each entity."""
    codes, texts = _factorize(values)
    found = list(find_entities(texts)) if texts else []
    if len(found) != len(texts):
        raise GenerationError(
            f"find_entities returned {len(found)} span lists for "
            f"{len(texts)} texts; it must return one list per text"
        )
    wanted = {e.upper() for e in opts.entities} if opts.entities else None
    spans = [_clean_spans(text, items, wanted) for text, items in zip(texts, found, strict=True)]
    fakes = _span_fakes(texts, spans, secret, opts.locale) if opts.replace_with == "fake" else {}
    masked = [
        _rebuild(text, text_spans, fakes) for text, text_spans in zip(texts, spans, strict=True)
    ]
    rows = np.bincount(codes[codes >= 0], minlength=len(texts))
    counts: Counter[str] = Counter()
    for n, text_spans in zip(rows, spans, strict=True):
        for _, _, entity in text_spans:
            counts[entity] += int(n)
    changed = int(sum(n for n, s in zip(rows, spans, strict=True) if s))
    return _expand(values, masked, codes), changed, counts


def _span(item: Any) -> Span:
    if isinstance(item, tuple | list):
        start, end, entity = item[0], item[1], item[2]
    else:
        start, end = item.start, item.end
        entity = getattr(item, "entity_type", None) or item.entity
    return int(start), int(end), str(entity)


def _clean_spans(text: str, items: Iterable[Any], wanted: set[str] | None) -> list[Span]:
    """Valid spans in order, overlaps removed (earliest, then longest, wins)."""
    spans = sorted((_span(i) for i in items), key=lambda s: (s[0], -s[1]))
    out: list[Span] = []
    end_of_last = 0
    for start, end, entity in spans:
        if not 0 <= start < end <= len(text):
            raise GenerationError(
                f"find_entities returned the span ({start}, {end}) for a text "
                f"of {len(text)} characters"
            )
        if (wanted is None or entity.upper() in wanted) and start >= end_of_last:
            out.append((start, end, entity))
            end_of_last = end
    return out


def _span_fakes(
    texts: Sequence[str], spans: Sequence[list[Span]], secret: bytes | None, locale: str
) -> dict[tuple[str, str], str]:
    """The fake of each (entity, span text) whose entity has a Faker provider."""
    if secret is None:
        raise ConfigError(
            [
                Problem(
                    settings.MASKING_SECRET_VAR,
                    "replace_with: fake needs a secret",
                    f"set {settings.MASKING_SECRET_VAR}",
                )
            ]
        )
    wanted: dict[str, set[str]] = {}
    for text, text_spans in zip(texts, spans, strict=True):
        for start, end, entity in text_spans:
            provider = provider_for(entity)
            if provider is not None:
                wanted.setdefault(provider, set()).add(text[start:end])
    fakes: dict[str, dict[str, str]] = {}
    for provider, originals in wanted.items():
        ordered = sorted(originals)
        made = fake_texts(ordered, secret, provider, locale)
        fakes[provider] = {o: str(f) for o, f in zip(ordered, made, strict=True)}
    return {
        (entity, text[start:end]): fakes[provider][text[start:end]]
        for text, text_spans in zip(texts, spans, strict=True)
        for start, end, entity in text_spans
        if (provider := provider_for(entity)) is not None
    }


def _rebuild(text: str, spans: list[Span], fakes: dict[tuple[str, str], str]) -> str:
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end, entity in spans:
        parts.append(text[cursor:start])
        parts.append(fakes.get((entity, text[start:end]), f"<{entity}>"))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def _simple_redact(values: pd.Series, opts: Any) -> pd.Series:
    assert isinstance(opts, RedactParams)
    return redact(values, opts.token)


def _simple_replace(values: pd.Series, opts: Any) -> pd.Series:
    assert isinstance(opts, ReplaceParams)
    return replace(values, opts.value, opts.pattern)


def _simple_partial(values: pd.Series, opts: Any) -> pd.Series:
    assert isinstance(opts, PartialParams)
    return partial(values, opts.keep_first, opts.keep_last, opts.char, opts.keep_chars)


def _simple_generalize(values: pd.Series, opts: Any) -> pd.Series:
    assert isinstance(opts, GeneralizeParams)
    return generalize(values, opts.method, opts.width, opts.bins, opts.length, opts.edges)


_SIMPLE: dict[str, Callable[[pd.Series, Any], pd.Series]] = {
    "redact": _simple_redact,
    "replace": _simple_replace,
    "partial": _simple_partial,
    "generalize": _simple_generalize,
}
