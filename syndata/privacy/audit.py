"""The audit trail: one append-only, hash-chained JSON line per action on data or models.

``record(action, ...)`` appends a line; ``verify()`` checks the chain; ``entries()`` reads
lines back; ``fingerprint(frame)`` and ``file_fingerprint(path)`` name a dataset without
storing any of its values. The log lives at ``settings.audit_log_path()``
(``SYNDATA_AUDIT_LOG``, default ``$SYNDATA_HOME/audit.log``).

One line (keys in this order; ``torn`` only when a crashed write came just before)::

    {"v":1,"seq":2,"time":"2025-01-31T09:15:02.123456+00:00","actor":"ana","action":"fit",
     "outcome":"ok","job_id":"j-17","model":"adult:3","dataset":"adult.csv",
     "fingerprint":"9f2c…","rows":{"adult":32561},"details":{"model":"copula","seed":7},
     "alg":"sha256","prev":"<hash of line 1>","hash":"<64 hex digits>"}

``hash`` is SHA-256 over the canonical JSON of the line without ``hash`` (sorted keys, no
whitespace, ASCII); ``prev`` is the previous line's ``hash``, and the first line's
``prev`` is ``GENESIS`` (64 zeros). ``seq`` counts 1, 2, 3, ... With ``SYNDATA_AUDIT_KEY``
set, ``hash`` is HMAC-SHA256 under that key and ``alg`` is ``"hmac-sha256"``; ``verify``
then needs the same key. Set the key before the first line is written: a keyed
verification rejects unkeyed lines (otherwise a forger could simply drop the key).

``details`` holds plain settings, never data: each value must be None, a bool, a finite
number, a string of at most ``MAX_TEXT`` characters, or a list of at most ``MAX_LIST`` of
those, and the whole of ``details`` at most ``MAX_DETAILS_BYTES`` as JSON. Anything else
(a DataFrame, a Series, an array, a nested dict, bytes, a long text) is refused with a
``ValueError``, so a table cannot be logged by accident. Short strings can still be
anything, so callers pass settings (column names, seeds, model names), not cell values.

What the chain protects against, and what it does not:

* Without a key it detects accidental damage and naive edits: a changed field (hash
  mismatch), a deleted, inserted, duplicated or moved line in the middle (``seq`` or
  ``prev`` mismatch), and a write cut off by a crash (a torn last line). Anyone who knows
  this format can rewrite the log and recompute every hash, though.
* With a key, someone who can write the file but does not know the key cannot change,
  insert, move or delete a line in the middle without ``verify`` noticing.
* Neither detects records deleted from the end, nor a log replaced by an older copy or
  removed: the file alone cannot know how long it was. Write ``verify().anchor`` (last
  ``seq`` and ``hash``) somewhere else from time to time (a ticket, a remote log, the job
  store) and pass it back as ``verify(anchor=...)``; that detects a shortened or
  rewritten log up to the anchor.
* It proves nothing about events that were never recorded, trusts the writer's clock for
  ``time``, and does not hide anything: the log is plain text, created with mode 0600.

Writers take an exclusive ``fcntl.flock`` on the log, read its tail, append one line with
``O_APPEND`` and ``fsync`` before releasing the lock, so processes can share one log (on a
local file system). If a writer crashed mid-line, the next writer ends that torn line and
chains its own line to the last complete one, declaring the skipped lines in ``torn``;
``verify`` accepts a torn line only when the next line declares it. To rotate the log,
move the file away (keeping its anchor): the next line starts a new chain at ``seq`` 1.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import hmac
import json
import math
import os
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

FORMAT_VERSION = 1
GENESIS = "0" * 64  # the ``prev`` of the first line of a log
MAX_TEXT = 200  # characters in a string field or a details string
MAX_LIST = 100  # items in a details list
MAX_DETAILS_BYTES = 8192  # the whole of details, as canonical JSON
MAX_TABLES = 1000  # entries in a ``rows`` mapping

ACTIONS: Mapping[str, str] = MappingProxyType({
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
})

OUTCOMES: Mapping[str, str] = MappingProxyType({
    "ok": "the action succeeded",
    "failed": "the action was attempted and failed",
    "denied": "the action was refused (no permission, bad credentials)",
    "cancelled": "the action was stopped before it finished",
})

_PLAIN = "sha256"
_KEYED = "hmac-sha256"
_TAIL_CHUNK = 64 * 1024
_READ_CHUNK = 1024 * 1024
_NOT_JSON = object()


@dataclass(frozen=True)
class AuditVerification:
    """The result of ``verify``.

    ``ok`` is True when every line checked out. ``lines`` is the number of lines read (up
    to and including the first bad one), ``first_bad_line`` its 1-based number (None when
    ok, or when the problem is at the end, e.g. records missing before the anchor) and
    ``problem`` says in plain words what is wrong ("" when ok). ``last_seq`` and
    ``last_hash`` describe the last good record (0 and ``GENESIS`` for an empty log);
    ``torn_lines`` lists lines cut off by a crash that the chain skips, as declared.
    """

    ok: bool
    lines: int
    first_bad_line: int | None
    problem: str
    last_seq: int
    last_hash: str
    torn_lines: tuple[int, ...] = field(default=())

    @property
    def anchor(self) -> tuple[int, str]:
        """``(last_seq, last_hash)``: keep it elsewhere and pass it to a later ``verify``."""
        return (self.last_seq, self.last_hash)

    def __str__(self) -> str:
        if self.ok:
            return (f"audit log ok: {self.last_seq} records, last hash {self.last_hash}"
                    + (f", torn lines skipped: {list(self.torn_lines)}" if self.torn_lines
                       else ""))
        where = f" at line {self.first_bad_line}" if self.first_bad_line else ""
        return f"audit log NOT ok{where}: {self.problem}"


@dataclass(frozen=True)
class _Tail:
    """What a writer needs from the end of the log."""

    seq: int
    hash: str
    torn: int  # incomplete lines after the last complete record
    unterminated: bool  # the file does not end with a newline


def record(action: str, *, actor: str | None = None, job_id: str | None = None,
           model: str | None = None, dataset: str | None = None,
           fingerprint: str | None = None, rows: Mapping[str, int] | int | None = None,
           outcome: str = "ok", details: Mapping[str, Any] | None = None,
           path: Path | None = None) -> dict[str, Any]:
    """Append one line to the audit log and return it as written.

    ``action`` is one of ``ACTIONS`` and ``outcome`` one of ``OUTCOMES``. ``actor``
    defaults to ``SYNDATA_ACTOR``, else the OS user. ``model`` names a model version,
    ``dataset`` and ``fingerprint`` the data (see ``fingerprint()``), ``rows`` the row
    count, or counts per table. ``details`` holds plain settings only (see the module
    docstring); a ``ValueError`` names any value that is not plain. ``path`` defaults to
    ``settings.audit_log_path()``. Raises ``OutputError`` when the log cannot be written.
    """
    fields = _fields(action, actor=actor, job_id=job_id, model=model, dataset=dataset,
                     fingerprint=fingerprint, rows=rows, outcome=outcome, details=details)
    target = path if path is not None else settings.audit_log_path()
    key = _key(None)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise OutputError(_cannot_write(target, exc)) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        tail = _read_tail(fd)
        entry = _chained(fields, tail, key)
        _write_all(fd, (b"\n" if tail.unterminated else b"") + _line(entry))
        os.fsync(fd)
    except OSError as exc:
        raise OutputError(_cannot_write(target, exc)) from exc
    finally:
        os.close(fd)  # also releases the lock
    return entry


def verify(path: Path | None = None, *, key: str | bytes | None = None,
           anchor: tuple[int, str] | None = None) -> AuditVerification:
    """Recompute the hash chain of the audit log and report the first problem.

    ``key`` defaults to ``SYNDATA_AUDIT_KEY``; a log written with a key needs it. Pass an
    ``anchor`` (``seq``, ``hash``) noted from an earlier ``verify().anchor`` to also
    detect records deleted from the end, or a log rewritten up to that point. A missing
    log verifies as empty (only an anchor can tell it was deleted). Raises
    ``DataReadError`` when the log exists but cannot be read.
    """
    target = path if path is not None else settings.audit_log_path()
    checker = _ChainChecker(_key(key), anchor)
    try:
        with target.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                failure = checker.feed(number, raw)
                if failure is not None:
                    return failure
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise DataReadError(_cannot_read(target, exc)) from exc
    return checker.finish()


def entries(path: Path | None = None, since: datetime | str | None = None,
            action: str | None = None) -> Iterator[dict[str, Any]]:
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
    schema = {"rows": len(frame),
              "columns": [[str(name), str(dtype)] for name, dtype in frame.dtypes.items()]}
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
        raise DataReadError(f"Cannot read {source} to fingerprint it: {exc.strerror}. "
                            "Check the path and its permissions.") from exc
    return digest.hexdigest()


# -- building a line ----------------------------------------------------------------------


def _fields(action: str, *, actor: str | None, job_id: str | None, model: str | None,
            dataset: str | None, fingerprint: str | None,
            rows: Mapping[str, int] | int | None, outcome: str,
            details: Mapping[str, Any] | None) -> dict[str, Any]:
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
    entry: dict[str, Any] = {"v": FORMAT_VERSION, "seq": tail.seq + 1,
                             "time": datetime.now(UTC).isoformat(timespec="microseconds")}
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
    raise ValueError(f"The {name!r} parameter of {where} must be one of {names}. "
                     f"Got {value!r} instead.")


def _text(name: str, value: object) -> str | None:
    """``value`` if it is None or a string of at most ``MAX_TEXT`` characters."""
    if value is None or (isinstance(value, str) and len(value) <= MAX_TEXT):
        return value
    raise ValueError(f"The {name!r} parameter of record must be a string of at most "
                     f"{MAX_TEXT} characters or None. Got {_describe(value)} instead.")


def _rows(rows: object) -> int | dict[str, int] | None:
    """A row count, or row counts per table, as plain non-negative ints."""
    if rows is None:
        return None
    if isinstance(rows, Mapping):
        if len(rows) > MAX_TABLES:
            raise ValueError(f"The 'rows' parameter of record may name at most {MAX_TABLES} "
                             f"tables. Got {len(rows)} instead.")
        return {_table_name(table): _count(count) for table, count in rows.items()}
    return _count(rows)


def _table_name(name: object) -> str:
    """A table name in ``rows``: a non-empty string of at most ``MAX_TEXT`` characters."""
    if isinstance(name, str) and 0 < len(name) <= MAX_TEXT:
        return name
    raise ValueError("The 'rows' table names must be non-empty strings of at most "
                     f"{MAX_TEXT} characters. Got {_describe(name)} instead.")


def _count(value: object) -> int:
    """``value`` as a non-negative int (numpy integers accepted, bools refused)."""
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("The 'rows' parameter of record must be a non-negative int or a mapping "
                     f"of table names to such ints. Got {_describe(value)} instead.")


def _details(details: object) -> dict[str, Any]:
    """``details`` as a dict of plain values, or a ValueError naming the first bad one."""
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise ValueError("The 'details' parameter of record must be a mapping of names to "
                         f"plain values. Got {_describe(details)} instead.")
    plain: dict[str, Any] = {}
    for name, value in details.items():
        if not isinstance(name, str) or not 0 < len(name) <= MAX_TEXT:
            raise ValueError("The 'details' names must be non-empty strings of at most "
                             f"{MAX_TEXT} characters. Got {_describe(name)} instead.")
        plain[name] = _plain_value(name, value)
    size = len(_canonical(plain))
    if size > MAX_DETAILS_BYTES:
        raise ValueError(f"The 'details' of record take {size} bytes as JSON; at most "
                         f"{MAX_DETAILS_BYTES} are allowed. Log settings, not data.")
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
    return (f"The 'details' value {name!r} must be None, a bool, a finite number, a string "
            f"of at most {MAX_TEXT} characters, or a list of at most {MAX_LIST} of those. "
            f"Got {got} instead. The audit log holds settings, never data values.")


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


def _key(key: str | bytes | None) -> bytes | None:
    """The HMAC key: ``key``, else ``SYNDATA_AUDIT_KEY``; None when neither is set."""
    chosen = key if key else os.environ.get("SYNDATA_AUDIT_KEY")
    if not chosen:
        return None
    return chosen.encode("utf-8") if isinstance(chosen, str) else chosen


# -- hashing and the file -----------------------------------------------------------------


def _canonical(value: object) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, ASCII only, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


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


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (``os.write`` may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


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
                return _Tail(value["seq"], value["hash"], torn, unterminated)
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
    return (isinstance(value, dict) and type(value.get("seq")) is int
            and isinstance(value.get("prev"), str) and isinstance(value.get("hash"), str)
            and isinstance(value.get("time"), str) and isinstance(value.get("action"), str))


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
    return (f"Cannot append to the audit log {path}: {exc.strerror or exc}. Check that its "
            "folder is writable, or point SYNDATA_AUDIT_LOG at a writable file.")


def _cannot_read(path: Path, exc: OSError) -> str:
    """The message for an audit log that cannot be read."""
    return (f"Cannot read the audit log {path}: {exc.strerror or exc}. Check the path "
            "(SYNDATA_AUDIT_LOG) and its permissions.")


# -- verification -------------------------------------------------------------------------


class _ChainChecker:
    """Checks lines one by one against the chain so far."""

    def __init__(self, key: bytes | None, anchor: tuple[int, str] | None) -> None:
        self.key = key
        self.anchor = anchor
        self.lines = 0
        self.seq = 0
        self.hash = GENESIS
        self.pending: list[int] = []  # unreadable lines not yet declared torn
        self.torn: list[int] = []
        self.anchor_line: int | None = None

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
        if self.anchor is not None and self.seq == self.anchor[0]:
            self.anchor_line = number
            if not hmac.compare_digest(self.hash, self.anchor[1]):
                return self._failed(number, f"record {self.seq} does not match the anchor's "
                                    "hash: the log was rewritten up to the anchor or replaced")
        return None

    def finish(self) -> AuditVerification:
        """The verification once every line was read."""
        if self.pending:
            count = len(self.pending)
            return self._failed(self.pending[0], (
                f"the last {count} line(s) are incomplete: a write was cut off (a crash or a "
                "full disk). The records before are intact; the next record will mark the "
                "torn line(s) and continue the chain"))
        if self.anchor is not None and self.seq < self.anchor[0]:
            return self._failed(None, (
                f"the log ends at record {self.seq} but the anchor is record "
                f"{self.anchor[0]}: records were deleted from the end, or the log was "
                "replaced by an older or new one"))
        return AuditVerification(True, self.lines, None, "", self.seq, self.hash,
                                 tuple(self.torn))

    def _failed(self, line: int | None, problem: str) -> AuditVerification:
        """A failed verification at ``line``."""
        where = f"line {line}: " if line is not None else ""
        return AuditVerification(False, self.lines, line, where + problem, self.seq,
                                 self.hash, tuple(self.torn))

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
                return self.pending[0], ("is not a readable record, and the next record "
                                         "does not declare it as a torn write")
            return number, (f"declares {declared} torn line(s) just before it, but there "
                            "are none: lines before it were deleted")
        return None

    def _integrity(self, value: Mapping[str, Any]) -> str | None:
        """Whether the line's own hash matches its content under the right algorithm."""
        alg = value.get("alg")
        if self.key is None and alg == _KEYED:
            return ("is keyed with HMAC: set SYNDATA_AUDIT_KEY (or pass key=) to the key "
                    "the log was written with")
        if self.key is not None and alg == _PLAIN:
            return ("is not keyed (plain SHA-256) although a key is set: it was written "
                    "without SYNDATA_AUDIT_KEY, or rewritten by someone without the key")
        if alg not in (_PLAIN, _KEYED):
            return f"names an unknown hash algorithm {alg!r}: the line was changed"
        try:
            expected = _digest(value, self.key)
        except ValueError:
            expected = ""
        if not hmac.compare_digest(expected, value["hash"]):
            wrong_key = " (or the key is not the one it was written with)" if self.key else ""
            return ("was changed after it was written: its hash does not match its "
                    f"content{wrong_key}")
        return None

    def _order(self, value: Mapping[str, Any]) -> str | None:
        """Whether the line continues the chain: next ``seq``, ``prev`` = last hash."""
        seq = value["seq"]
        if seq <= self.seq:
            return (f"has seq {seq} after seq {self.seq}: a line was inserted, copied or "
                    "moved here")
        if seq > self.seq + 1:
            return (f"has seq {seq} but {self.seq + 1} was expected: the record(s) before "
                    "it were deleted or moved")
        if value["prev"] != self.hash:
            return ("does not link to the record before it (prev is not that record's "
                    "hash): a line before it was replaced, or the log was spliced")
        return None
