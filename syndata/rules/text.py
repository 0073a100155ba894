"""Text rules: Faker providers, e-mails, UUIDs and regex patterns, all drawn in bulk.

Faker is slow when called once per row (~25k values/s). Instead:

* providers backed by a word list in the locale (``first_name`` -> ``first_names``,
  ``last_name``, ``job``, ``state`` ...) are sampled from that list with its weights;
* any other provider fills a pool of values once per column (seeded Faker calls), which
  is then sampled; for providers whose digits are free (phone numbers, postcodes,
  street addresses) every digit is drawn again per row, so values rarely repeat.

Which names a config may use is decided in ``syndata.rules.providers``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker
from numpy.typing import NDArray

from syndata.errors import GenerationError
from syndata.rules.base import (
    ColumnGenerator,
    Mask,
    codes_to_arrow,
    join_strings,
    to_arrow,
    unicode_to_arrow,
)
from syndata.rules.providers import check_locale, provider_method, word_list
from syndata.rules.regex_gen import RegexGenerator, compile_regex

POOL_SIZE = 20_000
_FREE_DIGIT_PROVIDERS = frozenset(
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
        "license_plate",
        "secondary_address",
    }
)


class WordSample(ColumnGenerator):
    """Draws from a fixed list of strings, optionally weighted."""

    type = pa.string()

    def __init__(self, words: list[str], weights: NDArray[np.float64] | None = None) -> None:
        self.words = pa.array(words, type=pa.string())
        if weights is None:
            self.cdf = None
        else:
            self.cdf = np.cumsum(weights / weights.sum())
            self.cdf[-1] = 1.0

    def capacity(self) -> int | None:
        """The number of distinct words."""
        return len(set(self.words.to_pylist()))

    def indices(self, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
        """``n`` random positions in the list."""
        if self.cdf is None:
            return rng.integers(0, len(self.words), n)
        return np.searchsorted(self.cdf, rng.random(n), side="right")

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` words."""
        return self.words.take(pa.array(self.indices(n, rng)))


