"""Custom rule plug-ins are registered by the installation, never named into existence.

A config names a plug-in by its registered name (entry point of group ``syndata.rules``
or ``SYNDATA_RULE_PLUGINS``); dotted paths only with the CLI's opt-in. Validation imports
and builds nothing. Faker providers and locales come only from Faker's own registry.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest
from installed_plugins import write_dist_info
from typer.testing import CliRunner

from syndata import pipeline
from syndata.cli import app
from syndata.config import parse_config
from syndata.errors import ConfigError, GenerationError
from syndata.rules.custom import PLUGIN_PATHS, plugin_paths_allowed, registered_plugins
from syndata.rules.engine import generate_frames
from syndata.rules.providers import has_provider, provider_names

RULE_PATH = "tables[0].columns[0].rule"


def config(rule: dict, locale: str = "en_US", rows: int = 20) -> dict:
    return {
        "tables": [
            {
                "table_name": "t",
                "rows": rows,
                "columns": [{"name": "x", "type": "str", "rule": rule}],
            }
        ],
        "locale": locale,
    }


def problems(data: dict) -> list:
    with pytest.raises(ConfigError) as info:
        pipeline.validate(data)
    return info.value.problems


@pytest.fixture
def plugin_module(tmp_path, monkeypatch):
    """A fresh plug-in module on sys.path whose import writes a marker file."""
    name = f"syndata_plugin_{uuid.uuid4().hex[:10]}"
    marker = tmp_path / f"{name}.imported"
    (tmp_path / f"{name}.py").write_text(
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('imported')\n"
        "class Sku:\n"
        "    def __init__(self, prefix='SKU'):\n"
        "        self.prefix = prefix\n"
        "    def generate(self, n, rng):\n"
        "        return [f'{self.prefix}-{i}' for i in rng.integers(0, 10**6, n)]\n"
        "class PerRow:\n"
        "    def shout(self, parameters):\n"
        "        return parameters['word'].upper()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("SYNDATA_RULE_PLUGINS", raising=False)
    yield name, marker
    sys.modules.pop(name, None)


def test_entry_point_name_works_and_listing_imports_nothing(plugin_module, tmp_path, monkeypatch):
    module, marker = plugin_module
    write_dist_info(tmp_path / "eps", "tsku-plugins", {"syndata.rules": f"tsku = {module}:Sku"})
    monkeypatch.syspath_prepend(str(tmp_path / "eps"))
    assert registered_plugins()["tsku"].target == f"{module}:Sku"
    data = config({"type": "custom", "custom_class": "tsku", "parameters": {"prefix": "EP"}})
    pipeline.validate(data)
    assert module not in sys.modules and not marker.exists()  # validated, nothing imported
    values = generate_frames(parse_config(data), seed=1)["t"].x
    assert marker.exists() and values.str.fullmatch(r"EP-\d+").all() and len(values) == 20


def test_allow_listed_name_works(plugin_module, monkeypatch):
    module, marker = plugin_module
    monkeypatch.setenv("SYNDATA_RULE_PLUGINS", f"sku={module}:Sku, shout = {module}:PerRow")
    data = {
        "tables": [
            {
                "table_name": "t",
                "rows": 10,
                "columns": [
                    {
                        "name": "a",
                        "type": "str",
                        "rule": {
                            "type": "custom",
                            "custom_class": "sku",
                            "parameters": {"prefix": "AL"},
                        },
                    },
                    {
                        "name": "b",
                        "type": "str",
                        "rule": {
                            "type": "custom",
                            "custom_class": "shout",
                            "custom_method": "shout",
                            "parameters": {"word": "hi"},
                        },
                    },
                ],
            }
        ]
    }
    checked = pipeline.validate(data)
    assert module not in sys.modules and not marker.exists()
    frame = generate_frames(checked.config, seed=3)["t"]
    assert frame.a.str.fullmatch(r"AL-\d+").all() and (frame.b == "HI").all()


def test_dotted_path_refused_without_opt_in_and_works_with_it(plugin_module):
    module, marker = plugin_module
    data = config({"type": "custom", "custom_class": f"{module}:Sku"})
    [problem] = problems(data)
    assert problem.path == RULE_PATH and "--allow-plugin-paths" in problem.message
    assert module not in sys.modules and not marker.exists()
    with plugin_paths_allowed():
        checked = pipeline.validate(data)
        assert module not in sys.modules and not marker.exists()  # still only a name check
        values = generate_frames(checked.config, seed=2)["t"].x
    assert values.str.fullmatch(r"SKU-\d+").all()
    assert PLUGIN_PATHS.get() is False


def test_opt_in_does_not_outlive_its_block():
    with plugin_paths_allowed():
        assert PLUGIN_PATHS.get() is True
    assert PLUGIN_PATHS.get() is False
    assert problems(config({"type": "custom", "custom_class": "json:JSONDecoder"}))


@pytest.mark.parametrize(
    "target, parameters",
    [
        ("subprocess:Popen", {"args": ["/bin/sh", "-c", "echo pwned > {marker}"]}),
        ("subprocess.Popen", {"args": ["/bin/sh", "-c", "echo pwned > {marker}"]}),
        ("os:system", {"command": "echo pwned > {marker}"}),
        ("io:FileIO", {"file": "{victim}", "mode": "w"}),
        ("builtins:open", {"file": "{victim}", "mode": "w"}),
    ],
)
def test_code_paths_refused_with_the_registration_hint_and_never_run(tmp_path, target, parameters):
    marker, victim = tmp_path / "marker", tmp_path / "victim.txt"
    victim.write_bytes(b"precious bytes")
    params = {
        k: (
            v.format(marker=marker, victim=victim)
            if isinstance(v, str)
            else [a.format(marker=marker) for a in v]
        )
        for k, v in parameters.items()
    }
    data = config({"type": "custom", "custom_class": target, "parameters": params})
    [problem] = problems(data)
    assert problem.path == RULE_PATH
    assert "not a registered plug-in name" in problem.message
    assert "syndata.rules" in problem.fix and "SYNDATA_RULE_PLUGINS=" in problem.fix
    with pytest.raises(ConfigError):  # generation validates the same way
        generate_frames(parse_config(data), seed=0)
    assert not marker.exists()
    assert victim.read_bytes() == b"precious bytes"


def test_refused_module_is_never_imported(tmp_path, monkeypatch):
    name = f"syndata_evil_{uuid.uuid4().hex[:10]}"
    marker = tmp_path / "evil.imported"
    (tmp_path / f"{name}.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\nclass Evil:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for custom_class in (f"{name}:Evil", f"{name}.Evil", name):
        [problem] = problems(config({"type": "custom", "custom_class": custom_class}))
        assert problem.path == RULE_PATH and "SYNDATA_RULE_PLUGINS" in problem.fix
    assert name not in sys.modules and not marker.exists()


@pytest.mark.parametrize("method", ["__init__", "_x", "__class__", "Generate", "a.b", "x-y"])
def test_custom_method_must_be_a_plain_public_name(plugin_module, monkeypatch, method):
    module, marker = plugin_module
    monkeypatch.setenv("SYNDATA_RULE_PLUGINS", f"shout={module}:PerRow")
    found = problems(config({"type": "custom", "custom_class": "shout", "custom_method": method}))
    assert any("custom_method" in p.path or "custom_method" in p.message for p in found)
    assert any("not a plain public method name" in p.message for p in found)
    assert module not in sys.modules and not marker.exists()


def test_unknown_registered_name_lists_the_registered_ones(plugin_module, monkeypatch):
    module, _ = plugin_module
    monkeypatch.setenv("SYNDATA_RULE_PLUGINS", f"sku={module}:Sku")
    [problem] = problems(config({"type": "custom", "custom_class": "skew"}))
    assert "'skew' is not a registered plug-in; registered: sku" in problem.message


def test_malformed_allow_list_names_the_variable(monkeypatch):
    monkeypatch.setenv("SYNDATA_RULE_PLUGINS", "sku=not a path")
    [problem] = problems(config({"type": "custom", "custom_class": "sku"}))
    assert problem.path == "SYNDATA_RULE_PLUGINS" and "name=package.module:Class" in problem.message


def test_registered_plugin_that_fails_to_import_fails_generation_not_validation(monkeypatch):
    monkeypatch.setenv("SYNDATA_RULE_PLUGINS", "gone=syndata_no_such_module_xyz:Rule")
    data = config({"type": "custom", "custom_class": "gone"})
    checked = pipeline.validate(data)
    with pytest.raises(GenerationError, match=r"plug-in 'gone'.*cannot be imported"):
        generate_frames(checked.config, seed=0)


@pytest.mark.parametrize(
    "provider",
    [
        "seed_instance",
        "__class__",
        "_Faker__config",
        "seed",
        "add_provider",
        "get_providers",
        "format",
        "parse",
        "__init__",
        "providers",
        "random",
    ],
)
def test_faker_names_outside_the_provider_registry_refused(provider):
    assert not has_provider("en_US", provider)
    [problem] = problems(config({"type": provider}))
    assert problem.path == RULE_PATH and "nor a Faker provider" in problem.message


@pytest.mark.parametrize("provider", ["name", "email", "city", "first_name", "random_int"])
def test_faker_registry_providers_accepted(provider):
    assert has_provider("en_US", provider) and provider in provider_names("de_DE")
    pipeline.validate(config({"type": provider}))


def test_template_providers_take_no_arguments_from_a_config():
    [problem] = problems(config({"type": "json", "data_columns": {"a": "seed_instance"}}))
    assert "calls other providers" in problem.message
    [problem] = problems(config({"type": "pystr_format", "string_format": "{{__init__}}"}))
    assert "calls other providers" in problem.message


@pytest.mark.parametrize("locale", ["../../etc", "xx_YY", "en_US.__class__", "", "en_US "])
def test_unknown_locale_refused(locale):
    found = problems(config({"type": "name"}, locale=locale))
    assert any(p.path == "locale" and "unknown locale" in p.message for p in found)
    with pytest.raises(ValueError, match="unknown locale"):
        has_provider(locale, "name")


def test_cli_flag_opts_in_for_the_command_only(plugin_module, tmp_path):
    module, _ = plugin_module
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config({"type": "custom", "custom_class": f"{module}:Sku"})))
    runner = CliRunner()
    refused = runner.invoke(app, ["validate", "-c", str(path)])
    assert refused.exit_code == 3 and "--allow-plugin-paths" in refused.output
    allowed = runner.invoke(app, ["validate", "-c", str(path), "--allow-plugin-paths"])
    assert allowed.exit_code == 0, allowed.output
    assert PLUGIN_PATHS.get() is False
    again = runner.invoke(app, ["validate", "-c", str(path)])
    assert again.exit_code == 3


def test_validation_of_the_test_plugins_imports_nothing(monkeypatch):
    here = Path(__file__).parent
    monkeypatch.syspath_prepend(str(here))
    sys.modules.pop("syndata_test_plugins", None)
    monkeypatch.setenv("SYNDATA_RULE_PLUGINS", "sku=syndata_test_plugins:Sku")
    pipeline.validate(config({"type": "custom", "custom_class": "sku"}))
    assert "syndata_test_plugins" not in sys.modules
