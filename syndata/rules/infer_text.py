"""Rules inferred from text: e-mail addresses, postal codes, Faker providers, sentences."""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from syndata.rules.infer_shapes import shape_regex
from syndata.rules.infer_values import sample_values
from syndata.rules.providers import faker_for, has_provider, word_list

DEFAULT_LOCALE = "en_US"
WORD_MATCH = 0.6  # share of values a Faker provider must produce to be chosen
LONG_TEXT = 200  # values longer than this (median) are paragraphs, not sentences
_FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "yahoo.co.uk",
        "hotmail.co.uk",
        "yahoo.fr",
        "hotmail.fr",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "libero.it",
        "mail.ru",
        "yandex.ru",
        "protonmail.com",
        "proton.me",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "t-online.de",
        "btinternet.com",
    }
)
_LIST_PROVIDERS = ("first_name", "last_name", "job", "country", "state", "language_name")
_FORMAT_PROVIDERS = {  # provider -> (Faker provider module, attribute holding its formats)
    "name": ("person", "formats"),
    "city": ("address", "city_formats"),
    "street_name": ("address", "street_name_formats"),
    "company": ("company", "formats"),
}
_ATTRIBUTE_PROVIDERS = {"state_abbr": "states_abbr"}
_NAMED_PROVIDERS = frozenset(
    {  # a text column named after one of these gets that provider
        "first_name",
        "last_name",
        "name",
        "city",
        "company",
        "job",
        "country",
        "state",
        "state_abbr",
        "street_name",
        "street_address",
        "address",
        "catch_phrase",
        "user_name",
        "username",
        "license_plate",
        "iban",
        "swift",
        "ssn",
        "credit_card_number",
        "ipv4",
        "ipv6",
        "mac_address",
        "hostname",
        "domain_name",
        "isbn13",
        "ean13",
        "color_name",
        "sentence",
        "paragraph",
        "text",
        "word",
        "bs",
        "company_suffix",
        "building_number",
        "secondary_address",
        "country_code",
        "language_name",
        "prefix",
        "suffix",
        "password",
        "user_agent",
        "sha256",
        "md5",
        "file_name",
        "file_path",
        "currency_name",
        "bban",
        "ascii_email",
    }
)


# --------------------------------------------------------------------------- e-mail, postcode


def email_rule(present: pd.Series) -> dict[str, object]:
    """``email``, with ``domains`` when one company domain (not free mail) dominates."""
    domains = sample_values(present).astype(str).str.rsplit("@", n=1).str[-1].str.lower()
    counts = domains.value_counts()
    if len(counts):
        top, share = str(counts.index[0]), counts.iloc[0] / len(domains)
        free = _FREE_MAIL | set(_field_words(DEFAULT_LOCALE, "free_email_domain") or ())
        if share >= 0.9 and top not in free and "." in top:
            return {"type": "email", "domains": [top]}
    return {"type": "email"}


def postal_rule(present: pd.Series) -> dict[str, object]:
    """``postcode`` for US ZIP codes, else a regex of the codes' shape."""
    text = sample_values(present).astype(str).str.strip()
    zip5 = text.str.fullmatch(r"\d{5}")
    zip9 = text.str.fullmatch(r"\d{5}-\d{4}")
    if zip5.mean() >= 0.9:
        return {"type": "postcode"}
    if zip9.mean() >= 0.9:
        return {"type": "regex", "pattern": r"\d{5}-\d{4}"}
    if (zip5 | zip9).mean() >= 0.9:
        return {"type": "regex", "pattern": r"\d{5}(?:-\d{4})?"}
    return {"type": "regex", "pattern": shape_regex(text)}


# --------------------------------------------------------------------------- text


