"""IBANs, case-sensitive."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import IbanRecognizer


class StrictIbanRecognizer(IbanRecognizer):
    """Presidio's IBAN recognizer, case-sensitive as its patterns are meant to be.

    Presidio's default registry turns on IGNORECASE, so a word of four or eight letters
    after an IBAN ("ES31 ... 3707 approved") is read as its last groups and the IBAN
    fails its check; built directly, the recognizer keeps its own flags.
    """
