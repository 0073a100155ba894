"""Custom rule plug-ins used by the tests (loaded by dotted path)."""

import numpy as np


class Sku:
    def __init__(self, prefix="SKU"):
        self.prefix = prefix

    def generate(self, n, rng):
        return np.char.add(f"{self.prefix}-", rng.integers(0, 10**6, n).astype(str))


class PerRow:
    def shout(self, parameters):
        return parameters["word"].upper()


class WrongCount:
    def generate(self, n, rng):
        return ["x"] * (n + 1)
