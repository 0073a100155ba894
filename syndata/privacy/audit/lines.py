"""One line of the audit log: its canonical JSON, its hash, and the tail of the log file.

See ``syndata.privacy.audit`` for the line format and the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from syndata.errors import DataReadError

FORMAT_VERSION = 1
GENESIS = "0" * 64  # the ``prev`` of the first line of a log
PLAIN = "sha256"
KEYED = "hmac-sha256"
_TAIL_CHUNK = 64 * 1024
NOT_JSON = object()


@dataclass(frozen=True)
class Tail:
    """What a writer needs from the end of the log."""

    seq: int
    hash: str
    torn: int  # incomplete lines after the last complete record
    unterminated: bool  # the file does not end with a newline
    alg: str | None = None  # the last record's algorithm (None for an empty log)


def chained(fields: Mapping[str, Any], tail: Tail, key: bytes | None) -> dict[str, Any]:
    """The full line: version, ``seq``, ``time``, the fields, ``prev`` and ``hash``."""
    entry: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "seq": tail.seq + 1,
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    entry.update(fields)
    if tail.torn:
        entry["torn"] = tail.torn
    entry["alg"] = KEYED if key is not None else PLAIN
    entry["prev"] = tail.hash
    entry["hash"] = digest(entry, key)
    return entry


def canonical(value: object) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, ASCII only, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def digest(entry: Mapping[str, Any], key: bytes | None) -> str:
    """SHA-256 (or HMAC-SHA256 under ``key``) of the canonical line without ``hash``."""
    payload = canonical({name: value for name, value in entry.items() if name != "hash"})
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def line_bytes(entry: Mapping[str, Any]) -> bytes:
    """The bytes of one log line, keys in line order, ending with a newline."""
    text = json.dumps(entry, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return text.encode("ascii") + b"\n"


def read_tail(fd: int) -> Tail:
    """The last complete record's ``seq`` and ``hash``, and the torn lines after it."""
    size = os.fstat(fd).st_size
    if size == 0:
        return Tail(0, GENESIS, 0, unterminated=False)
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
            value = load(raw)
            if is_record(value):
                return Tail(
                    value["seq"],
                    value["hash"],
                    torn,
                    unterminated,
                    value.get("alg") if isinstance(value.get("alg"), str) else None,
                )
            torn += 1
        if start == 0:
            return Tail(0, GENESIS, torn, unterminated)
        chunk *= 4


def load(raw: bytes) -> Any:
    """The JSON value of a line, or ``NOT_JSON`` (a torn or garbled line)."""
    try:
        return json.loads(raw)
    except ValueError:
        return NOT_JSON


def is_record(value: Any) -> bool:
    """Whether a parsed line has the fields a chained record needs."""
    return (
        isinstance(value, dict)
        and type(value.get("seq")) is int
        and isinstance(value.get("prev"), str)
        and isinstance(value.get("hash"), str)
        and isinstance(value.get("time"), str)
        and isinstance(value.get("action"), str)
    )


def last_record(target: Path) -> dict[str, Any] | None:
    """The last complete record of the log (None when it has none or is missing)."""
    try:
        fd = os.open(target, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataReadError(cannot_read(target, exc)) from exc
    try:
        tail = read_tail(fd)
    finally:
        os.close(fd)
    if tail.seq == 0:
        return None
    return {"seq": tail.seq, "hash": tail.hash, "alg": tail.alg}


def cannot_write(path: Path, exc: OSError) -> str:
    """The message for an audit log that cannot be written."""
    return (
        f"Cannot append to the audit log {path}: {exc.strerror or exc}. Check that its "
        "folder is writable, or point SYNDATA_AUDIT_LOG at a writable file."
    )


def cannot_read(path: Path, exc: OSError) -> str:
    """The message for an audit log that cannot be read."""
    return (
        f"Cannot read the audit log {path}: {exc.strerror or exc}. Check the path "
        "(SYNDATA_AUDIT_LOG) and its permissions."
    )
