"""Small text helpers the recognizers and their word lists share."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import regex


def words(text: str) -> list[str]:
    """The white-space separated words of ``text``, in order (how word lists are written)."""
    return text.split()


def fold(text: str) -> str:
    """Lower case without accents: 'José' and 'JOSE' both give 'jose'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strings(value: object) -> list[str]:
    """The strings of a list, tuple or mapping's keys (none of anything else)."""
    if isinstance(value, Mapping):
        value = list(value)
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def span(text: str) -> tuple[int, int]:
    """Start and end of ``text`` without surrounding white space."""
    start = len(text) - len(text.lstrip())
    return start, len(text.rstrip())


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, escaped, longest first."""
    return "|".join(sorted({regex.escape(w) for w in words}, key=len, reverse=True))
