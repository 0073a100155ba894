"""Primary keys, unique columns and foreign keys.

* Unique values from an indexable domain (integer ranges, choices, date ranges) are a
  pseudo-random permutation of the domain: row ``i`` gets ``values_at(perm(i))`` where
  ``perm`` is a keyed Feistel network over ``[0, domain)`` with cycle walking. It is a
  bijection, so keys never repeat across batches, and it needs no memory of past rows.
* Other unique columns (regex, Faker text, e-mails, floats) remember a 64-bit hash of
  every value emitted and redraw duplicates.
* Foreign keys draw uniformly from the parent's generated key values (``KeyStore``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from syndata.errors import GenerationError
from syndata.rules.base import ColumnGenerator, Indices, Mask
from syndata.seeds import splitmix64

_ROUNDS = 6
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix(x: NDArray[np.uint64], key: np.uint64) -> NDArray[np.uint64]:
    """A 64-bit mixing function (splitmix64 finaliser) of ``x`` keyed by ``key``."""
    return splitmix64(x ^ key)


class FeistelPermutation:
    """A keyed pseudo-random bijection of ``[0, size)``."""

    def __init__(self, size: int, seed: int) -> None:
        if size < 1:
            raise ValueError("a permutation needs a non-empty domain")
        bits = max(2, int(size - 1).bit_length())
        bits += bits % 2
        self.size = size
        self.half = bits // 2
        self.low_mask = np.uint64((1 << self.half) - 1)
        keys = np.random.default_rng([seed, 0xFE157E1]).integers(0, 2**63, _ROUNDS, dtype=np.uint64)
        self.keys = [np.uint64(k) for k in keys]

    def _encrypt(self, x: NDArray[np.uint64]) -> NDArray[np.uint64]:
        half = np.uint64(self.half)
        left, right = x >> half, x & self.low_mask
        for key in self.keys:
            left, right = right, left ^ (_mix(right, key) & self.low_mask)
        return (left << half) | right

    def __call__(self, index: Indices) -> NDArray[np.uint64]:
        """The permuted positions of ``index`` (values in ``[0, size)``)."""
        x = np.asarray(index, dtype=np.uint64)
        if self.size == 1:
            return np.zeros_like(x)
        out = self._encrypt(x)
        todo = np.flatnonzero(out >= np.uint64(self.size))
        while todo.size:  # cycle walking: stays a bijection on [0, size)
            out[todo] = self._encrypt(out[todo])
            todo = todo[out[todo] >= np.uint64(self.size)]
        return out


class UniqueFromDomain(ColumnGenerator):
    """Distinct values of an indexable generator, in pseudo-random order.

    The domain is measured on first use, so a foreign key's domain (its parent's keys)
    may still be growing when the generator is built.
    """

    def __init__(self, inner: ColumnGenerator, seed: int) -> None:
        self.inner = inner
        self.type = inner.type
        self.seed = seed
        self._perm: FeistelPermutation | None = None

    def capacity(self) -> int | None:
        """The domain size: each value at most once."""
        return self.inner.domain_size()

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """Rows ``start .. start+n`` of the permuted domain."""
        size = self.inner.domain_size() or 0
        if start + n > size:
            raise GenerationError(
                f"only {size} distinct values exist but row {start + n} was asked for; "
                "widen the rule's range or lower the row count"
            )
        if n == 0:
            return pa.array([], type=self.type)
        if self._perm is None or self._perm.size != size:
            self._perm = FeistelPermutation(size, self.seed)
        idx = self._perm(np.arange(start, start + n, dtype=np.uint64))
        return self.inner.values_at(idx.astype(np.int64))

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """As the inner rule."""
        return self.inner.valid_mask(values)


class UniqueByHash(ColumnGenerator):
    """Distinct values of any generator: duplicates (by 64-bit hash) are drawn again."""

    max_rounds = 25

    def __init__(self, inner: ColumnGenerator, column: str) -> None:
        self.inner = inner
        self.type = inner.type
        self.column = column
        self.seen = np.empty(0, dtype=np.uint64)

    def capacity(self) -> int | None:
        """As the inner rule."""
        return self.inner.capacity()

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` values never emitted before by this generator.

        Duplicates are redrawn with oversampling (more candidates as the domain fills up),
        so even a column that uses its whole domain finishes in a few rounds.
        """
        values = self.inner.sample(n, rng, start)
        hashes = _hash(values)
        dup = pd.Series(hashes).duplicated().to_numpy() | np.isin(hashes, self.seen)
        capacity = self.inner.capacity()
        for _ in range(self.max_rounds):
            k = int(dup.sum())
            if k == 0:
                self.seen = np.union1d(self.seen, hashes)
                return values
            taken = np.union1d(self.seen, hashes[~dup])
            factor = 2.0
            if capacity is not None:
                factor = max(2.0, 2.0 * capacity / max(capacity - len(taken), 1))
            want = int(min(max(k * factor, k + 16), 5_000_000))
            cand = self.inner.sample(want, rng, start)
            ch = _hash(cand)
            fresh = ~pd.Series(ch).duplicated().to_numpy() & ~np.isin(ch, taken)
            pick = np.flatnonzero(fresh)[:k]
            slots = np.flatnonzero(dup)[: len(pick)]
            if len(pick):
                values = pc.replace_with_mask(
                    values, pa.array(np.isin(np.arange(n), slots)), cand.take(pa.array(pick))
                )
                hashes[slots] = ch[pick]
                dup[slots] = False
        raise GenerationError(
            f"column '{self.column}' cannot make {start + n} distinct values: its rule repeats "
            "itself too often; widen the rule (more choices, a longer pattern) or drop 'unique'"
        )

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """As the inner rule."""
        return self.inner.valid_mask(values)


