"""The Faker rule: any tag that is no registered rule type names a Faker provider."""

from __future__ import annotations

import difflib

import pyarrow as pa
from pydantic import ConfigDict

from syndata.errors import RefusedName
from syndata.rules.base import ColumnGenerator
from syndata.rules.custom import printable_name
from syndata.rules.providers import TEMPLATE_PROVIDERS, has_provider, provider_names, word_list
from syndata.rules.spec import RULES, Rule, RuleContext
from syndata.rules.text import FakerPool, WordSample


class FakerRule(Rule):
    """Any Faker provider by name (``first_name``, ``city``, ``phone_number``, ...).

    Extra keys are passed to the provider as keyword arguments.
    """

    model_config = ConfigDict(extra="allow")

    type: str

    @property
    def provider(self) -> str:
        """The Faker provider's name."""
        return self.type

    @property
    def kwargs(self) -> dict[str, object]:
        """Keyword arguments for the provider."""
        return dict(self.model_extra or {})

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """The provider's values; ValueError when the locale has no such provider."""
        return faker_generator(self.provider, self.kwargs, context)


def faker_generator(
    provider: str, kwargs: dict[str, object], context: RuleContext
) -> ColumnGenerator:
    """Values of a Faker provider: sampled from its word list when it has one, else a pool.

    ValueError (RefusedName, with a fix) when the provider is unknown or is a template
    provider given arguments.
    """
    locale = context.locale
    if not has_provider(locale, provider):
        builtins = RULES.builtin_names()
        known = [*RULES.names(), *provider_names(locale)]
        guess = difflib.get_close_matches(provider, known, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        raise ValueError(
            f"unknown rule type '{printable_name(provider)}': not a built-in rule "
            f"({', '.join(builtins)}) nor a Faker provider of locale {locale}{hint}"
        )
    if kwargs and provider in TEMPLATE_PROVIDERS:
        raise RefusedName(
            f"Faker provider '{provider}' calls other providers named in its arguments; "
            "a config cannot pass it arguments",
            f"use '{provider}' without extra keys, or one rule per column",
        )
    typ = context.arrow_type
    words = word_list(locale, provider) if not kwargs and pa.types.is_string(typ) else None
    if words is not None:
        return WordSample(*words)
    return FakerPool(typ, locale, provider, kwargs, context.seed)
