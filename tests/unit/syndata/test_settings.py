from __future__ import annotations

import pytest

from syndata import settings
from syndata.errors import ConfigError
from syndata.settings import Settings, get_settings, reset_settings


def test_every_field_is_one_documented_variable() -> None:
    aliases = [field.validation_alias for field in Settings.model_fields.values()]
    assert len(aliases) == len(set(aliases))
    for name, field in Settings.model_fields.items():
        assert isinstance(field.validation_alias, str), name
        assert field.validation_alias.startswith(("SYNDATA_", "MLFLOW_")), name
        assert field.description, name


def test_the_environment_is_parsed_once_per_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDATA_MAX_ROWS", "1_000")
    first = get_settings()
    assert get_settings() is first and first.max_rows == 1000
    monkeypatch.setenv("SYNDATA_MAX_ROWS", "2000")
    assert get_settings().max_rows == 2000 == settings.max_rows()
    reset_settings()
    assert get_settings() is not first


def test_blank_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SYNDATA_API_URL", "SYNDATA_BROKER_URL", "SYNDATA_MAX_ROWS", "SYNDATA_AUTH"):
        monkeypatch.setenv(var, "  ")
    found = get_settings()
    assert found.api_url is None and found.broker_url is None
    assert found.max_rows == settings.DEFAULT_MAX_ROWS and found.auth


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("SYNDATA_MAX_ROWS", "-3", "SYNDATA_MAX_ROWS must be a positive number, got '-3'"),
        ("SYNDATA_MAX_SCALE", "inf", "SYNDATA_MAX_SCALE must be a positive number"),
        ("SYNDATA_RULE_PLUGINS", "sku=not a path", "is not name=package.module:Class"),
        ("SYNDATA_MASKING_SECRET", "short", "shorter than 16 characters"),
        ("SYNDATA_ENCRYPTION_KEY", "abc", "decodes to 2 bytes"),
        ("SYNDATA_AUDIT_LOGIN_WINDOW", "0", "a number of seconds from 1 to 86400"),
        ("SYNDATA_MAX_ACTIVE_JOBS_PER_KEY", "x", "is not a whole number of at least 1"),
        ("SYNDATA_RATE_LIMIT", "1.5", "a whole number of requests per minute"),
        ("SYNDATA_RARE_K", "1001", "is not a whole number from 1 to 1000"),
    ],
)
def test_a_bad_value_names_its_variable_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, message: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=message) as caught:
        get_settings()
    [problem] = caught.value.problems
    assert problem.path == var and var in problem.message and problem.fix


def test_an_accessor_raises_only_for_its_own_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDATA_MAX_ROWS", "many")
    monkeypatch.setenv("SYNDATA_RULE_PLUGINS", "sku=mypkg.rules:Sku")
    assert settings.rule_plugins() == {"sku": "mypkg.rules:Sku"}
    assert settings.max_tables() == settings.DEFAULT_MAX_TABLES
    with pytest.raises(ConfigError, match="SYNDATA_MAX_ROWS"):
        settings.max_rows()


def test_service_address_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDATA_API_URL", " http://api.example:8000/ ")
    monkeypatch.setenv("SYNDATA_API_KEY", "sk_test")
    monkeypatch.setenv("SYNDATA_AUTH", "OFF")
    found = get_settings()
    assert settings.service_url() == "http://api.example:8000" and not found.auth
    assert settings.service_key() == "sk_test" and "sk_test" not in repr(found)


def test_settings_is_a_pydantic_settings_model_reading_the_environment(monkeypatch):
    from pydantic_settings import BaseSettings

    from syndata.settings import Settings

    monkeypatch.setenv("SYNDATA_RARE_K", "7")
    monkeypatch.setenv("SYNDATA_AUTH", "off")
    assert issubclass(Settings, BaseSettings)
    found = Settings()
    assert (found.rare_k, found.auth) == (7, False)