def text_rule(name: str, present: pd.Series, locale: str) -> dict[str, object]:
    """A Faker provider matching the values or the column's name; else sentences, text, a regex."""
    text = sample_values(present.astype(str).str.strip())
    provider = match_provider(text, locale)
    if provider is None:
        provider = _provider_named(name, locale)
    if provider is not None:
        return {"type": provider}
    lengths = text.str.len()
    words = text.map(lambda v: len(v.split()))
    if len(text) and float(lengths.median()) > LONG_TEXT:
        return {"type": "text", "max_nb_chars": max(int(lengths.quantile(0.9)), 5)}
    if len(text) and float(words.median()) >= 2:
        return {"type": "sentence", "nb_words": round(float(words.median()))}
    return {"type": "regex", "pattern": shape_regex(text)}


def _provider_named(name: str, locale: str) -> str | None:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.strip()).lower()
    snake = re.sub(r"[^a-z0-9]+", "_", snake).strip("_")
    for candidate in (snake, snake.removesuffix("s")):
        if candidate in _NAMED_PROVIDERS and has_provider(locale, candidate):
            return candidate
    return None


@functools.cache
def _field_words(locale: str, field: str) -> frozenset[str] | None:
    """The words a Faker field draws from (``first_name``, ``city_suffix`` ...), or None."""
    try:
        found = word_list(locale, field)
    except (ValueError, TypeError):
        found = None
    if found is not None:
        return frozenset(found[0])
    attribute = _ATTRIBUTE_PROVIDERS.get(field)
    base = re.sub(r"_(male|female|nonbinary)$", "", field)
    candidates = [attribute] if attribute else []
    candidates += [f"{field}es", f"{field}s", f"{base}es", f"{base}s"]
    for provider in faker_for(locale).get_providers():
        for attr in candidates:
            value = getattr(provider, attr, None)
            if isinstance(value, dict):
                value = list(value)
            if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
                return frozenset(value)
    if base != field:
        return _field_words(locale, base)
    return None


@functools.cache
def _formats(locale: str, provider: str) -> tuple[tuple[str, ...], ...]:
    """Faker's formats of ``provider`` as parts (literals and ``{field}``), usable ones only."""
    module, attribute = _FORMAT_PROVIDERS[provider]
    out = []
    for prov in faker_for(locale).get_providers():
        if f".{module}" not in type(prov).__module__:
            continue
        formats = getattr(prov, attribute, None)
        if not formats:
            continue
        for fmt in formats:
            parts = tuple(p for p in re.split(r"(\{\{\w+\}\})", str(fmt)) if p)
            fields = [p[2:-2] for p in parts if p.startswith("{{")]
            if fields and all(_field_words(locale, f) is not None for f in fields):
                out.append(parts)
        break
    return tuple(out)


def _fits(value: str, parts: tuple[str, ...], locale: str) -> bool:
    if not parts:
        return not value
    head, rest = parts[0], parts[1:]
    if not head.startswith("{{"):
        return value.startswith(head) and _fits(value[len(head) :], rest, locale)
    words = _field_words(locale, head[2:-2]) or frozenset()
    return any(
        value[:end] in words and _fits(value[end:], rest, locale)
        for end in range(len(value), 0, -1)
    )


def match_provider(values: pd.Series, locale: str = DEFAULT_LOCALE) -> str | None:
    """The Faker provider that makes at least ``WORD_MATCH`` of ``values``, or None."""
    counts = values.value_counts()
    if counts.empty:
        return None
    distinct = counts.index.astype(str).tolist()[:2_000]
    weights = counts.to_numpy()[: len(distinct)].astype(float)
    total = float(weights.sum())
    scores: dict[str, float] = {}
    for provider in (*_LIST_PROVIDERS, *_ATTRIBUTE_PROVIDERS):
        words = _field_words(locale, provider)
        if words:
            hit = np.array([v in words for v in distinct])
            scores[provider] = float(weights[hit].sum()) / total
    for provider in _FORMAT_PROVIDERS:
        formats = _formats(locale, provider)
        if formats and len(distinct) and max(len(v) for v in distinct) <= 80:
            hit = np.array([any(_fits(v, parts, locale) for parts in formats) for v in distinct])
            scores[provider] = float(weights[hit].sum()) / total
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < WORD_MATCH or not has_provider(locale, best):
        return None
    return best
