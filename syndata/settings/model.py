"""The ``Settings`` model: one field per environment variable, parsed once per environment.

The field's alias is its variable; its description says what it holds. ``from_environ``
reports every bad variable as a ``Problem`` with the fix; ``get_settings()`` refuses
them all at once, ``checked(*fields)`` only those of the fields asked for, so a bad
``SYNDATA_MAX_ROWS`` does not stop a command that never looks at it.
"""

from __future__ import annotations

import functools
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar

import pydantic
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from syndata.errors import ConfigError, Problem
from syndata.settings import values as check

HOME_VAR = "SYNDATA_HOME"
MLFLOW_TRACKING_URI_VAR = "MLFLOW_TRACKING_URI"
MLFLOW_UI_VAR = "MLFLOW_UI_URL"
AUDIT_LOG_VAR = "SYNDATA_AUDIT_LOG"
MASKING_SECRET_VAR = "SYNDATA_MASKING_SECRET"
MASKING_SECRET_FILE_VAR = "SYNDATA_MASKING_SECRET_FILE"
ENCRYPTION_KEY_VAR = "SYNDATA_ENCRYPTION_KEY"
ENCRYPTION_KEY_FILE_VAR = "SYNDATA_ENCRYPTION_KEY_FILE"
API_URL_VAR = "SYNDATA_API_URL"
API_KEY_VAR = "SYNDATA_API_KEY"
AUTH_VAR = "SYNDATA_AUTH"
JOBS_URL_VAR = "SYNDATA_JOBS_URL"
BROKER_URL_VAR = "SYNDATA_BROKER_URL"
PARTITION_ROWS_VAR = "SYNDATA_PARTITION_ROWS"
HEARTBEAT_TIMEOUT_VAR = "SYNDATA_HEARTBEAT_TIMEOUT"
MAX_ACTIVE_JOBS_PER_PROJECT_VAR = "SYNDATA_MAX_ACTIVE_JOBS_PER_PROJECT"
MAX_ACTIVE_JOBS_PER_KEY_VAR = "SYNDATA_MAX_ACTIVE_JOBS_PER_KEY"
RULE_PLUGINS_VAR = "SYNDATA_RULE_PLUGINS"
MAX_ROWS_VAR = "SYNDATA_MAX_ROWS"
MAX_SCALE_VAR = "SYNDATA_MAX_SCALE"
MAX_COLUMNS_VAR = "SYNDATA_MAX_COLUMNS"
MAX_TABLES_VAR = "SYNDATA_MAX_TABLES"
JOB_TIMEOUT_VAR = "SYNDATA_JOB_TIMEOUT"
AUDIT_KEY_VAR = "SYNDATA_AUDIT_KEY"
AUDIT_KEY_FILE_VAR = "SYNDATA_AUDIT_KEY_FILE"
AUDIT_LOGIN_WINDOW_VAR = "SYNDATA_AUDIT_LOGIN_WINDOW"
ACTOR_VAR = "SYNDATA_ACTOR"
LOG_LEVEL_VAR = "SYNDATA_LOG_LEVEL"
MAX_UPLOAD_VAR = "SYNDATA_MAX_UPLOAD_MB"
RATE_LIMIT_VAR = "SYNDATA_RATE_LIMIT"
RARE_K_VAR = "SYNDATA_RARE_K"

MIN_SECRET_LENGTH = 16
ENCRYPTION_KEY_SIZES = check.ENCRYPTION_KEY_SIZES
DEFAULT_MAX_ROWS = 100_000_000
DEFAULT_MAX_SCALE = 100.0
DEFAULT_MAX_COLUMNS = 2_000
DEFAULT_MAX_TABLES = 200
DEFAULT_JOB_TIMEOUT = 6 * 3600.0
DEFAULT_AUDIT_LOGIN_WINDOW = 60.0
DEFAULT_MLFLOW_UI = "http://127.0.0.1:5000"
_PREFIXES = ("SYNDATA_", "MLFLOW_")


_GIVEN: ContextVar[bool] = ContextVar("syndata_settings_given", default=False)


def _var(name: str, default: Any, doc: str) -> Any:
    return Field(default, validation_alias=name, description=doc)


