"""What makes a digit run a phone number or not: dates, codes, extensions and phone words."""

from __future__ import annotations

import regex

from syndata.privacy.recognizers.nearby import cue_after, cue_before
from syndata.privacy.recognizers.wordlists.cues import PHONE_AFTER, PHONE_CUES

EXTENSION = regex.compile(
    r"(?i)[ \t]*,?[ \t]*\(?(?:x|ext\.?|extension|poste|durchwahl|dw\.?|"
    r"interno|int\.|toestel)[ \t]?\d{1,6}\)?(?![\w.])"
)


def phone_cue(text: str, start: int, end: int) -> bool:
    """A phone word a few words before the number or right after it."""
    return bool(cue_before(text, start, PHONE_CUES) or cue_after(text, end, PHONE_AFTER))


def extend(text: str, end: int) -> int:
    """The end of a phone number with the extension that follows it ("x123", "(ext. 45)")."""
    match = EXTENSION.match(text, end)
    if match is None:
        return end
    tail = match.group()
    if tail.count(")") > tail.count("("):  # "(0151 1234567 x12)": keep the closing bracket
        return int(match.end()) - 1
    return int(match.end())


def digit_groups(number: str) -> list[int]:
    """The lengths of the digit groups of ``number``."""
    return [len(g) for g in regex.findall(r"\d+", number)]


NOT_PHONE = regex.compile(
    r"\d{3}-\d{2}-\d{4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|"
    r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d+\.\d+\.\d+\.\d+"
)


DATE_INSIDE = regex.compile(
    r"(?<!\d)\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}(?!\d)|"
    r"(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?!\d)"
)


def not_phone(text: str, start: int, end: int) -> bool:
    """True for what is no phone number though shaped like one.

    Dates, SSN- and IP-shaped numbers, a date inside, a time right after ("11:30"), or
    glued to a code before it ("SO-2025-154409", "#48213").
    """
    raw = text[start:end]
    return bool(
        NOT_PHONE.fullmatch(raw.strip("()+ "))
        or DATE_INSIDE.search(raw)
        or regex.match(r"[:h]\d\d", text[end : end + 3])
        or regex.search(r"\d[:.]$|[\p{L}\d_#][-/]?$", text[max(0, start - 2) : start])
    )
