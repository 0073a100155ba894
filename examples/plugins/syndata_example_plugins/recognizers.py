"""The recognizer ``badge``: staff badge ids (``BDG-004217``) in columns and free text."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

BADGE_ENTITY = "BADGE_ID"


class BadgeRecognizer(PatternRecognizer):
    """A badge id: two to five capitals, a dash and six digits; surer next to "badge"."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity=BADGE_ENTITY,
            name="BadgeRecognizer",
            patterns=[Pattern("badge id", r"\b[A-Z]{2,5}-\d{6}\b", 0.6)],
            context=["badge", "staff", "employee"],
        )
