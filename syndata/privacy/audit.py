"""The audit trail: one append-only, hash-chained JSON line per action on data or models.

``record(action, ...)`` appends a line; ``verify()`` checks the chain; ``entries()`` reads
lines back; ``fingerprint(frame)`` and ``file_fingerprint(path)`` name a dataset without
storing any of its values. The log lives at ``settings.audit_log_path()``
(``SYNDATA_AUDIT_LOG``, default ``$SYNDATA_HOME/audit.log``).

One line (keys in this order; ``torn`` only when a crashed write came just before)::

    {"v":1,"seq":2,"time":"2025-01-31T09:15:02.123456+00:00","actor":"ana","action":"fit",
     "outcome":"ok","job_id":"j-17","model":"adult:3","dataset":"adult.csv",
     "fingerprint":"9f2c…","rows":{"adult":32561},"details":{"model":"copula","seed":7},
     "alg":"hmac-sha256","prev":"<hash of line 1>","hash":"<64 hex digits>"}

``hash`` is HMAC-SHA256 under the audit key over the canonical JSON of the line without
``hash`` (sorted keys, no whitespace, ASCII), and ``alg`` is ``"hmac-sha256"``; ``prev`` is
the previous line's ``hash``, and the first line's ``prev`` is ``GENESIS`` (64 zeros).
``seq`` counts 1, 2, 3, ...

The key is ``SYNDATA_AUDIT_KEY`` when set, else a key generated for the installation on
first use and kept apart from the log: ``$SYNDATA_HOME/secrets/audit.key`` (folder 0700,
file 0600; ``SYNDATA_AUDIT_KEY_FILE`` may point elsewhere). Keep that file and back it up
apart from the log: without it the log cannot be verified, and whoever holds it can forge
lines. Every process of an installation must use the same key (all set the variable, or
none does).

Logs written before keys were the default hold unkeyed lines (``alg`` ``"sha256"``, plain
SHA-256). They still verify, honestly labelled: unkeyed lines are accepted only at the
start of a log, before its first keyed line, which links to them and so seals them (a
change to them breaks the chain there; ``verify`` names the lines in ``notes``). An
unkeyed line after a keyed one fails, and so does a log whose last lines are unkeyed while
a key exists: nothing seals them, so they may have been rewritten by someone without the
key (``ensure_key``, run by the server at start, seals such a log at once). Without any
key a plain log verifies with a warning that it is not tamper-evident.

The anchor (last ``seq`` and ``hash``) is kept outside the log, in the job store
(``syndata.privacy.anchor``), and moved with each append under the log's lock. ``verify``
checks the log against it, so a log cut at a line boundary, emptied, deleted, replaced or
rewritten fails. A writer that finds the file behind its anchor (cut short, emptied,
deleted) continues the chain after the anchor, so the gap stays visible. When the job
store cannot be reached the line is still written, the failure is logged and ``verify``
reports the anchor as stale (or, if it cannot read it either, fails with the reason).
``verify().anchor`` can also be kept elsewhere (a ticket, a remote log) and passed back as
``verify(anchor=...)`` (``syndata audit verify --expect SEQ:HASH``): that still holds when
someone can write both the log and the job store.

``details`` holds plain settings, never data: each value must be None, a bool, a finite
number, a string of at most ``MAX_TEXT`` characters, or a list of at most ``MAX_LIST`` of
those, and the whole of ``details`` at most ``MAX_DETAILS_BYTES`` as JSON. Anything else
(a DataFrame, a Series, an array, a nested dict, bytes, a long text) is refused with a
``ValueError``, so a table cannot be logged by accident. Short strings can still be
anything, so callers pass settings (column names, seeds, model names), not cell values.

What the chain protects against, and what it does not:

* Someone who can write the log but does not know the key cannot change, insert, move or
  delete a line, nor rewrite the chain with recomputed hashes, without ``verify`` noticing.
* With the anchor, neither can they cut records from the end, empty, delete or replace the
  log, unless they can also write the job store; an anchor kept elsewhere (``--expect``)
  covers that too, up to the point where it was noted.
* A crash mid-write leaves a torn last line, which is reported and then skipped.
* It proves nothing about events that were never recorded, trusts the writer's clock for
  ``time``, and does not hide anything: the log is plain text, created with mode 0600.
  Whoever holds the key (and can write the store) can forge the log.

Writers take an exclusive ``fcntl.flock`` on the log, read its tail, append one line with
``O_APPEND`` and ``fsync`` before releasing the lock, so processes can share one log (on a
local file system). If a writer crashed mid-line, the next writer ends that torn line and
chains its own line to the last complete one, declaring the skipped lines in ``torn``;
``verify`` accepts a torn line only when the next line declares it. To rotate the log,
point ``SYNDATA_AUDIT_LOG`` at a new file (e.g. one per month): each path has its own
anchor and chain. Moving the file away at the same path looks like a deletion, on purpose.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import hmac
import json
import logging
import math
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from syndata import settings
from syndata.errors import DataReadError, OutputError
from syndata.privacy.keyfile import KeyFile, write_all

FORMAT_VERSION = 1
GENESIS = "0" * 64  # the ``prev`` of the first line of a log
MAX_TEXT = 200  # characters in a string field or a details string
MAX_LIST = 100  # items in a details list
MAX_DETAILS_BYTES = 8192  # the whole of details, as canonical JSON
MAX_TABLES = 1000  # entries in a ``rows`` mapping

ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "upload": "real data was uploaded or registered as a source",
        "profile": "a table was profiled (statistics, kinds, PII findings)",
        "mask": "personal data in a table was masked or dropped",
        "fit": "a model was fitted on real data",
        "sample": "synthetic rows were sampled from a fitted model",
        "generate": "rows were generated from a config alone",
        "evaluate": "a quality or privacy report was computed",
        "download": "data, a model or a report left the platform",
        "delete": "a dataset, model, job or output was deleted",
        "register": "a model version was registered or given an alias",
        "login": "a user signed in",
        "login_failed": "a sign-in was refused",
        "logout": "a user signed out",
        "key_created": "an API key was created",
        "key_revoked": "an API key was revoked",
        "settings_changed": "a server or privacy setting was changed",
    }
)

OUTCOMES: Mapping[str, str] = MappingProxyType(
    {
        "ok": "the action succeeded",
        "failed": "the action was attempted and failed",
        "denied": "the action was refused (no permission, bad credentials)",
        "cancelled": "the action was stopped before it finished",
    }
)

_PLAIN = "sha256"
_KEYED = "hmac-sha256"
_TAIL_CHUNK = 64 * 1024
_READ_CHUNK = 1024 * 1024
_NOT_JSON = object()
_LOG = logging.getLogger("syndata.audit")


@dataclass(frozen=True)
class AuditVerification:
    """The result of ``verify``.

    ``ok`` is True when every line checked out. ``lines`` is the number of lines read (up
    to and including the first bad one), ``first_bad_line`` its 1-based number (None when
    ok, or when the problem is at the end, e.g. records missing before the anchor) and
    ``problem`` says in plain words what is wrong ("" when ok). ``last_seq`` and
    ``last_hash`` describe the last good record (0 and ``GENESIS`` for an empty log);
    ``torn_lines`` lists lines cut off by a crash that the chain skips, as declared.
    ``notes`` are warnings that do not fail the check (lines written without a key, an
    anchor behind the log, no anchor yet); ``unkeyed_lines`` counts the records written
    without a key; ``stored_anchor`` is the job store's anchor as read (None when there
    is none, or it was not read).
    """

    ok: bool
    lines: int
    first_bad_line: int | None
    problem: str
    last_seq: int
    last_hash: str
    torn_lines: tuple[int, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    unkeyed_lines: int = 0
    stored_anchor: tuple[int, str] | None = None

    @property
    def anchor(self) -> tuple[int, str]:
        """``(last_seq, last_hash)``: keep it elsewhere and pass it to a later ``verify``."""
        return (self.last_seq, self.last_hash)

    def __str__(self) -> str:
        warnings = "".join(f"; warning: {note}" for note in self.notes)
        if self.ok:
            return (
                f"audit log ok: {self.last_seq} records, last hash {self.last_hash}"
                + (f", torn lines skipped: {list(self.torn_lines)}" if self.torn_lines else "")
                + warnings
            )
        where = f" at line {self.first_bad_line}" if self.first_bad_line else ""
        return f"audit log NOT ok{where}: {self.problem}"


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


@dataclass(frozen=True)
class _Tail:
    """What a writer needs from the end of the log."""

    seq: int
    hash: str
    torn: int  # incomplete lines after the last complete record
    unterminated: bool  # the file does not end with a newline
    alg: str | None = None  # the last record's algorithm (None for an empty log)


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
    fields = _fields(
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
    key = _writer_key()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise OutputError(_cannot_write(target, exc)) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        url = settings.jobs_url()
        tail = _anchored_tail(target, _read_tail(fd), url)
        entry = _chained(fields, tail, key)
        write_all(fd, (b"\n" if tail.unterminated else b"") + _line(entry))
        os.fsync(fd)
        _set_anchor(target, entry, url)  # still under the lock: anchors follow the file
    except OSError as exc:
        raise OutputError(_cannot_write(target, exc)) from exc
    finally:
        os.close(fd)  # also releases the lock
    return entry


def verify(
    path: Path | None = None,
    *,
    key: str | bytes | None = None,
    anchor: tuple[int | None, str] | None = None,
    stored_anchor: bool = True,
) -> AuditVerification:
    """Recompute the hash chain of the audit log and report the first problem.

    ``key`` defaults to ``SYNDATA_AUDIT_KEY``, else the key file
    (``settings.audit_key_file()``, never created here). With ``stored_anchor`` the log is
    also checked against its anchor in the job store (``syndata.privacy.anchor``): records
    deleted from the end, an emptied, deleted, replaced or rewritten log fail. ``anchor``
    (``(seq, hash)``, or ``(None, hash)`` for "some record has this hash"), noted from an
    earlier ``verify().anchor`` and kept elsewhere, is checked the same way. Warnings that
    do not fail the check (unkeyed lines, a stale anchor) are in ``notes``. Raises
    ``DataReadError`` when the log exists but cannot be read.
    """
    target = (path if path is not None else settings.audit_log_path()).resolve()
    checker = _ChainChecker(_reader_key(key))
    if anchor is not None:
        checker.expect("the expected anchor", anchor[0], anchor[1])
    if stored_anchor:
        module = _anchor_module()
        try:
            stored = module.read(target)
        except module.StoreMissing as exc:
            checker.store_error, checker.store_missing = str(exc), True
        except module.AnchorError as exc:
            checker.store_error = str(exc)
        else:
            checker.stored = (stored.seq, stored.hash) if stored is not None else None
            if stored is not None:
                checker.expect("the job store's anchor", stored.seq, stored.hash)
    missing = False
    try:
        with target.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                failure = checker.feed(number, raw)
                if failure is not None:
                    return failure
    except FileNotFoundError:
        missing = True
    except OSError as exc:
        raise DataReadError(_cannot_read(target, exc)) from exc
    return checker.finish(
        target, missing=missing, stored_anchor=stored_anchor, expected=anchor is not None
    )


def parse_anchor(text: str) -> tuple[int | None, str]:
    """``"SEQ:HASH"`` or ``"HASH"`` (64 hex digits) as ``(seq or None, hash)``.

    Raises ``ValueError`` with the expected form when ``text`` is neither.
    """
    seq_text, sep, digest = text.strip().rpartition(":")
    digest = digest.lower()
    valid = len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    if valid and not sep:
        return None, digest
    if valid and seq_text.isdigit() and int(seq_text) > 0:
        return int(seq_text), digest
    raise ValueError(
        f"{text[:80]!r} is not an anchor: give SEQ:HASH (e.g. 42:9f2c...) or "
        "HASH, the 64 hex digits printed by `syndata audit verify`"
    )


def ensure_key(path: Path | None = None) -> KeySource:
    """Make sure the lines written from now on are keyed, and say with which key.

    ``SYNDATA_AUDIT_KEY`` when set; else the key file, generated now when missing. When it
    is generated for a log that already holds unkeyed records (written before keys were
    the default), a ``settings_changed`` record is appended at once: it is keyed and links
    to them, so they cannot be rewritten unnoticed from then on. Raises ``OutputError``
    when the key file cannot be created.
    """
    if os.environ.get(settings.AUDIT_KEY_VAR):
        return KeySource(settings.AUDIT_KEY_VAR, None, created=False)
    key_file = settings.audit_key_file()
    _, created = _file_key(key_file, create=True)
    sealed = False
    if created:
        target = (path if path is not None else settings.audit_log_path()).resolve()
        last = _last_record(target)
        if last is not None and last.get("alg") == _PLAIN:
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


def entries(
    path: Path | None = None, since: datetime | str | None = None, action: str | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the records of the audit log in order, optionally filtered.

    ``since`` (a datetime, naive meaning UTC, or an ISO-8601 string) keeps records at or
    after that time; ``action`` keeps one action. Torn and unreadable lines are skipped:
    this reads, ``verify`` judges. A missing log yields nothing.
    """
    if action is not None:
        _choice("action", action, ACTIONS, "entries")
    start = _as_utc(since) if since is not None else None
    target = path if path is not None else settings.audit_log_path()
    try:
        handle = target.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DataReadError(_cannot_read(target, exc)) from exc
    with handle:
        for raw in handle:
            value = _load(raw)
            if _is_record(value) and _matches(value, start, action):
                yield value


