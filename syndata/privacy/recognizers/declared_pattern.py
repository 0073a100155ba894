"""A Presidio pattern recognizer declared by its class attributes."""

from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from syndata.privacy.recognizers.base import LANGUAGE


class DeclaredPatternRecognizer(PatternRecognizer):
    """A pattern recognizer declared by its class attributes.

    ``ENTITY``, ``PATTERNS``, ``CONTEXT``, the regex ``FLAGS`` (Presidio's default:
    ignore case, multi-line, dot-all) and the ``NAME`` (default: the class name).
    """

    ENTITY: ClassVar[str]
    NAME: ClassVar[str | None] = None
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]] = []
    FLAGS: ClassVar[int] = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=self.NAME or type(self).__name__,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=LANGUAGE,
            global_regex_flags=self.FLAGS,
        )
