"""Web addresses; without a scheme only with a known top-level domain."""

from __future__ import annotations

import regex
from presidio_analyzer.predefined_recognizers import UrlRecognizer

from syndata.privacy.recognizers.wordlists.cues import TLDS


class WebUrlRecognizer(UrlRecognizer):
    """Presidio's URL recognizer; without a scheme or "www." a URL needs a known domain.

    The top-level domain must be one of ``TLDS`` in lower or upper case, the name
    before it at least two characters, and no run of dots ("cans...that") inside.
    """

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """True for scheme-less matches that are abbreviations, ellipses or typos."""
        text = pattern_text.strip("\"'")
        if regex.match(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)", text):
            return False
        host = regex.split(r"[/:?#]", text, maxsplit=1)[0]
        labels = host.split(".")
        tld = labels[-1]
        return (
            ".." in host
            or len(labels) < 2
            or len(labels[-2]) < 2
            or tld.lower() not in TLDS
            or not (tld.islower() or tld.isupper())
        )
