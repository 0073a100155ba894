"""Faker providers of PII entities, and the checks of locale and provider names.

A PII entity (Presidio names and metadata kinds, upper-cased) has a Faker provider that
makes values of its kind (``PERSON`` -> ``name``); people may write a provider by another
name (``credit_card``, ``zip``). The ``fake`` and ``anonymize_text`` operators and the
``regenerate`` action of a privacy plan resolve names here.
"""

from __future__ import annotations

from pydantic_core import PydanticCustomError

from syndata.rules.providers import faker_for, has_provider

DEFAULT_LOCALE = "en_US"

# PII entity (Presidio names and metadata kinds, upper-cased) -> Faker provider
ENTITY_PROVIDERS: dict[str, str] = {
    "PERSON": "name",
    "NAME": "name",
    "FIRST_NAME": "first_name",
    "LAST_NAME": "last_name",
    "EMAIL_ADDRESS": "email",
    "EMAIL": "email",
    "PHONE_NUMBER": "phone_number",
    "PHONE": "phone_number",
    "LOCATION": "city",
    "CITY": "city",
    "ADDRESS": "address",
    "STREET_ADDRESS": "street_address",
    "US_ZIP_CODE": "postcode",
    "ZIP_CODE": "postcode",
    "POSTAL_CODE": "postcode",
    "US_SSN": "ssn",
    "SSN": "ssn",
    "CREDIT_CARD": "credit_card_number",
    "IBAN_CODE": "iban",
    "IBAN": "iban",
    "US_BANK_NUMBER": "bban",
    "IP_ADDRESS": "ipv4",
    "IPV4": "ipv4",
    "IPV6": "ipv6",
    "MAC_ADDRESS": "mac_address",
    "URL": "url",
    "ORGANIZATION": "company",
    "COMPANY": "company",
    "US_PASSPORT": "passport_number",
    "UUID": "uuid4",
    "USERNAME": "user_name",
    "DATE_TIME": "date",
    "DATE": "date",
    "DATE_OF_BIRTH": "date_of_birth",
    "US_ITIN": "itin",
}
# names people write -> Faker provider
PROVIDER_ALIASES: dict[str, str] = {
    "credit_card": "credit_card_number",
    "postal_code": "postcode",
    "zip": "postcode",
    "zip_code": "postcode",
    "zipcode": "postcode",
    "phone": "phone_number",
    "ip": "ipv4",
    "ip_address": "ipv4",
    "uuid": "uuid4",
    "full_name": "name",
    "username": "user_name",
}


def resolve_provider(name: str) -> str:
    """The Faker provider called ``name`` (after aliases such as ``credit_card``)."""
    key = name.strip().lower()
    return PROVIDER_ALIASES.get(key, key)


def provider_for(entity: str | None, provider: str | None = None) -> str | None:
    """The Faker provider of an explicit ``provider``, else of ``entity``, else None."""
    if provider:
        return resolve_provider(provider)
    return ENTITY_PROVIDERS.get(entity.strip().upper()) if entity else None


def check_locale(locale: str) -> str:
    """``locale`` if Faker knows it; a pydantic error ``bad_locale`` otherwise."""
    try:
        faker_for(locale)
    except ValueError:
        raise PydanticCustomError(
            "bad_locale", "unknown Faker locale '{locale}'", {"locale": locale}
        ) from None
    return locale


def check_provider(provider: str, locale: str) -> str:
    """The resolved ``provider`` if the locale has it; a pydantic error ``bad_provider``."""
    name = resolve_provider(provider)
    try:
        known = has_provider(locale, name)
    except ValueError:  # an unknown locale: reported on 'locale'
        return name
    if not known:
        raise PydanticCustomError(
            "bad_provider",
            "unknown Faker provider '{provider}' for locale {locale}",
            {"provider": provider, "locale": locale},
        )
    return name
