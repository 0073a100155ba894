"""Words near a match that say what it is, and digit runs that go on past a match."""

from __future__ import annotations

import regex

from syndata.privacy.recognizers.wordlists.cues import OTHER_NUMBERS


def cue_before(text: str, start: int, cues: frozenset[str], words: int = 6) -> str | None:
    """The cue word among the ``words`` words before ``start``, if it speaks of it.

    Only the words since the last sentence end and the last number count, and none
    when the nearest word names another kind of number ("order", "ref").
    """
    before = text[max(0, start - 120) : start]
    cut = max((m.end() for m in BOUNDARY.finditer(before)), default=0)
    digit = max((m.end() for m in regex.finditer(r"\d", before)), default=0)
    found = [w.casefold() for w in regex.findall(r"\p{L}+", before[max(cut, digit) :])]
    if not found or found[-1] in OTHER_NUMBERS:
        return None
    return next((w for w in reversed(found[-words:]) if w in cues), None)


def cue_after(text: str, end: int, cues: frozenset[str], words: int = 2) -> str | None:
    """The cue word among the ``words`` words right after ``end`` ("0612345678 (mobile)")."""
    after = regex.match(rf"[\s(),:-]*((?:\p{{L}}+[\s(),:-]*){{0,{words}}})", text[end : end + 60])
    found = [w.casefold() for w in regex.findall(r"\p{L}+", after.group(1))] if after else []
    return next((w for w in found if w in cues), None)


BOUNDARY = regex.compile(
    r"[!?;\n]|(?<!\b(?i:tel|ph|mob|fax|nr|no|tél|tfn|tlf|cell|ext|"
    r"mr|mrs|ms|dr|st))\.(?=\s)"
)


def continues(text: str, start: int, end: int) -> bool:
    """True when a digit group runs on before ``start`` or after ``end``."""
    return bool(
        regex.search(r"\d[ -]?$", text[max(0, start - 2) : start])
        or regex.match(r"[ -]?\d", text[end : end + 2])
    )
