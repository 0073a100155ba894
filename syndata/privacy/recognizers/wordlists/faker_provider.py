"""Faker's person and address providers, by locale: the source of the name and place lists."""

from __future__ import annotations

import importlib

_PROVIDER_KINDS = frozenset({"person", "address"})


def provider(kind: str, locale: str) -> type | None:
    """Faker's ``kind`` provider class of ``locale`` (None when Faker has none).

    Both names come from the word-list modules' constants and are checked against Faker's own
    lists before a module path is built from them.
    """
    from faker.config import AVAILABLE_LOCALES

    if kind not in _PROVIDER_KINDS or locale not in AVAILABLE_LOCALES:
        return None
    try:
        found: type = importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
        return found
    except ImportError:
        return None
