"""The audit key: ``SYNDATA_AUDIT_KEY``, else a key file generated for the installation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from syndata import settings
from syndata.privacy.keyfile import KeyFile


@dataclass(frozen=True)
class KeySource:
    """Which key keys the lines: ``SYNDATA_AUDIT_KEY`` or the generated key ``file``.

    ``path`` is the key file (None for the variable); ``created`` is True when the file was
    generated just now, ``sealed`` when a record was then appended to seal older unkeyed
    records (see ``ensure_key``).
    """

    source: str
    path: Path | None
    created: bool
    sealed: bool = False


def writer_key() -> bytes:
    """The key of the lines written now: ``SYNDATA_AUDIT_KEY``, else the key file.

    The key file is generated on first use (see ``_file_key``); every line is keyed.
    """
    chosen = settings.audit_key()
    if chosen:
        return chosen.encode("utf-8")
    key, _ = file_key(settings.audit_key_file(), create=True)
    assert key is not None
    return key


def reader_key(key: str | bytes | None) -> bytes | None:
    """The key to verify with: ``key``, else the variable, else an existing key file."""
    chosen = key if key else settings.audit_key()
    if chosen:
        return chosen.encode("utf-8") if isinstance(chosen, str) else chosen
    found, _ = file_key(settings.audit_key_file(), create=False)
    return found


def _audit_key_file(path: Path) -> KeyFile:
    return KeyFile(
        path,
        "the audit key",
        fix=f"set {settings.AUDIT_KEY_FILE_VAR} to the key file (or a writable "
        f"place for a new one), or set {settings.AUDIT_KEY_VAR}; to start a "
        "new log, move both the log and the key file away",
        notice="keep it and back it up apart from the log",
    )


def file_key(path: Path, *, create: bool) -> tuple[bytes | None, bool]:
    """The audit key in ``path`` and whether it was generated now (``syndata.privacy.keyfile``)."""
    return _audit_key_file(path).read(create=create)
