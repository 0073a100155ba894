"""The ``anonymize_text`` operator: entities found in free text become placeholders or fakes.

Each entity span that the entity finder (``syndata.privacy.detect.find_entities`` by
default) finds becomes ``<ENTITY>``, or a consistent fake: the same fake as the ``fake``
operator gives the same value. Overlapping spans: the earliest (then longest) wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator

from syndata import settings
from syndata.errors import ConfigError, GenerationError, Problem
from syndata.privacy.operators.base import (
    ColumnReport,
    FindEntities,
    MaskContext,
    MaskedColumn,
    Operator,
    Params,
)
from syndata.privacy.operators.fakes import fake_texts
from syndata.privacy.operators.values import expand, factorize
from syndata.privacy.providers import DEFAULT_LOCALE, check_locale, provider_for

Span = tuple[int, int, str]


class AnonymizeTextParams(Params):
    """``anonymize_text``: entities found in free text become placeholders or fakes."""

    replace_with: Literal["placeholder", "fake"] = Field(
        "placeholder", description="placeholder (<PERSON>) or fake (a consistent fake value)"
    )
    entities: list[str] | None = Field(
        None, description="only these entity types (default: all found)"
    )
    locale: str = Field(DEFAULT_LOCALE, description="the Faker locale of fake values")

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, locale: str) -> str:
        return check_locale(locale)


def anonymize_text(
    values: pd.Series,
    find_entities: FindEntities,
    *,
    replace_with: str = "placeholder",
    entities: Sequence[str] | None = None,
    secret: bytes | None = None,
    locale: str = DEFAULT_LOCALE,
) -> pd.Series:
    """Replace each entity span that ``find_entities`` finds in the texts.

    ``find_entities(texts)`` returns, per text, ``(start, end, entity)`` spans (or objects
    with ``start``, ``end`` and ``entity_type``). Each span becomes ``<ENTITY>``, or with
    ``replace_with="fake"`` (needs ``secret``) the consistent fake of its text (entities
    without a Faker provider get the placeholder). Overlapping spans: the earliest (then
    longest) wins. ``entities`` keeps only spans of these types.
    """
    opts = AnonymizeTextParams(
        replace_with=replace_with,  # type: ignore[arg-type]
        entities=list(entities) if entities else None,
        locale=locale,
    )
    return _anonymize(values, find_entities, opts, secret)[0]


def _anonymize(
    values: pd.Series, find_entities: FindEntities, opts: AnonymizeTextParams, secret: bytes | None
) -> tuple[pd.Series, int, Counter[str]]:
    """Masked texts, how many rows changed, and how many spans of each entity."""
    codes, texts = factorize(values)
    found = list(find_entities(texts)) if texts else []
    if len(found) != len(texts):
        raise GenerationError(
            f"find_entities returned {len(found)} span lists for "
            f"{len(texts)} texts; it must return one list per text"
        )
    wanted = {e.upper() for e in opts.entities} if opts.entities else None
    spans = [_clean_spans(text, items, wanted) for text, items in zip(texts, found, strict=True)]
    fakes = _span_fakes(texts, spans, secret, opts.locale) if opts.replace_with == "fake" else {}
    masked = [
        _rebuild(text, text_spans, fakes) for text, text_spans in zip(texts, spans, strict=True)
    ]
    rows = np.bincount(codes[codes >= 0], minlength=len(texts))
    counts: Counter[str] = Counter()
    for n, text_spans in zip(rows, spans, strict=True):
        for _, _, entity in text_spans:
            counts[entity] += int(n)
    changed = int(sum(n for n, s in zip(rows, spans, strict=True) if s))
    return expand(values, masked, codes), changed, counts


def _span(item: Any) -> Span:
    if isinstance(item, tuple | list):
        start, end, entity = item[0], item[1], item[2]
    else:
        start, end = item.start, item.end
        entity = getattr(item, "entity_type", None) or item.entity
    return int(start), int(end), str(entity)


def _clean_spans(text: str, items: Iterable[Any], wanted: set[str] | None) -> list[Span]:
    """Valid spans in order, overlaps removed (earliest, then longest, wins)."""
    spans = sorted((_span(i) for i in items), key=lambda s: (s[0], -s[1]))
    out: list[Span] = []
    end_of_last = 0
    for start, end, entity in spans:
        if not 0 <= start < end <= len(text):
            raise GenerationError(
                f"find_entities returned the span ({start}, {end}) for a text "
                f"of {len(text)} characters"
            )
        if (wanted is None or entity.upper() in wanted) and start >= end_of_last:
            out.append((start, end, entity))
            end_of_last = end
    return out


def _span_fakes(
    texts: Sequence[str], spans: Sequence[list[Span]], secret: bytes | None, locale: str
) -> dict[tuple[str, str], str]:
    """The fake of each (entity, span text) whose entity has a Faker provider."""
    if secret is None:
        raise ConfigError(
            [
                Problem(
                    settings.MASKING_SECRET_VAR,
                    "replace_with: fake needs a secret",
                    f"set {settings.MASKING_SECRET_VAR}",
                )
            ]
        )
    wanted: dict[str, set[str]] = {}
    for text, text_spans in zip(texts, spans, strict=True):
        for start, end, entity in text_spans:
            provider = provider_for(entity)
            if provider is not None:
                wanted.setdefault(provider, set()).add(text[start:end])
    fakes: dict[str, dict[str, str]] = {}
    for provider, originals in wanted.items():
        ordered = sorted(originals)
        made = fake_texts(ordered, secret, provider, locale)
        fakes[provider] = {o: str(f) for o, f in zip(ordered, made, strict=True)}
    return {
        (entity, text[start:end]): fakes[provider][text[start:end]]
        for text, text_spans in zip(texts, spans, strict=True)
        for start, end, entity in text_spans
        if (provider := provider_for(entity)) is not None
    }


def _rebuild(text: str, spans: list[Span], fakes: dict[tuple[str, str], str]) -> str:
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end, entity in spans:
        parts.append(text[cursor:start])
        parts.append(fakes.get((entity, text[start:end]), f"<{entity}>"))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


class AnonymizeText(Operator):
    """``anonymize_text``: see ``anonymize_text``; the report counts spans per entity."""

    params_model = AnonymizeTextParams
    options: AnonymizeTextParams

    def needs_secret(self) -> bool:
        """Fakes are seeded by the masking secret; placeholders need none."""
        return self.options.replace_with == "fake"

    def needs_entity_finder(self) -> bool:
        """The entities are found in the texts."""
        return True

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The texts with their entities replaced."""
        return self.apply(values, "anonymize_text", context).values

    def apply(self, values: pd.Series, name: str, context: MaskContext) -> MaskedColumn:
        """The texts, how many changed, and the spans replaced per entity."""
        secret = context.masking_secret
        masked, changed, spans = _anonymize(values, context.finder(), self.options, secret)
        return MaskedColumn(masked, ColumnReport(name, changed, dict(spans)))
