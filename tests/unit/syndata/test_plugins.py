"""The one plug-in registry: built-ins by name, installed entry points, base-class check."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from installed_plugins import write_dist_info

from syndata.errors import PluginError
from syndata.plugins import Registry


class Base:
    pass


class Builtin(Base):
    pass


class Other:
    pass


def _install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: str) -> None:
    module = tmp_path / "fake_syndata_plugin.py"
    module.write_text(
        "from test_plugins import Base\n\nclass Extra(Base):\n    pass\n\nclass Bad:\n    pass\n"
    )
    write_dist_info(tmp_path, "fake-syndata-plugin", {"syndata.widgets": lines})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "test_plugins", sys.modules[__name__])


def test_builtins_are_found_by_name_and_listed_first():
    reg: Registry[Base] = Registry("widgets", Base)
    reg.register("builtin", Builtin)
    assert reg.get("builtin") is Builtin
    assert reg.names() == ["builtin"]
    assert "builtin" in reg and "nope" not in reg


def test_a_class_of_another_kind_is_refused():
    reg: Registry[Base] = Registry("widgets", Base)
    with pytest.raises(PluginError, match="subclass of Base"):
        reg.register("other", Other)  # type: ignore[arg-type]


def test_unknown_names_list_the_known_ones_and_how_to_register():
    reg: Registry[Base] = Registry("widgets", Base)
    reg.register("builtin", Builtin)
    with pytest.raises(PluginError) as info:
        reg.get("nope")
    assert "unknown widgets 'nope'; the known ones are builtin" in str(info.value)
    assert "syndata.widgets" in info.value.fix


def test_entry_points_add_names_and_load_on_first_lookup(tmp_path, monkeypatch):
    _install(
        tmp_path, monkeypatch, "extra = fake_syndata_plugin:Extra\nbad = fake_syndata_plugin:Bad"
    )
    reg: Registry[Base] = Registry("widgets", Base)
    reg.register("builtin", Builtin)
    assert reg.names() == ["builtin", "bad", "extra"]
    assert "fake_syndata_plugin" not in sys.modules  # listing imports nothing
    assert reg.get("extra").__name__ == "Extra"
    with pytest.raises(PluginError, match="not a subclass of Base"):
        reg.get("bad")


def test_a_plugin_cannot_replace_a_builtin(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch, "builtin = fake_syndata_plugin:Extra")
    reg: Registry[Base] = Registry("widgets", Base)
    reg.register("builtin", Builtin)
    assert reg.get("builtin") is Builtin
    assert reg.names() == ["builtin"]
