"""Appending to the audit log: ``record`` one line, and ``ensure_key`` before the first."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syndata import settings
from syndata.errors import OutputError
from syndata.privacy.audit.anchoring import anchored_tail, set_anchor
from syndata.privacy.audit.fields import line_fields
from syndata.privacy.audit.keys import KeySource, file_key, writer_key
from syndata.privacy.audit.lines import (
    PLAIN,
    cannot_write,
    chained,
    last_record,
    line_bytes,
    read_tail,
)
from syndata.privacy.keyfile import write_all


def record(
    action: str,
    *,
    actor: str | None = None,
    job_id: str | None = None,
    model: str | None = None,
    dataset: str | None = None,
    fingerprint: str | None = None,
    rows: Mapping[str, int] | int | None = None,
    outcome: str = "ok",
    details: Mapping[str, Any] | None = None,
    path: Path | None = None,
) -> dict[str, Any]:
    """Append one line to the audit log and return it as written.

    ``action`` is one of ``ACTIONS`` and ``outcome`` one of ``OUTCOMES``. ``actor``
    defaults to ``SYNDATA_ACTOR``, else the OS user. ``model`` names a model version,
    ``dataset`` and ``fingerprint`` the data (see ``fingerprint()``), ``rows`` the row
    count, or counts per table. ``details`` holds plain settings only (see the module
    docstring); a ``ValueError`` names any value that is not plain. ``path`` defaults to
    ``settings.audit_log_path()``. Raises ``OutputError`` when the log cannot be written.
    """
    fields = line_fields(
        action,
        actor=actor,
        job_id=job_id,
        model=model,
        dataset=dataset,
        fingerprint=fingerprint,
        rows=rows,
        outcome=outcome,
        details=details,
    )
    target = (path if path is not None else settings.audit_log_path()).resolve()
    key = writer_key()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise OutputError(cannot_write(target, exc)) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        url = settings.jobs_url()
        tail = anchored_tail(target, read_tail(fd), url)
        entry = chained(fields, tail, key)
        write_all(fd, (b"\n" if tail.unterminated else b"") + line_bytes(entry))
        os.fsync(fd)
        set_anchor(target, entry, url)  # still under the lock: anchors follow the file
    except OSError as exc:
        raise OutputError(cannot_write(target, exc)) from exc
    finally:
        os.close(fd)  # also releases the lock
    return entry


def ensure_key(path: Path | None = None) -> KeySource:
    """Make sure the lines written from now on are keyed, and say with which key.

    ``SYNDATA_AUDIT_KEY`` when set; else the key file, generated now when missing. When it
    is generated for a log that already holds unkeyed records (written before keys were
    the default), a ``settings_changed`` record is appended at once: it is keyed and links
    to them, so they cannot be rewritten unnoticed from then on. Raises ``OutputError``
    when the key file cannot be created.
    """
    if settings.audit_key():
        return KeySource(settings.AUDIT_KEY_VAR, None, created=False)
    key_file = settings.audit_key_file()
    _, created = file_key(key_file, create=True)
    sealed = False
    if created:
        target = (path if path is not None else settings.audit_log_path()).resolve()
        last = last_record(target)
        if last is not None and last.get("alg") == PLAIN:
            record(
                "settings_changed",
                actor="syndata",
                path=target,
                details={
                    "setting": "audit_key",
                    "change": "generated",
                    "unkeyed_records": int(last["seq"]),
                },
            )
            sealed = True
    return KeySource("file", key_file, created=created, sealed=sealed)