def fingerprint(frame: pd.DataFrame) -> str:
    """A SHA-256 hex digest that identifies a table's content without holding any value.

    It covers the row count, the column names and dtypes in order, and a 64-bit hash of
    every cell (``pd.util.hash_pandas_object``, column by column, index ignored). Equal
    tables give equal fingerprints (with the same pandas version); changing one cell, a
    dtype or a column name changes it. A fingerprint reveals no value, but for a tiny
    table a guessed content can be confirmed against it.
    """
    digest = hashlib.sha256()
    schema = {
        "rows": len(frame),
        "columns": [[str(name), str(dtype)] for name, dtype in frame.dtypes.items()],
    }
    digest.update(_canonical(schema))
    for position in range(frame.shape[1]):
        hashes = pd.util.hash_pandas_object(frame.iloc[:, position], index=False)
        digest.update(hashes.to_numpy(dtype="<u8").tobytes())
    return digest.hexdigest()


def file_fingerprint(path: Path | str) -> str:
    """The SHA-256 hex digest of a file's bytes, read in chunks (any size).

    Unlike ``fingerprint``, it changes with the encoding: the same table as CSV and as
    Parquet gives two different file fingerprints.
    """
    digest = hashlib.sha256()
    source = Path(path)
    try:
        with source.open("rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise DataReadError(
            f"Cannot read {source} to fingerprint it: {exc.strerror}. "
            "Check the path and its permissions."
        ) from exc
    return digest.hexdigest()