class FakerPool(ColumnGenerator):
    """A Faker provider sampled from a seeded pool of values."""

    def __init__(
        self,
        typ: pa.DataType,
        locale: str,
        provider: str,
        kwargs: dict[str, Any],
        seed: int,
        pool_size: int = POOL_SIZE,
    ) -> None:
        self.type = typ
        self.locale, self.provider, self.kwargs = locale, provider, kwargs
        self.seed, self.pool_size = seed, pool_size
        self.free_digits = provider in _FREE_DIGIT_PROVIDERS and pa.types.is_string(typ)
        self._pool: pa.Array | None = None

    @property
    def pool(self) -> pa.Array:
        """The pool of values, made on first use by seeded Faker calls."""
        if self._pool is None:
            fake = Faker(check_locale(self.locale))
            fake.seed_instance(self.seed)
            method = provider_method(fake, self.locale, self.provider)
            try:
                values = [method(**self.kwargs) for _ in range(self.pool_size)]
            except Exception as exc:  # the provider's own error, e.g. a bad keyword argument
                raise GenerationError(
                    f"Faker provider '{self.provider}' failed with arguments {self.kwargs}: "
                    f"{exc}; check the rule's extra keys against the provider's documentation"
                ) from exc
            if pa.types.is_string(self.type):
                values = [v if isinstance(v, str) else str(v) for v in values]
            try:
                self._pool = to_arrow(values, self.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
                raise GenerationError(
                    f"Faker provider '{self.provider}' makes values that are not {self.type} "
                    f"(e.g. {values[0]!r}); change the column type"
                ) from exc
        return self._pool

    def capacity(self) -> int | None:
        """Unbounded when digits are redrawn; the pool's distinct values otherwise."""
        return None if self.free_digits else len(pc.unique(self.pool))

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` values from the pool (digits redrawn where they are free)."""
        pool = self.pool
        picked = pool.take(pa.array(rng.integers(0, len(pool), n)))
        return redraw_digits(picked, rng) if self.free_digits else picked


def redraw_digits(values: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Replace every ASCII digit with a random one, keeping non-zero digits non-zero."""
    arr = np.asarray(values.to_numpy(zero_copy_only=False), dtype=str)
    width = arr.dtype.itemsize // 4
    if len(arr) == 0 or width == 0:
        return values
    codes = arr.view(np.uint32).reshape(len(arr), width).copy()
    digit = (codes >= 48) & (codes <= 57)
    nonzero = digit & (codes != 48)
    draws = rng.integers(0, 10, codes.shape, dtype=np.uint32)
    codes[digit] = 48 + draws[digit]
    codes[nonzero] = 49 + draws[nonzero] % 9
    if int(codes.max()) < 128:
        return codes_to_arrow(codes)
    return unicode_to_arrow(codes.view(f"<U{width}").ravel())


def _ascii_lower(words: list[str]) -> list[str]:
    out = []
    for word in words:
        flat = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        flat = re.sub(r"[^a-z0-9]", "", flat.lower())
        out.append(flat or "user")
    return out


class Email(ColumnGenerator):
    """Addresses like ``jane.doe42@gmail.com`` from the locale's names and domains.

    With ``regex``, values that do not match are replaced by values generated from the
    regex itself, so every value matches.
    """

    type = pa.string()

    def __init__(
        self, locale: str, regex: str | None = None, domains: list[str] | None = None
    ) -> None:
        firsts = word_list(locale, "first_name") or word_list("en_US", "first_name")
        lasts = word_list(locale, "last_name") or word_list("en_US", "last_name")
        assert firsts is not None and lasts is not None
        self.first = WordSample(_ascii_lower(firsts[0]), firsts[1])
        self.last = WordSample(_ascii_lower(lasts[0]), lasts[1])
        if domains is None:
            found = word_list(locale, "free_email_domain")
            domains = list(found[0]) if found else ["example.com"]
        self.domains = pa.array(domains, pa.string())
        self.seps = pa.array([".", "_", "", "."], pa.string())
        self.regex = regex
        self.fallback: RegexGenerator | None = compile_regex(regex) if regex else None

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` addresses."""
        number = rng.integers(0, 100, n)
        suffix = pc.if_else(
            pa.array(rng.random(n) < 0.5), pc.cast(pa.array(number), pa.string()), pa.scalar("")
        )
        emails = join_strings(
            self.first.sample(n, rng, start),
            self.seps.take(pa.array(rng.integers(0, len(self.seps), n))),
            self.last.sample(n, rng, start),
            suffix,
            "@",
            self.domains.take(pa.array(rng.integers(0, len(self.domains), n))),
        )
        if self.fallback is None:
            return emails
        bad = ~full_match(emails, self.fallback.pattern)
        if bad.any():
            fresh = unicode_to_arrow(self.fallback.generate(int(bad.sum()), rng))
            emails = pc.replace_with_mask(emails, pa.array(bad), fresh)
        return emails

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values that look like e-mail addresses (or match the regex)."""
        return full_match(values, self.regex or r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def full_match(values: pa.Array, pattern: str) -> Mask:
    """Which values fully match ``pattern`` (nulls count as matching)."""
    try:
        found = pc.match_substring_regex(values, f"^(?:{pattern})$")
    except pa.ArrowInvalid:  # a construct RE2 lacks: fall back to Python's re, per value
        rx = re.compile(pattern)
        return np.array(
            [v is None or rx.fullmatch(v) is not None for v in values.to_pylist()], dtype=bool
        )
    return np.asarray(found.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)


class Regex(ColumnGenerator):
    """Strings that fully match a regular expression."""

    type = pa.string()

    def __init__(self, pattern: str) -> None:
        self.gen = compile_regex(pattern)
        self.pattern = pattern

    def capacity(self) -> int | None:
        """The number of strings the pattern can produce (None: unbounded)."""
        return self.gen.capacity()

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` matching strings."""
        return unicode_to_arrow(self.gen.generate(n, rng))

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values that fully match the pattern."""
        return full_match(values, self.pattern)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8).astype(np.uint32)
_UUID_LAYOUT = [
    *range(0, 8),
    -1,
    *range(8, 12),
    -1,
    *range(12, 16),
    -1,
    *range(16, 20),
    -1,
    *range(20, 32),
]


class Uuid(ColumnGenerator):
    """Random version-4 UUID strings."""

    type = pa.string()

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` UUIDs (122 random bits each)."""
        raw = rng.integers(0, 256, (n, 16), dtype=np.uint8)
        raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
        raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
        nibbles = np.empty((n, 32), dtype=np.uint32)
        nibbles[:, 0::2] = raw >> 4
        nibbles[:, 1::2] = raw & 0x0F
        codes = np.full((n, 36), ord("-"), dtype=np.uint32)
        cols = [i for i, src in enumerate(_UUID_LAYOUT) if src >= 0]
        codes[:, cols] = _HEX[nibbles]
        return codes_to_arrow(codes)

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values shaped like a UUID."""
        return full_match(
            values,
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
            r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        )
