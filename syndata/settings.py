"""Settings read from the environment, in one place.

``SYNDATA_HOME`` (default ``./.syndata``) holds everything the embedded defaults store:
the MLflow SQLite store and artifacts, the job store, outputs, logs and the audit log.
``MLFLOW_TRACKING_URI`` points the model store at an MLflow server instead.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
from pathlib import Path

from syndata.errors import ConfigError, Problem


def home() -> Path:
    """The data folder (created on first use)."""
    path = Path(os.environ.get("SYNDATA_HOME", ".syndata")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def private_files() -> None:
    """Make what this process creates private: umask 077, the data folder 0700.

    Called by the service commands (``serve``, ``worker``): job stores, uploads, outputs,
    models and logs are then 0600 files in 0700 folders.
    """
    os.umask(0o077)
    folder = home()
    with contextlib.suppress(OSError):  # not ours (a mounted volume): its owner decides
        folder.chmod(0o700)


def mlflow_tracking_uri() -> str:
    """The MLflow tracking store: ``MLFLOW_TRACKING_URI`` or SQLite under the home."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{home() / 'mlflow.db'}"


def mlflow_artifact_root() -> str:
    """Where the embedded MLflow store keeps artifacts."""
    return (home() / "mlartifacts").as_uri()


def audit_log_path() -> Path:
    """The append-only audit log: ``SYNDATA_AUDIT_LOG`` or ``audit.log`` under the home."""
    override = os.environ.get("SYNDATA_AUDIT_LOG")
    if override:
        return Path(override).expanduser().resolve()
    return home() / "audit.log"


MASKING_SECRET_VAR = "SYNDATA_MASKING_SECRET"
ENCRYPTION_KEY_VAR = "SYNDATA_ENCRYPTION_KEY"
MIN_SECRET_LENGTH = 16
ENCRYPTION_KEY_SIZES = (32, 48, 64)  # bytes of an AES-SIV key: AES-128, -192 or -256


MASKING_SECRET_FILE_VAR = "SYNDATA_MASKING_SECRET_FILE"
ENCRYPTION_KEY_FILE_VAR = "SYNDATA_ENCRYPTION_KEY_FILE"


def _secret_file(var: str, name: str) -> Path:
    override = os.environ.get(var)
    return Path(override).expanduser().resolve() if override else home() / "secrets" / name


