"""Street addresses in the forms of eight languages, and address blocks."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from syndata.privacy.recognizers.base import CustomRecognizer
from syndata.privacy.recognizers.text import alternation, span, words
from syndata.privacy.recognizers.wordlists.people import PARTICLES
from syndata.privacy.recognizers.wordlists.streets import CORE_STREET_TYPES, street_words

# A sentence end inside a street match: "77, rue de Seguin. Please call Bertrand".
_SENTENCE_END = regex.compile(r"(?<!\b(?i:st|ste|av|bd|pl|dr|no|nr|n|c|r))\.(?=[ \t]+\p{Lu})")


def _shouting(text: str) -> bool:
    """Text written in capitals ("A/C STRUCK 4 GEESE ON LANDING ROLL")."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


class StreetAddressRecognizer(CustomRecognizer):
    """Street addresses: a house number, a street name and a street type.

    Forms: "12 Baker Street Apt. 4", "Hauptstraße 5", "Tirzalaan 6", "12, rue de la Paix",
    "Via Roma, 12", "Calle de Alcalá 7", "ul. Parkowa 80/63" and US military addresses.
    A short value of a few lines holding one (with a city and postal code around it) is
    a street address as a whole.
    """

    CONTEXT: ClassVar[list[str]] = words(
        "address addr street strasse straße adresse direccion dirección indirizzo "
        "endereco endereço residence domicile line1 mailing shipping billing"
    )

    def __init__(self) -> None:
        super().__init__(["STREET_ADDRESS"], "StreetAddressRecognizer", self.CONTEXT)
        english, prefix, compound = street_words()
        word = r"[\p{L}'’.-]+"
        cap = r"(?:\p{Lu}[\p{L}'’.-]*|\d+(?:st|nd|rd|th))"
        number = r"\d{1,6}[a-zA-Z]?(?:\s?[/-]\s?\d{1,5}[a-zA-Z]?)?"
        unit = (
            r"(?:,?[ \t]+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Fl\.?|Floor|Room|#|"
            r"Appartamento|Puerta|Piso|Bloque|Escalera|Wohnung|bus)[ \t]*[\w-]+)?"
        )
        particle = r"(?:(?:de|del|la|las|los|di|da|do|dos|das|du|des|le|van|von|der|den|e)\s+)"
        self._patterns = [
            regex.compile(p)
            for p in [
                # 12 Baker Street, 690 Sanchez Union Suite 625
                rf"\b{number}[ \t]+(?:{cap}[ \t]+){{1,4}}(?i:{english})\b\.?{unit}",
                # Flat 3 / Studio 81X (new line) Maria Ville
                rf"\b(?:Flat|Studio|Apartment|Unit|Suite)[ \t]+\w+\s*\n[ \t]*(?:{cap}[ \t]+){{1,4}}"
                rf"(?i:{english})\b\.?",
                # Via Roma, 12 / Calle de Alcalá 7 / ul. Parkowa 80/63 / Rua X, 512
                rf"(?:\b(?i:{prefix})\.?|\b(?i:c/|c\.|r\.))[ \t]+{particle}*{cap}"
                rf"(?:[ \t]+{particle}*{cap}){{0,4}},?[ \t]+(?:n\.?[ºo°]?[ \t]?)?{number}{unit}",
                # 12, rue de la Paix / 406 rue Éléonore Louis
                rf"\b{number},?[ \t]+(?i:{prefix})[ \t]+{particle}*{word}"
                rf"(?:[ \t]+{particle}*{word}){{0,4}}",
                # Hauptstraße 5, Andrej-Seip-Weg 6, Tirzalaan 6, van der Dussengasse 4778
                rf"(?:\b{particle}{{0,2}})?\b(?=[\p{{L}}'’.-]*\p{{L}}[\p{{L}}'’.-]*\p{{L}}[\p{{L}}'’.-]*"
                rf"(?i:{compound}))[\p{{L}}'’.-]*(?i:{compound})[ \t]+{number}\b(?![ \t]?[-/.]?\d)"
                rf"{unit}",
                # Unit 3883 Box 6859 / PSC 1234, Box 5678 ... APO AE 12345
                r"\b(?:Unit|PSC|USNS|USS|USCGC)[ \t]+[\w ,]+\s+[ADF]PO[ \t]+A[AEP][ \t]+\d{5}\b",
            ]
        ]
        # In upper-case text every word is capitalised: only the usual street types count.
        core = alternation(CORE_STREET_TYPES)
        self._upper_patterns = [
            regex.compile(
                rf"\b{number}[ \t]+(?:{cap}[ \t]+){{1,4}}"
                rf"(?i:{core})\b\.?{unit}"
            ),
            self._patterns[-1],
        ]
        self._postal_line = regex.compile(
            r"(?m)^[ \t]*(?:\d{4,5}|\d{5}-\d{3,4}|\d{2}-\d{3}|"
            r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2})"
            r"\b|\b(?:[A-Z]{2}|\p{Lu}\p{L}+),? \d{5}\b"
        )
        self._street_start = regex.compile(
            rf"^\s*(?:{number},?[ \t]+)?(?:(?i:{prefix})\.?[ \t]"
            rf"|[\p{{L}}'’. -]*(?i:{compound})\b)"
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The whole value when it is an address block, else each street in the text."""
        if "STREET_ADDRESS" not in entities or not any(ch.isdigit() for ch in text):
            return []
        spans = self.streets(text)
        start, end = span(text)
        lead = min((s for s, _ in spans), default=start)
        if spans:  # lines above the street (a name, "Recipient:") are not the address
            start = max(start, text.rfind("\n", start, lead) + 1)
        if self._is_block(text[start:end], text[start:lead]) and (
            spans or self._headless(text[start:end])
        ):
            end = start + self._block_end(text[start:end], lead - start)
            return [self._result("STREET_ADDRESS", start, end, 0.6, "address block")]
        return [self._result("STREET_ADDRESS", s, e, 0.6, "street address") for s, e in spans]

    def streets(self, text: str) -> list[tuple[int, int]]:
        """The spans of the streets in ``text``, each ending at a sentence end."""
        patterns = self._upper_patterns if _shouting(text) else self._patterns
        spans = []
        for pattern in patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                stop = _SENTENCE_END.search(text, start, end)
                spans.append((start, stop.start() if stop else end))
        return spans

    @staticmethod
    def _block_end(value: str, lead: int) -> int:
        """The block ends before a line after the street that is a phone or e-mail line."""
        offset = value.find("\n", lead)
        while offset >= 0:
            line = value[offset + 1 :].split("\n", 1)[0]
            if "@" in line or regex.match(r"\s*(?i:tel|phone|fax|mobile|e-?mail|cell)\b", line):
                return len(value[:offset].rstrip())
            offset = value.find("\n", offset + 1)
        return len(value)

    @staticmethod
    def _is_block(value: str, before: str) -> bool:
        """A few short lines, no sentence, nothing but a unit or name before the street."""
        lines = value.splitlines()
        words = [w for w in regex.findall(r"\b\p{Ll}{2,}\b", before) if w not in PARTICLES]
        return (
            len(value) <= 160
            and len(lines) <= 6
            and not words
            and all(len(line.split()) <= 10 for line in lines)
            and not regex.search(r"\p{Ll}{3}[.!?]\s+\p{Lu}|\b(?:the|and|is|was|to|with)\b", value)
        )

    def _headless(self, value: str) -> bool:
        """A street without a number ("chemin de Mace") above a postal code line."""
        return (
            "\n" in value
            and bool(self._street_start.match(value))
            and bool(self._postal_line.search(value.split("\n", 1)[1]))
        )