def _hash(values: pa.Array) -> NDArray[np.uint64]:
    if pa.types.is_integer(values.type) and values.null_count == 0:
        return pd.util.hash_array(values.to_numpy()).astype(np.uint64)
    return pd.util.hash_array(np.asarray(values.to_pandas(), dtype=object)).astype(np.uint64)


def make_unique(
    values: pa.Array,
    gen: ColumnGenerator,
    rng: np.random.Generator,
    start: int,
    column: str,
    seen: NDArray[np.uint64] | None = None,
) -> tuple[pa.Array, NDArray[np.uint64]]:
    """Existing values with repeats replaced by fresh distinct values.

    A value repeats when it appeared earlier in ``values`` or in ``seen`` (hashes of
    values already emitted, e.g. by earlier batches). Returns the values and the hashes
    seen so far, for the next batch.
    """
    seen = np.empty(0, dtype=np.uint64) if seen is None else seen
    hashes = _hash(values)
    nulls = values.is_null().to_numpy(zero_copy_only=False)
    dup = (pd.Series(hashes).duplicated().to_numpy() | np.isin(hashes, seen)) & ~nulls
    if dup.any():
        unique = UniqueByHash(gen, column)
        unique.seen = np.union1d(seen, hashes[~dup & ~nulls])
        fresh = unique.sample(int(dup.sum()), rng, start)
        values = pc.replace_with_mask(values, pa.array(dup), fresh.cast(values.type))
        hashes = _hash(values)
    return values, np.union1d(seen, hashes[~nulls])


class KeyStore:
    """The key values generated so far, per ``(table, column)``, for foreign keys."""

    def __init__(self) -> None:
        self._chunks: dict[tuple[str, str], list[pa.Array]] = {}
        self._arrays: dict[tuple[str, str], pa.Array] = {}

    def add(self, table: str, column: str, values: pa.Array) -> None:
        """Remember a batch of key values (nulls are never referenced)."""
        self._chunks.setdefault((table, column), []).append(values.drop_null())
        self._arrays.pop((table, column), None)

    def put(self, table: str, column: str, values: pa.Array) -> None:
        """Replace the known key values of a column."""
        self._chunks[(table, column)] = [values.drop_null()]
        self._arrays.pop((table, column), None)

    def get(self, table: str, column: str) -> pa.Array:
        """All known key values of a column (empty if none)."""
        key = (table, column)
        if key not in self._arrays:
            chunks = self._chunks.get(key, [])
            self._arrays[key] = (
                pa.concat_arrays(chunks) if chunks else pa.array([], type=pa.int64())
            )
        return self._arrays[key]


class ForeignKeyDraw(ColumnGenerator):
    """Values drawn uniformly from the parent column's generated keys."""

    def __init__(
        self, keys: KeyStore, parent_table: str, parent_column: str, typ: pa.DataType, column: str
    ) -> None:
        self.keys = keys
        self.parent = (parent_table, parent_column)
        self.type = typ
        self.column = column

    def domain_size(self) -> int | None:
        """As many distinct values as the parent has keys (so far)."""
        return len(self.keys.get(*self.parent))

    def values_at(self, index: Indices) -> pa.Array:
        """The parent's keys at ``index``."""
        return self.keys.get(*self.parent).take(pa.array(index)).cast(self.type)

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` parent keys, uniformly."""
        parent = self.keys.get(*self.parent)
        if len(parent) == 0:
            if n == 0:
                return pa.array([], type=self.type)
            raise GenerationError(
                f"column '{self.column}' references {self.parent[0]}.{self.parent[1]}, which has "
                "no rows; give the parent table rows or let the column be null"
            )
        idx = rng.integers(0, len(parent), n)
        return parent.take(pa.array(idx)).cast(self.type)

    def valid_mask(self, values: pa.Array) -> Mask | None:
        """Values that exist among the parent's keys."""
        parent = self.keys.get(*self.parent)
        found = pc.is_in(values, value_set=parent.cast(values.type))
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
