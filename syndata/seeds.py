"""Seeds and seeded mixing: "a fresh seed when none is given", and splitmix64.

``resolve_seed(None)`` draws a seed from the operating system's entropy (0 to 2**31 - 1,
so it fits every seed field and RNG); ``resolve_seed(n)`` is ``n``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MAX_FRESH_SEED = 2**31


def fresh_seed() -> int:
    """A new random seed from the OS's entropy, from 0 to 2**31 - 1."""
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)
    return entropy % MAX_FRESH_SEED


def resolve_seed(seed: int | None) -> int:
    """``seed``, or a fresh one when it is None."""
    return fresh_seed() if seed is None else seed


def splitmix64(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finaliser: a well-mixed 64-bit value of each input (wrapping)."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))
