"""The ``fake`` operator: a consistent fake value of a Faker provider for each value.

The fake is a function of (secret, provider, locale, value), the same in every table and
run; never equal to the value it replaces. Distinct values may share a fake when the
provider has few values (first names); mask join keys with ``hash`` or ``encrypt``,
which are collision-free in practice. The values come from ``fakes.fake_texts``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import Field, ValidationInfo, field_validator

from syndata.privacy.operators.base import MaskContext, Operator, Params
from syndata.privacy.operators.fakes import fake_texts
from syndata.privacy.operators.values import expand, factorize
from syndata.privacy.providers import DEFAULT_LOCALE, check_locale, check_provider, provider_for


class FakeParams(Params):
    """``fake``: a consistent fake value of a Faker ``provider`` (or of the entity's)."""

    locale: str = Field(DEFAULT_LOCALE, description="a Faker locale such as en_US or de_DE")
    provider: str | None = Field(
        None,
        description="a Faker provider such as name, email, "
        "phone_number, address, ssn, credit_card, iban, ipv4, company",
    )

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, locale: str) -> str:
        return check_locale(locale)

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, provider: str | None, info: ValidationInfo) -> str | None:
        if provider is None:
            return None
        return check_provider(provider, str(info.data.get("locale", DEFAULT_LOCALE)))


def fake(
    values: pd.Series, secret: bytes, provider: str, locale: str = DEFAULT_LOCALE
) -> pd.Series:
    """A consistent fake value (Faker ``provider``) for each value; never an original one.

    The fake is a function of (secret, provider, locale, value): equal values get equal
    fakes in every table and run, except where a fake equals another original value of
    the column being masked: it is redrawn, so no original value of the column is ever
    emitted (use ``hash`` or ``encrypt`` for join keys, which never coincide).
    """
    codes, texts = factorize(values)
    return expand(values, list(fake_texts(texts, secret, provider, locale)), codes)


class Fake(Operator):
    """``fake``: see ``fake``; the provider is the explicit one, else the entity's."""

    params_model = FakeParams
    options: FakeParams

    @classmethod
    def entity_problems(cls, options: Params, entity: str | None) -> list[tuple[str, str, str]]:
        """A provider is needed: given, or the entity's."""
        assert isinstance(options, FakeParams)
        if options.provider or provider_for(entity) is not None:
            return []
        what = f"entity {entity!r} has no Faker provider" if entity else "no entity is set"
        return [
            (
                "provider",
                f"operator 'fake' needs a provider: {what}",
                f"add provider: {FakeParams.model_fields['provider'].description}",
            )
        ]

    @classmethod
    def default_params(cls, entity: str | None) -> dict[str, Any] | None:
        """No parameters when the entity has a Faker provider; None otherwise."""
        return {} if provider_for(entity) else None

    def needs_secret(self) -> bool:
        """The fakes are seeded by the masking secret."""
        return True

    def mask(self, values: pd.Series, context: MaskContext) -> pd.Series:
        """The fake of each value."""
        provider = provider_for(self.entity, self.options.provider)
        return fake(values, context.secret(), str(provider), self.options.locale)
