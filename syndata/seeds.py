"""Seeds: one helper for "a fresh seed when none is given".

``resolve_seed(None)`` draws a seed from the operating system's entropy (0 to 2**31 - 1,
so it fits every seed field and RNG); ``resolve_seed(n)`` is ``n``.
"""

from __future__ import annotations

import numpy as np

MAX_FRESH_SEED = 2**31


def fresh_seed() -> int:
    """A new random seed from the OS's entropy, from 0 to 2**31 - 1."""
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)
    return entropy % MAX_FRESH_SEED


def resolve_seed(seed: int | None) -> int:
    """``seed``, or a fresh one when it is None."""
    return fresh_seed() if seed is None else seed
