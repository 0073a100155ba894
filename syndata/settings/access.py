"""Accessors of single settings, for the modules that ask for one value at a time.

Each is a thin reader of one ``Settings`` field (``checked(field)``): it raises a
``ConfigError`` for its own variable only. Folders are created on first use; the
secrets fall back to key files generated under the home.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
from pathlib import Path

from syndata.errors import ConfigError, Problem
from syndata.settings import values as check
from syndata.settings.model import (
    ENCRYPTION_KEY_FILE_VAR,
    ENCRYPTION_KEY_VAR,
    MASKING_SECRET_FILE_VAR,
    MASKING_SECRET_VAR,
    checked,
    environ_value,
)


def _resolved(path: Path | None) -> Path | None:
    """A path from a setting, made absolute (now: relative to the current folder)."""
    return path.expanduser().resolve() if path is not None else None


def home() -> Path:
    """The data folder (created on first use)."""
    path = checked("home").home.expanduser().resolve()
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


def _folder(name: str) -> Path:
    path = home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def jobs_dir() -> Path:
    """Where job outputs live: one folder per job id."""
    return _folder("jobs")


def uploads_dir() -> Path:
    """Where uploaded datasets and configs live (stored under generated ids, never user names)."""
    return _folder("uploads")


def mlflow_tracking_uri() -> str:
    """The MLflow tracking store: ``MLFLOW_TRACKING_URI`` or SQLite under the home."""
    return checked("mlflow_tracking_uri").mlflow_tracking_uri or f"sqlite:///{home() / 'mlflow.db'}"


def mlflow_artifact_root() -> str:
    """Where the embedded MLflow store keeps artifacts."""
    return (home() / "mlartifacts").as_uri()


def mlflow_ui_url() -> str:
    """The MLflow UI the web UI links to: ``MLFLOW_UI_URL`` (default 127.0.0.1:5000)."""
    return checked("mlflow_ui_url").mlflow_ui_url


def audit_log_path() -> Path:
    """The append-only audit log: ``SYNDATA_AUDIT_LOG`` or ``audit.log`` under the home."""
    return _resolved(checked("audit_log").audit_log) or home() / "audit.log"


def audit_key_file() -> Path:
    """The generated audit key: ``SYNDATA_AUDIT_KEY_FILE`` or ``secrets/audit.key`` under the home.

    Used only when ``SYNDATA_AUDIT_KEY`` is not set. Back it up apart from the log: the log
    cannot be verified without it.
    """
    return _resolved(checked("audit_key_file").audit_key_file) or home() / "secrets" / "audit.key"


def audit_key() -> str | None:
    """``SYNDATA_AUDIT_KEY``, the HMAC key of the audit log, exactly as set (None: unset)."""
    found = checked("audit_key").audit_key
    return found.get_secret_value() if found is not None else None


def actor() -> str | None:
    """``SYNDATA_ACTOR``: who the audit log names for local commands (None: unset)."""
    return checked("actor").actor


def masking_secret() -> bytes:
    """The secret keying the ``hash`` and ``fake`` masking operators.

    ``SYNDATA_MASKING_SECRET`` when set (ConfigError naming it when shorter than 16
    characters); else the key file ``secrets/masking.key`` under the home (or
    ``SYNDATA_MASKING_SECRET_FILE``), generated 0600 on first use with a notice. Keep it
    stable: the same secret gives the same masked values across tables and runs, so
    masked keys still join.
    """
    from syndata.privacy.keyfile import KeyFile

    found = checked("masking_secret", "masking_secret_file")
    if found.masking_secret is not None:
        return found.masking_secret.get_secret_value().encode("utf-8")
    key, _ = KeyFile(
        _resolved(found.masking_secret_file) or home() / "secrets" / "masking.key",
        "the masking secret",
        fix=f"set {MASKING_SECRET_FILE_VAR} to the file, or set {MASKING_SECRET_VAR}",
        notice="keep it and back it up: the same secret gives the same masked values "
        "across runs, so masked keys still join",
        level=logging.WARNING,
    ).read(create=True)
    assert key is not None
    return key


def encryption_key() -> bytes:
    """The AES-SIV key of the ``encrypt`` and ``decrypt`` operators.

    ``SYNDATA_ENCRYPTION_KEY`` when set (base64 of 32, 48 or 64 bytes; ConfigError naming
    it when it is not such a key); else the key file ``secrets/encryption.key`` under the
    home (or ``SYNDATA_ENCRYPTION_KEY_FILE``), generated 0600 on first use (64 bytes:
    AES-256-SIV) with a notice. Without it, encrypted values cannot be decrypted.
    """
    from syndata.privacy.keyfile import KeyFile

    found = checked("encryption_key", "encryption_key_file")
    where = ENCRYPTION_KEY_VAR
    if found.encryption_key is not None:
        value = found.encryption_key.get_secret_value()
    else:
        path = _resolved(found.encryption_key_file) or home() / "secrets" / "encryption.key"
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
    try:
        return check.encryption_key(value, where), None
    except check.BadValue as exc:
        return b"", exc.problem


def service_url() -> str | None:
    """The service's base URL from ``SYNDATA_API_URL`` (no trailing slash), or None."""
    return checked("api_url").api_url


