"""Phone numbers found by ``phonenumbers`` over many regions."""

from __future__ import annotations

import phonenumbers
import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from syndata.privacy.recognizers.nearby import continues
from syndata.privacy.recognizers.phone_shape import digit_groups, extend, not_phone, phone_cue
from syndata.privacy.recognizers.wordlists.cues import PHONE_CONTEXT, PHONE_REGIONS


class FastPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recognizer over more regions, tried in turn until all is explained.

    Only runs of seven digits or more are candidates; dates, times, IP addresses and
    SSN-shaped numbers (123-45-6789) are not phone numbers. A number ``phonenumbers``
    finds valid scores by how it is written: with an international prefix ("+44",
    "0049"), an area code in brackets, the digit groups of its country's own format
    ("030 1234567", "612 34 56 78"), or a trunk 0 and a separator ("06 37501285"), it
    is a phone number (0.5); a bare run of digits ("2015000001", "17000003") or other
    groupings ("17-000003", "213.975.34") only with a phone word a few words before it
    ("call", "tel", "unter", "au", see ``PHONE_CUES``) or in the column name. An
    extension after the number ("x123", "ext. 45") is part of it.
    """

    BARE_SCORE = 0.15
    WRITTEN_SCORE = 0.5
    _CANDIDATE = regex.compile(r"[+(]?\d[\d \t().\-/]{5,}\d")

    def __init__(self) -> None:
        super().__init__(supported_regions=PHONE_REGIONS, context=PHONE_CONTEXT)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Phone numbers found by ``phonenumbers`` in the first regions that explain them."""
        candidates = [
            m.span()
            for m in self._CANDIDATE.finditer(text)
            if sum(ch.isdigit() for ch in m.group()) >= 7 and not not_phone(text, *m.span())
        ]
        if not candidates:
            return []
        results: dict[tuple[int, int], RecognizerResult] = {}
        for region in self.supported_regions:
            leniency = 1 if self.leniency is None else int(self.leniency)
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
                span = (match.start, match.end)
                if span in results or not_phone(text, *span) or continues(text, *span):
                    continue  # a date, or a part of a longer run of digit groups
                result = self._get_recognizer_result(  # type: ignore[no-untyped-call, unused-ignore]  # untyped in Presidio
                    match, text, region, nlp_artifacts
                )
                result.score = self._score(match.raw_string, match.number)
                if result.score < self.WRITTEN_SCORE and phone_cue(text, match.start, match.end):
                    result.score = self.WRITTEN_SCORE
                result.end = extend(text, result.end)
                results[span] = result
            if all(
                any(s < c_end and c_start < e for s, e in results) for c_start, c_end in candidates
            ):
                break
        return list(results.values())

    def _score(self, raw: str, number: phonenumbers.PhoneNumber) -> float:
        raw = raw.strip()
        digits = sum(ch.isdigit() for ch in raw)
        groups = digit_groups(raw)
        if raw.startswith(("+", "00")) or regex.match(r"\(\d{2,5}\)", raw):
            return self.WRITTEN_SCORE
        if len(groups) > 1:
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            if groups == digit_groups(national) or (raw.startswith("0") and digits >= 9):
                return self.WRITTEN_SCORE
            if len(groups) >= 3 and (
                (raw.startswith("0") and digits >= 9) or groups[-3:] == [3, 3, 4]
            ):
                return self.SCORE
        return self.BARE_SCORE
