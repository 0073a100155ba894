"""Whether a value reads like a person's name, and the tests of its words against the lists."""

from __future__ import annotations

import re

from syndata.privacy.recognizers.text import fold
from syndata.privacy.recognizers.wordlists.people import COMMON_WORDS, ORG_WORDS, PARTICLES, names

NAME_TOKEN = re.compile(
    r"(?:[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*"
    r"\.?|[^\W\d_]['’])$"
)


def initial(token: str) -> bool:
    """A single letter, with or without a period ("J.")."""
    return len(token.rstrip(".")) == 1 and token[0].isalpha()


def name_tokens(value: str) -> list[str] | None:
    """The words of a value that reads like a person's name (first to last), else None.

    Like a name: at most 80 characters, no digits, no organisation words ("Inc",
    "Airlines"), one comma at most ("Last, First"), words capitalised (or all lower
    case); titles, suffixes and particles ("van der") are allowed and left out, initials
    ("J.") kept.
    """
    value = value.strip()
    if not value or len(value) > 80 or any(ch.isdigit() for ch in value):
        return None
    if value.count(",") == 1:
        head, tail = (part.strip() for part in value.split(","))
        value = head if fold(tail).replace(".", "") in names()[3] else f"{tail} {head}"
    tokens = value.split()
    if not tokens or len(tokens) > 7 or not all(NAME_TOKEN.match(t) for t in tokens):
        return None
    if any(fold(t).strip(".") in ORG_WORDS for t in tokens):
        return None
    _, _, titles, suffixes = names()
    core = list(tokens)
    while core and fold(core[0]).rstrip(".") in titles:
        core.pop(0)
    while len(core) > 1 and fold(core[-1]).replace(".", "") in suffixes:
        core.pop()
    words = [t for t in core if fold(t) not in PARTICLES]
    named = [t for t in words if not initial(t)]
    if not named or len(named) > 5:
        return None
    if not (all(t.islower() for t in named) or all(t[0].isupper() for t in words)):
        return None
    if len(words) == 1 and (len(words[0]) <= 2 or (words[0].isupper() and len(words[0]) <= 4)):
        return None  # "AB", "IBM": codes and acronyms
    return words


def known(token: str, names: frozenset[str]) -> bool:
    """A listed name (a hyphenated one when all its parts are)."""
    key = fold(token.rstrip("."))
    return key in names or ("-" in key and all(p in names for p in key.split("-") if p))


def common(token: str) -> bool:
    """A common English word, or two letters at most: weak evidence of a name."""
    key = fold(token.rstrip("."))
    return key in COMMON_WORDS or len(key) <= 2
