"""A small custom rule plug-in that the security tests register with SYNDATA_RULE_PLUGINS."""

from __future__ import annotations


class Sku:
    """Values like ``SEC-000123``."""

    def __init__(self, prefix: str = "SKU") -> None:
        self.prefix = prefix

    def generate(self, n, rng):
        return [f"{self.prefix}-{int(i):06d}" for i in rng.integers(0, 10**6, n)]