# -- building a line ----------------------------------------------------------------------


def _fields(
    action: str,
    *,
    actor: str | None,
    job_id: str | None,
    model: str | None,
    dataset: str | None,
    fingerprint: str | None,
    rows: Mapping[str, int] | int | None,
    outcome: str,
    details: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The validated fields of a line, in line order, before ``seq``, ``time`` and hashes."""
    return {
        "actor": _text("actor", actor) or _default_actor(),
        "action": _choice("action", action, ACTIONS, "record"),
        "outcome": _choice("outcome", outcome, OUTCOMES, "record"),
        "job_id": _text("job_id", job_id),
        "model": _text("model", model),
        "dataset": _text("dataset", dataset),
        "fingerprint": _text("fingerprint", fingerprint),
        "rows": _rows(rows),
        "details": _details(details),
    }


def _chained(fields: Mapping[str, Any], tail: _Tail, key: bytes | None) -> dict[str, Any]:
    """The full line: version, ``seq``, ``time``, the fields, ``prev`` and ``hash``."""
    entry: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "seq": tail.seq + 1,
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    entry.update(fields)
    if tail.torn:
        entry["torn"] = tail.torn
    entry["alg"] = _KEYED if key is not None else _PLAIN
    entry["prev"] = tail.hash
    entry["hash"] = _digest(entry, key)
    return entry


def _choice(name: str, value: object, allowed: Mapping[str, str], where: str) -> str:
    """``value`` if it is one of ``allowed``, else a ValueError listing them."""
    if isinstance(value, str) and value in allowed:
        return value
    names = ", ".join(repr(option) for option in sorted(allowed))
    raise ValueError(
        f"The {name!r} parameter of {where} must be one of {names}. Got {value!r} instead."
    )


def _text(name: str, value: object) -> str | None:
    """``value`` if it is None or a string of at most ``MAX_TEXT`` characters."""
    if value is None or (isinstance(value, str) and len(value) <= MAX_TEXT):
        return value
    raise ValueError(
        f"The {name!r} parameter of record must be a string of at most "
        f"{MAX_TEXT} characters or None. Got {_describe(value)} instead."
    )


def _rows(rows: object) -> int | dict[str, int] | None:
    """A row count, or row counts per table, as plain non-negative ints."""
    if rows is None:
        return None
    if isinstance(rows, Mapping):
        if len(rows) > MAX_TABLES:
            raise ValueError(
                f"The 'rows' parameter of record may name at most {MAX_TABLES} "
                f"tables. Got {len(rows)} instead."
            )
        return {_table_name(table): _count(count) for table, count in rows.items()}
    return _count(rows)


def _table_name(name: object) -> str:
    """A table name in ``rows``: a non-empty string of at most ``MAX_TEXT`` characters."""
    if isinstance(name, str) and 0 < len(name) <= MAX_TEXT:
        return name
    raise ValueError(
        "The 'rows' table names must be non-empty strings of at most "
        f"{MAX_TEXT} characters. Got {_describe(name)} instead."
    )


def _count(value: object) -> int:
    """``value`` as a non-negative int (numpy integers accepted, bools refused)."""
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError(
        "The 'rows' parameter of record must be a non-negative int or a mapping "
        f"of table names to such ints. Got {_describe(value)} instead."
    )


def _details(details: object) -> dict[str, Any]:
    """``details`` as a dict of plain values, or a ValueError naming the first bad one."""
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise ValueError(
            "The 'details' parameter of record must be a mapping of names to "
            f"plain values. Got {_describe(details)} instead."
        )
    plain: dict[str, Any] = {}
    for name, value in details.items():
        if not isinstance(name, str) or not 0 < len(name) <= MAX_TEXT:
            raise ValueError(
                "The 'details' names must be non-empty strings of at most "
                f"{MAX_TEXT} characters. Got {_describe(name)} instead."
            )
        plain[name] = _plain_value(name, value)
    size = len(_canonical(plain))
    if size > MAX_DETAILS_BYTES:
        raise ValueError(
            f"The 'details' of record take {size} bytes as JSON; at most "
            f"{MAX_DETAILS_BYTES} are allowed. Log settings, not data."
        )
    return plain


def _plain_value(name: str, value: object) -> Any:
    """A details value: a plain scalar, or a list of at most ``MAX_LIST`` of them."""
    if isinstance(value, list | tuple):
        if len(value) > MAX_LIST:
            raise ValueError(_not_plain(name, f"a list of {len(value)} items"))
        return [_plain_scalar(name, item) for item in value]
    return _plain_scalar(name, value)


def _plain_scalar(name: str, value: object) -> Any:
    """None, a bool, a finite number or a short string (numpy scalars made plain)."""
    if isinstance(value, np.bool_ | np.integer | np.floating):
        value = value.item()
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    raise ValueError(_not_plain(name, _describe(value)))


def _not_plain(name: str, got: str) -> str:
    """The message for a details value that is not plain."""
    return (
        f"The 'details' value {name!r} must be None, a bool, a finite number, a string "
        f"of at most {MAX_TEXT} characters, or a list of at most {MAX_LIST} of those. "
        f"Got {got} instead. The audit log holds settings, never data values."
    )


def _describe(value: object) -> str:
    """A short description of a refused value that never repeats a long or tabular value."""
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    return f"a {type(value).__name__}"


def _default_actor() -> str:
    """``SYNDATA_ACTOR``, else the OS user name, else the numeric user id."""
    actor = os.environ.get("SYNDATA_ACTOR")
    if actor:
        return actor[:MAX_TEXT]
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid:{os.getuid()}"


def _writer_key() -> bytes:
    """The key of the lines written now: ``SYNDATA_AUDIT_KEY``, else the key file.

    The key file is generated on first use (see ``_file_key``); every line is keyed.
    """
    chosen = os.environ.get(settings.AUDIT_KEY_VAR)
    if chosen:
        return chosen.encode("utf-8")
    key, _ = _file_key(settings.audit_key_file(), create=True)
    assert key is not None
    return key


def _reader_key(key: str | bytes | None) -> bytes | None:
    """The key to verify with: ``key``, else the variable, else an existing key file."""
    chosen = key if key else os.environ.get(settings.AUDIT_KEY_VAR)
    if chosen:
        return chosen.encode("utf-8") if isinstance(chosen, str) else chosen
    found, _ = _file_key(settings.audit_key_file(), create=False)
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


def _file_key(path: Path, *, create: bool) -> tuple[bytes | None, bool]:
    """The audit key in ``path`` and whether it was generated now (``syndata.privacy.keyfile``)."""
    return _audit_key_file(path).read(create=create)


# -- the anchor -----------------------------------------------------------------------------


_ANCHOR_RETRY_SECONDS = 5.0  # after a failure, appends skip the anchor this long
_ANCHOR_WARN_SECONDS = 60.0  # at most one warning per store and minute
_anchor_down: dict[str, float] = {}  # store URL -> when to try again
_anchor_warned: dict[str, float] = {}
_last_written: dict[Path, tuple[int, str]] = {}  # (seq, hash) this process last appended


def _anchor_module() -> Any:
    """``syndata.privacy.anchor``, imported on first use (it loads SQLAlchemy)."""
    from syndata.privacy import anchor

    return anchor


def _anchored_tail(target: Path, tail: _Tail, url: str) -> _Tail:
    """The tail to chain to: the file's, or the stored anchor's when the file is behind it.

    A log cut short, emptied or deleted is then continued after the anchor, so the gap
    stays visible in the file (``seq`` jumps) and the anchor never moves backwards.
    """
    if _last_written.get(target) == (tail.seq, tail.hash):
        return tail  # the file ends with this process's own last record: anchor unchanged
    if time.monotonic() < _anchor_down.get(url, 0.0):
        return tail
    module = _anchor_module()
    try:
        stored = module.read(target, url)
    except module.StoreMissing:
        return tail  # no store yet: writing the anchor creates it
    except module.AnchorError as exc:
        _anchor_failed(url, target, str(exc))
        return tail
    if stored is None or stored.seq <= tail.seq:
        if stored is not None and stored.seq == tail.seq and stored.hash != tail.hash:
            _LOG.warning(
                "the audit log %s does not match its anchor (record %d): it was "
                "changed or replaced; `syndata audit verify` reports it",
                target,
                stored.seq,
            )
        return tail
    _LOG.warning(
        "the audit log %s ends at record %d but its anchor is record %d: records "
        "were deleted, or the log was emptied or removed; the next record "
        "continues after the anchor",
        target,
        tail.seq,
        stored.seq,
    )
    return _Tail(stored.seq, stored.hash, tail.torn, tail.unterminated, None)


def _set_anchor(target: Path, entry: Mapping[str, Any], url: str) -> None:
    """Move the stored anchor to ``entry``; a failure is logged, never raised."""
    _last_written[target] = (entry["seq"], entry["hash"])
    if time.monotonic() < _anchor_down.get(url, 0.0):
        return
    module = _anchor_module()
    try:
        module.write(target, entry["seq"], entry["hash"], url)
    except module.AnchorError as exc:
        _last_written.pop(target, None)
        _anchor_failed(url, target, str(exc))
        return
    if _anchor_down.pop(url, None) is not None:
        _LOG.warning("the audit anchor of %s is kept again (record %d)", target, entry["seq"])


def _anchor_failed(url: str, target: Path, reason: str) -> None:
    """Note a store that cannot keep anchors: skip it a while, warn once a minute."""
    now = time.monotonic()
    _anchor_down[url] = now + _ANCHOR_RETRY_SECONDS
    if now >= _anchor_warned.get(url, -_ANCHOR_WARN_SECONDS) + _ANCHOR_WARN_SECONDS:
        _anchor_warned[url] = now
        _LOG.warning(
            "%s; the audit line was written to %s, but its anchor is stale until "
            "the store is back (`syndata audit verify` reports it)",
            reason,
            target,
        )


def _last_record(target: Path) -> dict[str, Any] | None:
    """The last complete record of the log (None when it has none or is missing)."""
    try:
        fd = os.open(target, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataReadError(_cannot_read(target, exc)) from exc
    try:
        tail = _read_tail(fd)
    finally:
        os.close(fd)
    if tail.seq == 0:
        return None
    return {"seq": tail.seq, "hash": tail.hash, "alg": tail.alg}


# -- hashing and the file -----------------------------------------------------------------


def _canonical(value: object) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, ASCII only, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def _digest(entry: Mapping[str, Any], key: bytes | None) -> str:
    """SHA-256 (or HMAC-SHA256 under ``key``) of the canonical line without ``hash``."""
    payload = _canonical({name: value for name, value in entry.items() if name != "hash"})
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _line(entry: Mapping[str, Any]) -> bytes:
    """The bytes of one log line, keys in line order, ending with a newline."""
    text = json.dumps(entry, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return text.encode("ascii") + b"\n"


def _read_tail(fd: int) -> _Tail:
    """The last complete record's ``seq`` and ``hash``, and the torn lines after it."""
    size = os.fstat(fd).st_size
    if size == 0:
        return _Tail(0, GENESIS, 0, unterminated=False)
    unterminated = os.pread(fd, 1, size - 1) != b"\n"
    chunk = _TAIL_CHUNK
    while True:
        start = max(0, size - chunk)
        pieces = os.pread(fd, size - start, start).split(b"\n")
        if not unterminated:
            pieces.pop()  # the empty piece after the final newline
        if start > 0:
            pieces.pop(0)  # may begin mid-line
        torn = 0
        for raw in reversed(pieces):
            value = _load(raw)
            if _is_record(value):
                return _Tail(
                    value["seq"],
                    value["hash"],
                    torn,
                    unterminated,
                    value.get("alg") if isinstance(value.get("alg"), str) else None,
                )
            torn += 1
        if start == 0:
            return _Tail(0, GENESIS, torn, unterminated)
        chunk *= 4


def _load(raw: bytes) -> Any:
    """The JSON value of a line, or ``_NOT_JSON`` (a torn or garbled line)."""
    try:
        return json.loads(raw)
    except ValueError:
        return _NOT_JSON


def _is_record(value: Any) -> bool:
    """Whether a parsed line has the fields a chained record needs."""
    return (
        isinstance(value, dict)
        and type(value.get("seq")) is int
        and isinstance(value.get("prev"), str)
        and isinstance(value.get("hash"), str)
        and isinstance(value.get("time"), str)
        and isinstance(value.get("action"), str)
    )


def _as_utc(moment: datetime | str) -> datetime:
    """A timezone-aware UTC datetime; naive datetimes and strings are read as UTC."""
    parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _matches(value: Mapping[str, Any], start: datetime | None, action: str | None) -> bool:
    """Whether a record passes the ``entries`` filters."""
    if action is not None and value["action"] != action:
        return False
    if start is None:
        return True
    try:
        return _as_utc(value["time"]) >= start
    except ValueError:
        return False


def _cannot_write(path: Path, exc: OSError) -> str:
    """The message for an audit log that cannot be written."""
    return (
        f"Cannot append to the audit log {path}: {exc.strerror or exc}. Check that its "
        "folder is writable, or point SYNDATA_AUDIT_LOG at a writable file."
    )


def _cannot_read(path: Path, exc: OSError) -> str:
    """The message for an audit log that cannot be read."""
    return (
        f"Cannot read the audit log {path}: {exc.strerror or exc}. Check the path "
        "(SYNDATA_AUDIT_LOG) and its permissions."
    )


# -- verification -------------------------------------------------------------------------


@dataclass
class _Expected:
    """An anchor the log must reach: record ``seq`` with ``hash`` (any record if no seq)."""

    label: str
    seq: int | None
    hash: str
    line: int | None = None  # the line where it was found


class _ChainChecker:
    """Checks lines one by one against the chain so far, then the anchors at the end."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key
        self.lines = 0
        self.seq = 0
        self.hash = GENESIS
        self.pending: list[int] = []  # unreadable lines not yet declared torn
        self.torn: list[int] = []
        self.expected: list[_Expected] = []
        self.stored: tuple[int, str] | None = None
        self.store_error: str | None = None
        self.store_missing = False  # the job store does not exist (yet)
        self.unkeyed = 0  # records written without a key
        self.first_unkeyed: int | None = None  # the line of the first of them
        self.keyed_line: int | None = None  # the line of the first keyed record

    def expect(self, label: str, seq: int | None, digest: str) -> None:
        """Require the log to reach record ``seq`` with ``digest`` (or any record with it)."""
        self.expected.append(_Expected(label, seq, digest.lower()))

    def feed(self, number: int, raw: bytes) -> AuditVerification | None:
        """Check line ``number``; a failed verification when it breaks the chain."""
        self.lines = number
        value = _load(raw)
        if value is _NOT_JSON:
            self.pending.append(number)  # torn, if the next record declares it
            return None
        problem = self._problem(value)
        if problem is not None:
            line, text = problem
            return self._failed(line, text)
        self.torn.extend(self.pending)
        self.pending.clear()
        self.seq, self.hash = value["seq"], value["hash"]
        if value.get("alg") == _PLAIN:
            self.unkeyed += 1
            if self.first_unkeyed is None:
                self.first_unkeyed = number
        elif self.keyed_line is None:
            self.keyed_line = number
        for wanted in self.expected:
            if wanted.seq is None:
                if wanted.line is None and hmac.compare_digest(self.hash, wanted.hash):
                    wanted.line = number
            elif wanted.seq == self.seq:
                wanted.line = number
                if not hmac.compare_digest(self.hash, wanted.hash):
                    unkeyed = (
                        ", and the log is not keyed up to here although a key is set"
                        if self.key is not None and self.keyed_line is None
                        else ""
                    )
                    return self._failed(
                        number,
                        (
                            f"record {self.seq} does not match {wanted.label} "
                            f"({wanted.seq}:{wanted.hash}){unkeyed}: the log was rewritten "
                            "(its hashes recomputed) or replaced by another log"
                        ),
                    )
        return None

    def finish(
        self, target: Path, *, missing: bool, stored_anchor: bool, expected: bool
    ) -> AuditVerification:
        """The verification once every line was read."""
        if self.pending:
            count = len(self.pending)
            return self._failed(
                self.pending[0],
                (
                    f"the last {count} line(s) are incomplete: a write was cut off (a crash or a "
                    "full disk). The records before are intact; the next record will mark the "
                    "torn line(s) and continue the chain"
                ),
            )
        if self.key is not None and self.unkeyed and self.keyed_line is None:
            return self._failed(
                self.first_unkeyed,
                (
                    f"is not keyed (plain SHA-256) although a key is set, and no keyed record "
                    f"follows to seal the {self.unkeyed} unkeyed record(s): they were rewritten "
                    "(hashes recomputed) by someone without the key, or written before the key "
                    "existed. If the log predates the key, the next record seals it; otherwise "
                    "restore the log from a backup"
                ),
            )
        for wanted in self.expected:
            failure = self._short_of(wanted, target, missing)
            if failure is not None:
                return failure
        notes: list[str] = []
        if self.store_missing and self.keyed_line is None:
            self.store_error = None  # an old unkeyed log, from before there were anchors
            if self.seq > 0:
                notes.append(
                    "there is no job store, so no anchor for this log: records "
                    "deleted from its end cannot be told until the next record "
                    "sets one"
                )
        if self.store_error is not None:
            if not expected:
                return self._failed(
                    None,
                    (
                        f"the anchor could not be read ({self.store_error}). The chain is intact "
                        f"up to record {self.seq}, but a log cut short, emptied or deleted "
                        "cannot be told without the anchor: fix the job store "
                        "(SYNDATA_JOBS_URL), or check against an anchor kept elsewhere with "
                        "--expect SEQ:HASH"
                    ),
                )
            notes.append(f"the job store's anchor was not checked: {self.store_error}")
        elif stored_anchor and self.stored is None and self.seq > 0:
            notes.append(
                "the job store holds no anchor for this log yet (it predates "
                "anchors, or the store was replaced): records deleted from its "
                "end cannot be told until the next record sets one"
            )
        elif self.stored is not None and self.stored[0] < self.seq:
            notes.append(
                f"the job store's anchor is at record {self.stored[0]}, behind the log's "
                f"last record {self.seq}: records {self.stored[0] + 1}-{self.seq} are not "
                "covered by it (the store could not be reached when they were written); "
                "the next record written while the store is up moves it"
            )
        if self.unkeyed and self.key is None:
            notes.append(
                f"the log's {self.unkeyed} record(s) were written without a key "
                "(plain SHA-256): anyone who can write the file could rewrite them "
                "undetected. Records written from now on are keyed"
            )
        elif self.unkeyed and self.keyed_line is not None:
            notes.append(
                f"records on lines {self.first_unkeyed}-{self.keyed_line - 1} were "
                f"written without a key, before line {self.keyed_line}; the keyed "
                f"record on line {self.keyed_line} links to them, so a change to "
                "them breaks the chain there"
            )
        return AuditVerification(
            True,
            self.lines,
            None,
            "",
            self.seq,
            self.hash,
            tuple(self.torn),
            tuple(notes),
            self.unkeyed,
            self.stored,
        )

    def _short_of(self, wanted: _Expected, target: Path, missing: bool) -> AuditVerification | None:
        """A failure when the log never reached ``wanted``."""
        if wanted.seq is None:
            if wanted.line is not None:
                return None
            return self._failed(
                None,
                (
                    f"no record of the log has the hash of {wanted.label} ({wanted.hash}): "
                    "records were deleted from its end, or it was rewritten or replaced"
                ),
            )
        if wanted.seq <= self.seq:
            return None
        mark = f"{wanted.label} is record {wanted.seq} ({wanted.hash})"
        if missing:
            return self._failed(
                None,
                (
                    f"the log {target} does not exist, but {mark}: the log was deleted or "
                    "moved. Restore it from a backup"
                ),
            )
        if self.lines == 0:
            return self._failed(
                None,
                (
                    f"the log {target} is empty, but {mark}: the log was emptied. Restore it "
                    "from a backup"
                ),
            )
        gone = (
            f"record {wanted.seq} was"
            if wanted.seq == self.seq + 1
            else f"records {self.seq + 1}-{wanted.seq} were"
        )
        return self._failed(
            None,
            (
                f"the log ends at record {self.seq} but {mark}: {gone} deleted from the end "
                "(the log was cut at a line boundary), or the log was replaced by an older one"
            ),
        )

    def _failed(self, line: int | None, problem: str) -> AuditVerification:
        """A failed verification at ``line``."""
        where = f"line {line}: " if line is not None else ""
        return AuditVerification(
            False,
            self.lines,
            line,
            where + problem,
            self.seq,
            self.hash,
            tuple(self.torn),
            (),
            self.unkeyed,
            self.stored,
        )

    def _problem(self, value: Any) -> tuple[int, str] | None:
        """The first problem of a parsed line as (line number, words), or None."""
        number = self.lines
        if not _is_record(value):
            return number, "is not an audit record (it lacks seq, time, action, prev or hash)"
        problem = self._integrity(value) or self._order(value)
        if problem is not None:
            return number, problem
        declared = value.get("torn", 0)
        if declared != len(self.pending):
            if self.pending:
                return self.pending[0], (
                    "is not a readable record, and the next record "
                    "does not declare it as a torn write"
                )
            return number, (
                f"declares {declared} torn line(s) just before it, but there "
                "are none: lines before it were deleted"
            )
        return None

    def _integrity(self, value: Mapping[str, Any]) -> str | None:
        """Whether the line's own hash matches its content under the right algorithm."""
        alg = value.get("alg")
        if self.key is None and alg == _KEYED:
            return (
                f"is keyed with HMAC: set {settings.AUDIT_KEY_VAR}, or restore the key "
                f"file {settings.audit_key_file()} ({settings.AUDIT_KEY_FILE_VAR}), to "
                "the key the log was written with"
            )
        if alg == _PLAIN and self.keyed_line is not None:
            return (
                "is not keyed (plain SHA-256) although the records before it are: it "
                "was written or rewritten by someone without the key"
            )
        if alg not in (_PLAIN, _KEYED):
            return f"names an unknown hash algorithm {alg!r}: the line was changed"
        try:
            expected = _digest(value, self.key if alg == _KEYED else None)
        except ValueError:
            expected = ""
        if not hmac.compare_digest(expected, value["hash"]):
            wrong_key = " (or the key is not the one it was written with)" if alg == _KEYED else ""
            return (
                f"was changed after it was written: its hash does not match its content{wrong_key}"
            )
        return None

    def _order(self, value: Mapping[str, Any]) -> str | None:
        """Whether the line continues the chain: next ``seq``, ``prev`` = last hash."""
        seq = value["seq"]
        if seq <= self.seq:
            return f"has seq {seq} after seq {self.seq}: a line was inserted, copied or moved here"
        if seq > self.seq + 1:
            return (
                f"has seq {seq} but {self.seq + 1} was expected: the record(s) before "
                "it were deleted or moved"
            )
        if value["prev"] != self.hash:
            return (
                "does not link to the record before it (prev is not that record's "
                "hash): a line before it was replaced, or the log was spliced"
            )
        return None
