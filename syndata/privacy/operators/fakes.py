"""Masking's fake-value engine: consistent fakes of texts, drawn in bulk.

``fake_texts(texts, secret, provider, locale)`` gives each text a fake value that is a
function of (secret, provider, locale, text) only: the same in every table and run, and
never any of the original texts (a fake equal to one is drawn again). Each text seeds its
own random stream (``Draws``, splitmix64), so a fake does not depend on the other rows.

Speed: fake values are drawn in bulk from the locale's word lists (names, e-mails), from
per-value random streams (uuid, ipv4), or from a seeded pool of 4,096 Faker values per
provider whose digits are redrawn per value where they carry no meaning (phone numbers,
addresses, ssn, cards with a valid Luhn digit, IBANs with valid check digits). Other
providers (company, city, url, dates) give one of the pool's values.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from faker import Faker

from syndata.errors import GenerationError
from syndata.privacy.operators.values import CHUNK, ObjectArray, canonical, hmac_digests
from syndata.privacy.providers import DEFAULT_LOCALE, resolve_provider
from syndata.rules.providers import word_list
from syndata.rules.text import _FREE_DIGIT_PROVIDERS, _ascii_lower
from syndata.seeds import splitmix64

POOL_SIZE = 4096  # seeded Faker values per (provider, locale) for providers drawn from a pool
MAX_REDRAWS = 20  # a fake equal to its original value is drawn again, at most this often
# Faker providers whose digits carry no meaning: redrawn per value, so fakes rarely repeat
# (the rules' own, and identifiers whose check digits are set again after the redraw)
_FREE_DIGITS = _FREE_DIGIT_PROVIDERS | frozenset(
    {
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
_GOLDEN = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
_STRIDE = 4096  # stream positions a character matrix uses up (values up to this length)


class Draws:
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


Maker = Callable[[Draws], ObjectArray]


def fake_texts(
    texts: Sequence[str], secret: bytes, provider: str, locale: str = DEFAULT_LOCALE
) -> ObjectArray:
    """The consistent fake of each text (see ``fake``)."""
    provider = resolve_provider(provider)
    originals = np.asarray(texts, dtype=object)
    if len(originals) == 0:
        return originals
    key = hmac_digests(secret, ["syndata:fake"])[0]
    digests = hmac_digests(key, texts, f"{provider}\x00{locale}\x00".encode())
    seeds = np.frombuffer(b"".join(d[:8] for d in digests), dtype="<u8").astype(np.uint64)
    make = _maker(provider, locale)
    out = make(Draws(seeds))
    for attempt in range(1, MAX_REDRAWS + 1):
        # never any original value of the column, not only the row's own: a fake name that
        # is another person's real name would put that name in the output
        same = pd.Index(out).isin(originals)
        if not same.any():
            return out
        retry = splitmix64(seeds[same] ^ np.uint64((attempt * 0xD1B54A32D192ED03) & _MASK64))
        out[same] = make(Draws(retry))
    raise GenerationError(
        f"Faker provider '{provider}' keeps giving the original values; "
        "choose a provider with more values, or another operator"
    )


@functools.lru_cache(maxsize=64)
def _maker(provider: str, locale: str) -> Maker:
    """How fake values of ``provider`` are drawn in bulk."""
    if provider in ("name", "email"):
        firsts = word_list(locale, "first_name") or word_list(DEFAULT_LOCALE, "first_name")
        lasts = word_list(locale, "last_name") or word_list(DEFAULT_LOCALE, "last_name")
        assert firsts is not None and lasts is not None
        if provider == "name":
            return _NameMaker(_WordMaker(*firsts), _WordMaker(*lasts))
        domains = word_list(locale, "free_email_domain")
        return _EmailMaker(
            _WordMaker(_ascii_lower(firsts[0]), firsts[1]),
            _WordMaker(_ascii_lower(lasts[0]), lasts[1]),
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

    def __call__(self, draws: Draws) -> ObjectArray:
        if self.cdf is None:
            index = draws.integers(len(self.words))
        else:
            index = np.minimum(
                np.searchsorted(self.cdf, draws.random(), side="right"), len(self.words) - 1
            )
        picked: ObjectArray = self.words[index]
        return picked


@dataclass(frozen=True)
class _NameMaker:
    first: _WordMaker
    last: _WordMaker

    def __call__(self, draws: Draws) -> ObjectArray:
        names: ObjectArray = self.first(draws) + " " + self.last(draws)
        return names


@dataclass(frozen=True)
class _EmailMaker:
    first: _WordMaker
    last: _WordMaker
    domains: list[str]

    def __call__(self, draws: Draws) -> ObjectArray:
        seps = np.array([".", "_", ""], dtype=object)[draws.integers(3)]
        number = draws.integers(100).astype(str).astype(object)
        suffix = np.where(draws.random() < 0.5, number, "")
        domain = np.asarray(self.domains, dtype=object)[draws.integers(len(self.domains))]
        emails: ObjectArray = self.first(draws) + seps + self.last(draws) + suffix + "@" + domain
        return emails


def _ipv4(draws: Draws) -> ObjectArray:
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


def _uuid4(draws: Draws) -> ObjectArray:
    out = np.empty(len(draws), dtype=object)
    for start in range(0, len(draws), CHUNK):
        rows = slice(start, start + CHUNK)
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
        return np.asarray([canonical(v) for v in values], dtype=object)

    def __call__(self, draws: Draws) -> ObjectArray:
        picked = self.pool[draws.integers(len(self.pool))]
        if not self.free_digits:
            return picked
        out = np.empty(len(picked), dtype=object)
        for start in range(0, len(picked), CHUNK):
            rows = slice(start, start + CHUNK)
            out[rows] = self._redraw(picked[rows], draws, rows)
        draws.skip_matrix()
        return out

    def _redraw(self, picked: ObjectArray, draws: Draws, rows: slice) -> ObjectArray:
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