def service_key() -> str | None:
    """The API key from ``SYNDATA_API_KEY``, or None."""
    key = checked("api_key").api_key
    return key.get_secret_value() if key is not None else None


def jobs_url() -> str:
    """The job store: ``SYNDATA_JOBS_URL`` (e.g. a PostgreSQL URL) or SQLite under the home."""
    return checked("jobs_url").jobs_url or f"sqlite:///{home() / 'jobs.db'}"


def broker_url() -> str | None:
    """The Celery broker (``SYNDATA_BROKER_URL``, e.g. ``redis://127.0.0.1:6379/0``).

    Unset means the embedded worker pool of ``syndata serve`` runs the jobs.
    """
    return checked("broker_url").broker_url


def partition_rows() -> int:
    """Sample jobs above this many rows are split into partitions of this size."""
    return checked("partition_rows").partition_rows


def heartbeat_timeout() -> float:
    """Seconds without a heartbeat after which a running job's worker counts as dead."""
    return checked("heartbeat_timeout").heartbeat_timeout


def whole_number_setting(
    var: str, default: int, fix: str, *, lo: int = 1, hi: int | None = None
) -> int:
    """The whole number in ``var`` (``default`` when unset), from ``lo`` to ``hi``.

    Raises ConfigError naming the variable, with ``fix`` as the way out, otherwise.
    """
    raw = environ_value(var)
    if not raw:
        return default
    try:
        return check.whole_number(var, raw, fix, lo=lo, hi=hi)
    except check.BadValue as exc:
        raise ConfigError([exc.problem]) from None


def max_active_jobs_per_project() -> int:
    """Queued plus running jobs one project may have at once (a split job counts once)."""
    return checked("max_active_jobs_per_project").max_active_jobs_per_project


def max_active_jobs_per_key() -> int:
    """Queued plus running jobs one API key may have at once (a split job counts once)."""
    return checked("max_active_jobs_per_key").max_active_jobs_per_key


def rule_plugins() -> dict[str, str]:
    """The admin's plug-in allow-list: ``SYNDATA_RULE_PLUGINS=name=module:Class,...``.

    Returns ``{name: "module:Class"}``; raises ConfigError naming the variable when an
    entry is not ``name=package.module:Class``. Nothing is imported here.
    """
    return dict(checked("rule_plugins").rule_plugins)


def max_rows() -> int:
    """Rows per table per job (``SYNDATA_MAX_ROWS``, default 100,000,000)."""
    return int(checked("max_rows").max_rows)


def max_scale() -> float:
    """The largest ``scale`` of a schema sample (``SYNDATA_MAX_SCALE``, default 100)."""
    return float(checked("max_scale").max_scale)


def job_timeout() -> float:
    """Seconds one attempt of a job may run before it is failed (``SYNDATA_JOB_TIMEOUT``, 6 h)."""
    return float(checked("job_timeout").job_timeout)


def max_columns() -> int:
    """Columns per uploaded table and per config table (``SYNDATA_MAX_COLUMNS``, 2,000)."""
    return int(checked("max_columns").max_columns)


def max_tables() -> int:
    """Tables per config or fitted schema (``SYNDATA_MAX_TABLES``, default 200)."""
    return int(checked("max_tables").max_tables)


def audit_login_window() -> float:
    """Seconds over which failed sign-ins of one client make one audit line (default 60).

    Read from ``SYNDATA_AUDIT_LOGIN_WINDOW``; raise ConfigError naming the variable when it
    is not a number between 1 and 86400.
    """
    return checked("audit_login_window").audit_login_window


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
