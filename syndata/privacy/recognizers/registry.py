"""The recognizer registry: the built-in recognizer classes, plug-ins, and runtime additions.

``RECOGNIZERS`` (a :class:`syndata.plugins.Registry`) holds the recognizer classes every
analyzer gets, built with no arguments: ours, in the order they are added to the
analyzer, then the classes installed packages register in the entry point group
``syndata.recognizers``::

    [project.entry-points."syndata.recognizers"]
    badge = "mypkg.recognizers:BadgeRecognizer"

In Python, :func:`register_recognizer` adds a :class:`RecognizerSpec` or a Presidio
``EntityRecognizer`` instance to every analyzer built from then on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import cast

from presidio_analyzer import EntityRecognizer

from syndata.errors import PluginError
from syndata.plugins import Registry
from syndata.privacy.recognizers.card_recognizer import CardRecognizer
from syndata.privacy.recognizers.date_of_birth_recognizer import DateOfBirthRecognizer
from syndata.privacy.recognizers.de_tax_id_recognizer import DeTaxIdRecognizer
from syndata.privacy.recognizers.dea_number_recognizer import DeaNumberRecognizer
from syndata.privacy.recognizers.es_nie_recognizer import NieRecognizer
from syndata.privacy.recognizers.es_nif_recognizer import NifRecognizer
from syndata.privacy.recognizers.fast_phone_recognizer import FastPhoneRecognizer
from syndata.privacy.recognizers.fr_nir_recognizer import FrNirRecognizer
from syndata.privacy.recognizers.it_fiscal_code_recognizer import FiscalCodeRecognizer
from syndata.privacy.recognizers.location_recognizer import LocationRecognizer
from syndata.privacy.recognizers.name_recognizer import NameRecognizer
from syndata.privacy.recognizers.nl_bsn_recognizer import NlBsnRecognizer
from syndata.privacy.recognizers.passport_recognizer import PassportRecognizer
from syndata.privacy.recognizers.phone_pattern_recognizer import PhonePatternRecognizer
from syndata.privacy.recognizers.postal_code_recognizer import PostalCodeRecognizer
from syndata.privacy.recognizers.spec import RecognizerSpec
from syndata.privacy.recognizers.street_address_recognizer import StreetAddressRecognizer
from syndata.privacy.recognizers.strict_iban_recognizer import StrictIbanRecognizer
from syndata.privacy.recognizers.uk_nhs_recognizer import UkNhsRecognizer
from syndata.privacy.recognizers.uk_nino_recognizer import NinoRecognizer
from syndata.privacy.recognizers.us_ssn_recognizer import SsnRecognizer
from syndata.privacy.recognizers.web_url_recognizer import WebUrlRecognizer

# Presidio's base class is abstract: a plug-in is any concrete subclass of it.
RECOGNIZERS: Registry[EntityRecognizer] = Registry(
    "recognizers",
    EntityRecognizer,  # type: ignore[type-abstract]
)
for _name, _cls in (
    ("phone", FastPhoneRecognizer),
    ("phone_pattern", PhonePatternRecognizer),
    ("credit_card", CardRecognizer),
    ("iban", StrictIbanRecognizer),
    ("url", WebUrlRecognizer),
    ("uk_nhs", UkNhsRecognizer),
    ("medical_license", DeaNumberRecognizer),
    ("us_ssn", SsnRecognizer),
    ("uk_nino", NinoRecognizer),
    ("it_fiscal_code", FiscalCodeRecognizer),
    ("es_nif", NifRecognizer),
    ("es_nie", NieRecognizer),
    ("de_tax_id", DeTaxIdRecognizer),
    ("fr_nir", FrNirRecognizer),
    ("nl_bsn", NlBsnRecognizer),
    ("passport", PassportRecognizer),
    ("name", NameRecognizer),
    ("location", LocationRecognizer),
    ("street_address", StreetAddressRecognizer),
    ("postal_code", PostalCodeRecognizer),
    ("date_of_birth", DateOfBirthRecognizer),
):
    RECOGNIZERS.register(_name, _cls)


def registry_recognizers() -> list[EntityRecognizer]:
    """One new instance of every class in ``RECOGNIZERS``: the built-ins, then plug-ins.

    Raises
    ------
    PluginError
        When a plug-in class cannot be built with no arguments.
    """
    return [_build(name, cls) for name, cls in RECOGNIZERS.items()]


def _build(name: str, cls: type[EntityRecognizer]) -> EntityRecognizer:
    make = cast(Callable[[], EntityRecognizer], cls)  # every registered class takes no argument
    try:
        return make()
    except TypeError as exc:
        raise PluginError(
            f"recognizer '{name}' ({cls.__module__}.{cls.__name__}) cannot be built with "
            f"no arguments: {exc}",
            fix="give its __init__ defaults for every argument (entities, name, context)",
        ) from exc


_ADDED: dict[str, EntityRecognizer | RecognizerSpec] = {}
_ADDED_LOCK = threading.Lock()
_generation = 0


def register_recognizer(recognizer: EntityRecognizer | RecognizerSpec) -> None:
    """Add a recognizer to every analyzer built from now on (replaces one of that name)."""
    global _generation
    if not isinstance(recognizer, EntityRecognizer | RecognizerSpec):
        raise TypeError(
            "register_recognizer takes a RecognizerSpec or a Presidio "
            f"EntityRecognizer, not {type(recognizer).__name__}"
        )
    with _ADDED_LOCK:
        _ADDED[_name_of(recognizer)] = recognizer
        _generation += 1


def _name_of(recognizer: EntityRecognizer | RecognizerSpec) -> str:
    return str(recognizer.name)  # type: ignore[has-type]  # untyped in Presidio


def unregister_recognizer(name: str) -> None:
    """Remove a recognizer added with :func:`register_recognizer` (no error if absent)."""
    global _generation
    with _ADDED_LOCK:
        if _ADDED.pop(name, None) is not None:
            _generation += 1


def registered_recognizers() -> list[EntityRecognizer | RecognizerSpec]:
    """The recognizers added with :func:`register_recognizer`, in order."""
    with _ADDED_LOCK:
        return list(_ADDED.values())


def registration_generation() -> int:
    """A number that changes whenever a recognizer is registered or unregistered."""
    with _ADDED_LOCK:
        return _generation


def plugin_operators(specs: Iterable[RecognizerSpec] = ()) -> dict[str, str]:
    """The suggested operator of each entity of the given and the registered specs."""
    found = [*registered_recognizers(), *specs]
    return {r.entity: r.operator for r in found if isinstance(r, RecognizerSpec)}
