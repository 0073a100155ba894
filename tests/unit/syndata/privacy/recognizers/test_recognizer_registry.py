"""The recognizer registry: the built-ins in order, and plug-ins from installed packages."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from installed_plugins import write_dist_info
from presidio_analyzer import EntityRecognizer

from syndata.errors import PluginError
from syndata.privacy.detect import detect_pii, find_entities
from syndata.privacy.recognizers import RECOGNIZERS, build_analyzer
from syndata.privacy.recognizers.registry import registry_recognizers

BUILTINS = [
    "phone",
    "phone_pattern",
    "credit_card",
    "iban",
    "url",
    "uk_nhs",
    "medical_license",
    "us_ssn",
    "uk_nino",
    "it_fiscal_code",
    "es_nif",
    "es_nie",
    "de_tax_id",
    "fr_nir",
    "nl_bsn",
    "passport",
    "name",
    "location",
    "street_address",
    "postal_code",
    "date_of_birth",
]

PLUGIN = """
from presidio_analyzer import Pattern, PatternRecognizer


class BadgeRecognizer(PatternRecognizer):
    def __init__(self):
        super().__init__(
            supported_entity="BADGE_ID",
            name="BadgeRecognizer",
            patterns=[Pattern("badge", r"\\bBDG-\\d{6}\\b", 0.9)],
            context=["badge"],
        )


class NeedsArguments(PatternRecognizer):
    def __init__(self, entity):
        super().__init__(supported_entity=entity, deny_list=["x"])


class NotARecognizer:
    pass
"""


@pytest.fixture(autouse=True)
def syndata_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path_factory.getbasetemp() / "syndata-home"))


def _install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: str) -> None:
    """A package on sys.path that registers ``lines`` in the group syndata.recognizers."""
    (tmp_path / "fake_badge_recognizers.py").write_text(PLUGIN)
    write_dist_info(tmp_path, "fake-badge-recognizers", {"syndata.recognizers": lines})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fake_badge_recognizers", raising=False)


def test_the_builtins_are_registered_in_the_order_the_analyzer_adds_them():
    assert RECOGNIZERS.builtin_names() == BUILTINS
    assert all(issubclass(cls, EntityRecognizer) for _, cls in RECOGNIZERS.items())
    recognizers = [type(r) for r in registry_recognizers()]
    assert recognizers == [RECOGNIZERS.get(name) for name in BUILTINS]


def test_every_builtin_is_in_the_analyzer():
    names = {r.name for r in build_analyzer().registry.recognizers}
    assert {cls().name for _, cls in RECOGNIZERS.items()} <= names


def test_an_installed_plug_in_recognizer_finds_its_entity_in_a_column(tmp_path, monkeypatch):
    frame = pd.DataFrame({"badge": [f"BDG-{i:06d}" for i in range(50)], "n": range(50)})
    assert detect_pii(frame).get("badge") is None  # no such entity before the install
    _install(tmp_path, monkeypatch, "badge = fake_badge_recognizers:BadgeRecognizer")
    assert RECOGNIZERS.names() == [*BUILTINS, "badge"]
    finding = detect_pii(frame).get("badge")
    assert finding is not None
    assert (finding.entity, finding.kind, finding.share) == ("BADGE_ID", "column", 1.0)
    assert find_entities(["badge BDG-123456 at the gate"]) == [[(6, 16, "BADGE_ID")]]


def test_a_plug_in_that_needs_arguments_is_refused_with_how_to_fix(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch, "needy = fake_badge_recognizers:NeedsArguments")
    with pytest.raises(PluginError, match=r"'needy' .* cannot be built with no arguments") as info:
        registry_recognizers()
    assert "defaults" in info.value.fix


def test_a_plug_in_of_another_kind_is_refused(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch, "other = fake_badge_recognizers:NotARecognizer")
    with pytest.raises(PluginError, match="not a subclass of EntityRecognizer"):
        RECOGNIZERS.get("other")