class Settings(BaseSettings):
    """Every setting, one field per environment variable (its name is the field's alias).

    A pydantic-settings model: ``Settings()`` reads the environment itself; the product
    reads it through ``get_settings()`` (parsed once per environment, every bad variable
    reported with its fix).
    """

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", populate_by_name=True, case_sensitive=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment, unless ``from_environ`` gives the values itself."""
        return (init_settings,) if _GIVEN.get() else (init_settings, env_settings)

    # where things live
    home: Path = _var(HOME_VAR, Path(".syndata"), "The data folder (created on first use).")
    mlflow_tracking_uri: str | None = _var(
        MLFLOW_TRACKING_URI_VAR, None, "An MLflow server; unset: SQLite under the home."
    )
    mlflow_ui_url: str = _var(MLFLOW_UI_VAR, DEFAULT_MLFLOW_UI, "The MLflow UI the UI links to.")
    jobs_url: str | None = _var(JOBS_URL_VAR, None, "The job store; unset: SQLite under the home.")
    broker_url: str | None = _var(
        BROKER_URL_VAR, None, "Celery broker, e.g. redis://127.0.0.1:6379/0; unset: embedded pool."
    )
    audit_log: Path | None = _var(AUDIT_LOG_VAR, None, "The audit log; unset: audit.log in home.")
    # secrets (never shown)
    masking_secret: SecretStr | None = _var(
        MASKING_SECRET_VAR, None, "Key of 'hash' and 'fake' (16+ characters); unset: a key file."
    )
    masking_secret_file: Path | None = _var(
        MASKING_SECRET_FILE_VAR, None, "The generated masking key; unset: secrets/masking.key."
    )
    encryption_key: SecretStr | None = _var(
        ENCRYPTION_KEY_VAR, None, "AES-SIV key of 'encrypt' (base64, 32/48/64 bytes)."
    )
    encryption_key_file: Path | None = _var(
        ENCRYPTION_KEY_FILE_VAR,
        None,
        "The generated encryption key; unset: secrets/encryption.key.",
    )
    audit_key: SecretStr | None = _var(AUDIT_KEY_VAR, None, "HMAC key of the audit log.")
    audit_key_file: Path | None = _var(
        AUDIT_KEY_FILE_VAR, None, "The generated audit key; unset: secrets/audit.key."
    )
    # the service and its clients
    api_url: str | None = _var(API_URL_VAR, None, "The REST API the CLI and the UI talk to.")
    api_key: SecretStr | None = _var(API_KEY_VAR, None, "API key for SYNDATA_API_URL.")
    auth: bool = _var(AUTH_VAR, True, "'off' turns the API's authentication off.")
    max_upload_mb: float = _var(MAX_UPLOAD_VAR, 200.0, "Largest upload in megabytes.")
    rate_limit: int = _var(RATE_LIMIT_VAR, 6000, "Requests per minute per API key.")
    log_level: str = _var(LOG_LEVEL_VAR, "INFO", "Level of the API's JSON log.")
    actor: str | None = _var(ACTOR_VAR, None, "Who the audit log names for local commands.")
    # jobs
    partition_rows: int = _var(PARTITION_ROWS_VAR, 1_000_000, "Sample jobs split above this.")
    heartbeat_timeout: float = _var(HEARTBEAT_TIMEOUT_VAR, 30.0, "Seconds to a dead worker.")
    max_active_jobs_per_project: int = _var(
        MAX_ACTIVE_JOBS_PER_PROJECT_VAR, 50, "Queued plus running jobs of one project."
    )
    max_active_jobs_per_key: int = _var(
        MAX_ACTIVE_JOBS_PER_KEY_VAR, 20, "Queued plus running jobs of one API key."
    )
    job_timeout: float = _var(JOB_TIMEOUT_VAR, DEFAULT_JOB_TIMEOUT, "Seconds per job attempt.")
    # limits of one request or job
    max_rows: int = _var(MAX_ROWS_VAR, DEFAULT_MAX_ROWS, "Rows per table per job.")
    max_scale: float = _var(MAX_SCALE_VAR, DEFAULT_MAX_SCALE, "Largest scale of a schema sample.")
    max_columns: int = _var(MAX_COLUMNS_VAR, DEFAULT_MAX_COLUMNS, "Columns per table.")
    max_tables: int = _var(MAX_TABLES_VAR, DEFAULT_MAX_TABLES, "Tables per config or schema.")
    # privacy and plug-ins
    rare_k: int = _var(RARE_K_VAR, 5, "Smallest count a category needs to be shown (1-1000).")
    audit_login_window: float = _var(
        AUDIT_LOGIN_WINDOW_VAR, DEFAULT_AUDIT_LOGIN_WINDOW, "Seconds of one failed-sign-in line."
    )
    rule_plugins: dict[str, str] = _var(
        RULE_PLUGINS_VAR, {}, "Allowed custom rules: name=package.module:Class,..."
    )

    _LIMITS: ClassVar[dict[str, tuple[float, type[int] | type[float]]]] = {
        MAX_ROWS_VAR: (DEFAULT_MAX_ROWS, int),
        MAX_SCALE_VAR: (DEFAULT_MAX_SCALE, float),
        MAX_COLUMNS_VAR: (DEFAULT_MAX_COLUMNS, int),
        MAX_TABLES_VAR: (DEFAULT_MAX_TABLES, int),
        JOB_TIMEOUT_VAR: (DEFAULT_JOB_TIMEOUT, float),
    }

    @field_validator("mlflow_tracking_uri", "jobs_url", "broker_url", "actor", mode="before")
    @classmethod
    def _blank_is_unset(cls, raw: object) -> str | None:
        return check.text(raw)

    @field_validator("api_url", mode="before")
    @classmethod
    def _base_url(cls, raw: object) -> str | None:
        return (check.text(raw) or "").rstrip("/") or None

    @field_validator("mlflow_ui_url", mode="before")
    @classmethod
    def _ui_url(cls, raw: object) -> str:
        return (check.text(raw) or DEFAULT_MLFLOW_UI).rstrip("/")

    @field_validator("auth", mode="before")
    @classmethod
    def _auth(cls, raw: object) -> bool:
        return (check.text(raw) or "").lower() != "off"

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, raw: object) -> str:
        return str(raw).upper()

    @field_validator("masking_secret", mode="before")
    @classmethod
    def _masking_secret(cls, raw: object) -> str | None:
        value = str(raw) if raw is not None else ""
        if value and len(value) < MIN_SECRET_LENGTH:
            var = MASKING_SECRET_VAR
            raise check.BadValue(
                Problem(
                    var,
                    f"{var} is shorter than {MIN_SECRET_LENGTH} characters; the "
                    "'hash' and 'fake' operators need a long secret key",
                    f"set {var} to a long random string, e.g. the output of "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`, or unset it "
                    "to use a generated one",
                )
            )
        return value or None

    @field_validator("encryption_key", mode="before")
    @classmethod
    def _aes_siv_key(cls, raw: object) -> str | None:
        if raw:
            check.encryption_key(str(raw), ENCRYPTION_KEY_VAR)  # BadValue when not a key
        return str(raw) if raw else None

    @field_validator("audit_key", "api_key", mode="before")
    @classmethod
    def _unset_when_empty(cls, raw: object) -> str | None:
        return str(raw) if raw else None

    @field_validator(
        "partition_rows", "max_active_jobs_per_project", "max_active_jobs_per_key", mode="before"
    )
    @classmethod
    def _count(cls, raw: object, info: pydantic.ValidationInfo) -> int:
        var = _alias(info.field_name)
        default = cls.model_fields[str(info.field_name)].default
        noun = "rows" if var == PARTITION_ROWS_VAR else "jobs"
        return check.whole_number(var, str(raw), f"set {var} to a number of {noun}, e.g. {default}")

    @field_validator("rare_k", mode="before")
    @classmethod
    def _rare_k(cls, raw: object) -> int:
        fix = (
            f"set {RARE_K_VAR} to the smallest count a category needs "
            "to be shown and learned, e.g. 5, or unset it"
        )
        return check.whole_number(RARE_K_VAR, str(raw), fix, hi=1_000)

    @field_validator(
        "max_rows", "max_scale", "max_columns", "max_tables", "job_timeout", mode="before"
    )
    @classmethod
    def _limit(cls, raw: object, info: pydantic.ValidationInfo) -> float:
        var = _alias(info.field_name)
        default, kind = cls._LIMITS[var]
        return check.positive_number(var, str(raw), default, kind)

    @field_validator("heartbeat_timeout", "max_upload_mb", mode="before")
    @classmethod
    def _above_zero(cls, raw: object, info: pydantic.ValidationInfo) -> float:
        var = _alias(info.field_name)
        value = check.number(var, str(raw))
        if not value > 0:
            default = cls.model_fields[str(info.field_name)].default
            raise check.BadValue(
                Problem(var, f"{var} must be above 0", f"set {var}={default:g} or unset it")
            )
        return value

    @field_validator("rate_limit", mode="before")
    @classmethod
    def _rate(cls, raw: object) -> int:
        var = RATE_LIMIT_VAR
        value = check.number(var, str(raw))
        if value < 1 or value != int(value):
            raise check.BadValue(
                Problem(
                    var,
                    f"{var} must be a whole number of requests per minute, at least 1",
                    f"set {var}=6000 or unset it",
                )
            )
        return int(value)

    @field_validator("audit_login_window", mode="before")
    @classmethod
    def _login_window(cls, raw: object) -> float:
        var, text = AUDIT_LOGIN_WINDOW_VAR, str(raw)
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not 1 <= value <= 86400:  # also refuses NaN
            raise check.BadValue(
                Problem(
                    var,
                    f"{var} must be a number of seconds from 1 to 86400, not {text[:40]!r}",
                    f"set {var}=60 or unset it",
                )
            )
        return value

    @field_validator("rule_plugins", mode="before")
    @classmethod
    def _plugins(cls, raw: object) -> dict[str, str]:
        return raw if isinstance(raw, dict) else check.plugin_list(RULE_PLUGINS_VAR, str(raw))

    @classmethod
    def from_environ(cls, environ: dict[str, str]) -> tuple[Settings, dict[str, Problem]]:
        """The settings of ``environ``, and the problem of every bad variable.

        Blank variables count as unset. A bad variable keeps its default in the settings
        returned; its problem is reported under its name.
        """
        given = {k: v.strip() for k, v in environ.items() if k in _ALIASES and v.strip()}
        for var in (MASKING_SECRET_VAR, AUDIT_KEY_VAR):  # a secret's exact text is the key
            if var in given:
                given[var] = environ[var]
        problems: dict[str, Problem] = {}
        token = _GIVEN.set(True)  # the values are these, not the process environment's
        try:
            try:
                return cls.model_validate(given), problems
            except pydantic.ValidationError as exc:
                for error in exc.errors():
                    var = str(error["loc"][0])
                    cause = error.get("ctx", {}).get("error")
                    problems[var] = (
                        cause.problem
                        if isinstance(cause, check.BadValue)
                        else Problem(var, f"{var}: {error['msg']}", f"fix {var} or unset it")
                    )
            rest = {k: v for k, v in given.items() if k not in problems}
            return cls.model_validate(rest), problems
        finally:
            _GIVEN.reset(token)


_ALIASES = frozenset(str(f.validation_alias) for f in Settings.model_fields.values())


def _alias(field: str | None) -> str:
    return str(Settings.model_fields[str(field)].validation_alias)


def _environment() -> tuple[tuple[str, str], ...]:
    """The one read of the process environment: the variables the settings know."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(_PREFIXES)))


@functools.lru_cache(maxsize=16)
def _parsed(environ: tuple[tuple[str, str], ...]) -> tuple[Settings, dict[str, Problem]]:
    return Settings.from_environ(dict(environ))


def get_settings() -> Settings:
    """The settings of this process; ConfigError naming every bad variable and its fix."""
    found, problems = _parsed(_environment())
    if problems:
        raise ConfigError(list(problems.values()), "the environment")
    return found


def checked(*fields: str) -> Settings:
    """The settings, after checking only the variables of ``fields``.

    ConfigError names those of them that are bad; other bad variables keep their
    defaults here (``get_settings()`` refuses them all).
    """
    found, problems = _parsed(_environment())
    bad = [problems[_alias(f)] for f in fields if _alias(f) in problems]
    if bad:
        raise ConfigError(bad)
    return found


def reset_settings() -> None:
    """Forget the parsed settings (tests that change the environment in place)."""
    _parsed.cache_clear()


def environ_value(var: str) -> str:
    """The stripped text of ``var`` (empty when unset), for a variable no field holds."""
    return dict(_environment()).get(var, "").strip()
