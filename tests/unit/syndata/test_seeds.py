"""A fresh seed when none is given (``syndata.seeds``)."""

from __future__ import annotations

from syndata.seeds import MAX_FRESH_SEED, fresh_seed, resolve_seed


def test_a_fresh_seed_is_new_each_time_and_fits_every_seed_field():
    seeds = {fresh_seed() for _ in range(20)}
    assert len(seeds) > 15
    assert all(0 <= s < MAX_FRESH_SEED for s in seeds)


def test_a_given_seed_is_kept():
    assert resolve_seed(7) == 7 and resolve_seed(0) == 0
    assert isinstance(resolve_seed(None), int)