def masking_secret() -> bytes:
    """The secret keying the ``hash`` and ``fake`` masking operators.

    ``SYNDATA_MASKING_SECRET`` when set (ConfigError naming it when shorter than 16
    characters); else the key file ``secrets/masking.key`` under the home (or
    ``SYNDATA_MASKING_SECRET_FILE``), generated 0600 on first use with a notice. Keep it
    stable: the same secret gives the same masked values across tables and runs, so
    masked keys still join.
    """
    from syndata.privacy.keyfile import KeyFile

    value = os.environ.get(MASKING_SECRET_VAR, "")
    if not value:
        key, _ = KeyFile(
            _secret_file(MASKING_SECRET_FILE_VAR, "masking.key"),
            "the masking secret",
            fix=f"set {MASKING_SECRET_FILE_VAR} to the file, or set {MASKING_SECRET_VAR}",
            notice="keep it and back it up: the same secret gives the same masked values "
            "across runs, so masked keys still join",
            level=logging.WARNING,
        ).read(create=True)
        assert key is not None
        return key
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(
            [
                Problem(
                    MASKING_SECRET_VAR,
                    f"{MASKING_SECRET_VAR} is shorter than {MIN_SECRET_LENGTH} characters; the "
                    "'hash' and 'fake' operators need a long secret key",
                    f"set {MASKING_SECRET_VAR} to a long random string, e.g. the output of "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`, or unset it "
                    "to use a generated one",
                )
            ]
        )
    return value.encode("utf-8")


def encryption_key() -> bytes:
    """The AES-SIV key of the ``encrypt`` and ``decrypt`` operators.

    ``SYNDATA_ENCRYPTION_KEY`` when set (base64 of 32, 48 or 64 bytes; ConfigError naming
    it when it is not such a key); else the key file ``secrets/encryption.key`` under the
    home (or ``SYNDATA_ENCRYPTION_KEY_FILE``), generated 0600 on first use (64 bytes:
    AES-256-SIV) with a notice. Without it, encrypted values cannot be decrypted.
    """
    from syndata.privacy.keyfile import KeyFile

    value = os.environ.get(ENCRYPTION_KEY_VAR, "")
    where = ENCRYPTION_KEY_VAR
    if not value:
        path = _secret_file(ENCRYPTION_KEY_FILE_VAR, "encryption.key")
        text, _ = KeyFile(
            path,
            "the encryption key",
            fix=f"set {ENCRYPTION_KEY_FILE_VAR} to the file, or set {ENCRYPTION_KEY_VAR}",
            notice="keep it and back it up: encrypted values cannot be decrypted without it",
            make=lambda: base64.b64encode(os.urandom(64)).decode("ascii"),
            level=logging.WARNING,
        ).read(create=True)
        assert text is not None
        value, where = text.decode("ascii", errors="replace"), str(path)
    key, problem = decode_encryption_key(value, where)
    if problem is not None:
        raise ConfigError([problem])
    return key


def decode_encryption_key(
    value: str, where: str = ENCRYPTION_KEY_VAR
) -> tuple[bytes, Problem | None]:
    """Decode a base64 AES-SIV key: ``(key, None)``, or ``(b"", problem)`` when invalid."""
    fix = (
        "generate a key with `python -c 'import base64, os; "
        "print(base64.b64encode(os.urandom(64)).decode())'` and keep it safe"
    )
    text = value.strip()
    if not text:
        return b"", Problem(where, f"{where} is not set; 'encrypt' and 'decrypt' need a key", fix)
    urlsafe = "-" in text or "_" in text
    try:
        key = base64.b64decode(
            text + "=" * (-len(text) % 4), altchars=b"-_" if urlsafe else None, validate=True
        )
    except (binascii.Error, ValueError):
        return b"", Problem(where, f"{where} is not valid base64", fix)
    if len(key) not in ENCRYPTION_KEY_SIZES:
        sizes = ", ".join(map(str, ENCRYPTION_KEY_SIZES))
        return b"", Problem(
            where, f"{where} decodes to {len(key)} bytes; an AES-SIV key has {sizes} bytes", fix
        )
    return key, None


# ------------------------------------------------------------------ the service's address
# The CLI and the UI talk to the REST API at SYNDATA_API_URL with the key SYNDATA_API_KEY.

API_URL_VAR = "SYNDATA_API_URL"
API_KEY_VAR = "SYNDATA_API_KEY"


def service_url() -> str | None:
    """The service's base URL from ``SYNDATA_API_URL`` (no trailing slash), or None."""
    url = os.environ.get(API_URL_VAR, "").strip()
    return url.rstrip("/") or None


def service_key() -> str | None:
    """The API key from ``SYNDATA_API_KEY``, or None."""
    return os.environ.get(API_KEY_VAR, "").strip() or None


def jobs_url() -> str:
    """The job store: ``SYNDATA_JOBS_URL`` (e.g. a PostgreSQL URL) or SQLite under the home."""
    return os.environ.get("SYNDATA_JOBS_URL") or f"sqlite:///{home() / 'jobs.db'}"


def broker_url() -> str | None:
    """The Celery broker (``SYNDATA_BROKER_URL``, e.g. ``redis://127.0.0.1:6379/0``).

    Unset means the embedded worker pool of ``syndata serve`` runs the jobs.
    """
    return os.environ.get("SYNDATA_BROKER_URL") or None


def jobs_dir() -> Path:
    """Where job outputs live: one folder per job id."""
    path = home() / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def uploads_dir() -> Path:
    """Where uploaded datasets and configs live (stored under generated ids, never user names)."""
    path = home() / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def partition_rows() -> int:
    """Sample jobs above this many rows are split into partitions of this size."""
    return int(os.environ.get("SYNDATA_PARTITION_ROWS", "1000000"))


def heartbeat_timeout() -> float:
    """Seconds without a heartbeat after which a running job's worker counts as dead."""
    return float(os.environ.get("SYNDATA_HEARTBEAT_TIMEOUT", "30"))


# ---------------------------------------------------------------- projects: active-job limits

MAX_ACTIVE_JOBS_PER_PROJECT_VAR = "SYNDATA_MAX_ACTIVE_JOBS_PER_PROJECT"
MAX_ACTIVE_JOBS_PER_KEY_VAR = "SYNDATA_MAX_ACTIVE_JOBS_PER_KEY"


def whole_number_setting(
    var: str, default: int, fix: str, *, lo: int = 1, hi: int | None = None
) -> int:
    """The whole number in ``var`` (``default`` when unset), from ``lo`` to ``hi``.

    Raises ConfigError naming the variable, with ``fix`` as the way out, otherwise.
    """
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = lo - 1
    if value < lo or (hi is not None and value > hi):
        span = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
        raise ConfigError([Problem(var, f"{var}={raw[:40]!r} is not a whole number {span}", fix)])
    return value


def _positive_setting(var: str, default: int) -> int:
    return whole_number_setting(var, default, f"set {var} to a number of jobs, e.g. {default}")


def max_active_jobs_per_project() -> int:
    """Queued plus running jobs one project may have at once (a split job counts once)."""
    return _positive_setting(MAX_ACTIVE_JOBS_PER_PROJECT_VAR, 50)


def max_active_jobs_per_key() -> int:
    """Queued plus running jobs one API key may have at once (a split job counts once)."""
    return _positive_setting(MAX_ACTIVE_JOBS_PER_KEY_VAR, 20)


# --------------------------------------------------------------------------- plug-ins
# Custom rule plug-ins a config may name, besides the entry points of group
# ``syndata.rules``: an allow-list the admin sets. Reading it imports nothing.

RULE_PLUGINS_VAR = "SYNDATA_RULE_PLUGINS"
_PLUGIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_PLUGIN_TARGET = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def rule_plugins() -> dict[str, str]:
    """The admin's plug-in allow-list: ``SYNDATA_RULE_PLUGINS=name=module:Class,...``.

    Returns ``{name: "module:Class"}``; raises ConfigError naming the variable when an
    entry is not ``name=package.module:Class``. Nothing is imported here.
    """
    raw = os.environ.get(RULE_PLUGINS_VAR, "")
    plugins: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        name, sep, target = (s.strip() for s in item.partition("="))
        if not sep or not _PLUGIN_NAME.fullmatch(name) or not _PLUGIN_TARGET.fullmatch(target):
            raise ConfigError(
                [
                    Problem(
                        RULE_PLUGINS_VAR,
                        f"{RULE_PLUGINS_VAR} entry {item[:80]!r} is not name=package.module:Class",
                        f"set {RULE_PLUGINS_VAR} to comma-separated entries such as "
                        "'sku=mypkg.rules:SkuRule' (a name of letters, digits, '_' or '-')",
                    )
                ]
            )
        plugins[name] = target
    return plugins


# --------------------------------------------------------------------------- limits
# Bounds on the work one request or job may ask for. Each has a default an admin can
# raise by setting the variable; a refusal names the limit and the variable.

MAX_ROWS_VAR = "SYNDATA_MAX_ROWS"
MAX_SCALE_VAR = "SYNDATA_MAX_SCALE"
MAX_COLUMNS_VAR = "SYNDATA_MAX_COLUMNS"
MAX_TABLES_VAR = "SYNDATA_MAX_TABLES"
DEFAULT_MAX_ROWS = 100_000_000
DEFAULT_MAX_SCALE = 100.0
DEFAULT_MAX_COLUMNS = 2_000
DEFAULT_MAX_TABLES = 200


def _limit(var: str, default: float, kind: type[int] | type[float]) -> float:
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw.replace("_", ""))
    except ValueError:
        value = 0
    if not value > 0 or value != value or value == float("inf"):
        raise ConfigError(
            [
                Problem(
                    var,
                    f"{var} must be a positive number, got {raw[:40]!r}",
                    f"set {var} to a positive number, or unset it for the default ({default:,})",
                )
            ]
        )
    return value


def max_rows() -> int:
    """Rows per table per job (``SYNDATA_MAX_ROWS``, default 100,000,000)."""
    return int(_limit(MAX_ROWS_VAR, DEFAULT_MAX_ROWS, int))


def max_scale() -> float:
    """The largest ``scale`` of a schema sample (``SYNDATA_MAX_SCALE``, default 100)."""
    return float(_limit(MAX_SCALE_VAR, DEFAULT_MAX_SCALE, float))


JOB_TIMEOUT_VAR = "SYNDATA_JOB_TIMEOUT"
DEFAULT_JOB_TIMEOUT = 6 * 3600.0


def job_timeout() -> float:
    """Seconds one attempt of a job may run before it is failed (``SYNDATA_JOB_TIMEOUT``, 6 h)."""
    return float(_limit(JOB_TIMEOUT_VAR, DEFAULT_JOB_TIMEOUT, float))


def max_columns() -> int:
    """Columns per uploaded table and per config table (``SYNDATA_MAX_COLUMNS``, 2,000)."""
    return int(_limit(MAX_COLUMNS_VAR, DEFAULT_MAX_COLUMNS, int))


def max_tables() -> int:
    """Tables per config or fitted schema (``SYNDATA_MAX_TABLES``, default 200)."""
    return int(_limit(MAX_TABLES_VAR, DEFAULT_MAX_TABLES, int))


def over_limit(path: str, what: str, value: float, limit: float, var: str) -> Problem:
    """The problem of ``value`` above ``limit``: names the limit and how to raise it."""

    def text(number: float) -> str:
        if float(number).is_integer() and abs(number) < 1e18:
            return f"{int(number):,}"
        return f"{number:g}"

    return Problem(
        path,
        f"{what} {text(value)} is over the limit of {text(limit)} ({var})",
        f"ask for at most {text(limit)}, or have an admin raise the limit by setting {var}",
    )


# --------------------------------------------------------------------------- audit
# The audit log's HMAC key, when none is given: generated once per installation and kept
# apart from the log. Failed sign-ins are written as one line per client and window.

AUDIT_KEY_VAR = "SYNDATA_AUDIT_KEY"
AUDIT_KEY_FILE_VAR = "SYNDATA_AUDIT_KEY_FILE"
AUDIT_LOGIN_WINDOW_VAR = "SYNDATA_AUDIT_LOGIN_WINDOW"
DEFAULT_AUDIT_LOGIN_WINDOW = 60.0


def audit_key_file() -> Path:
    """The generated audit key: ``SYNDATA_AUDIT_KEY_FILE`` or ``secrets/audit.key`` under the home.

    Used only when ``SYNDATA_AUDIT_KEY`` is not set. Back it up apart from the log: the log
    cannot be verified without it.
    """
    override = os.environ.get(AUDIT_KEY_FILE_VAR)
    if override:
        return Path(override).expanduser().resolve()
    return home() / "secrets" / "audit.key"


def audit_login_window() -> float:
    """Seconds over which failed sign-ins of one client make one audit line (default 60).

    Read from ``SYNDATA_AUDIT_LOGIN_WINDOW``; raise ConfigError naming the variable when it
    is not a number between 1 and 86400.
    """
    raw = os.environ.get(AUDIT_LOGIN_WINDOW_VAR, "").strip()
    if not raw:
        return DEFAULT_AUDIT_LOGIN_WINDOW
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 1 <= value <= 86400:  # also refuses NaN
        raise ConfigError(
            [
                Problem(
                    AUDIT_LOGIN_WINDOW_VAR,
                    f"{AUDIT_LOGIN_WINDOW_VAR} must be a number of seconds from 1 to 86400, "
                    f"not {raw[:40]!r}",
                    f"set {AUDIT_LOGIN_WINDOW_VAR}=60 or unset it",
                )
            ]
        )
    return value
