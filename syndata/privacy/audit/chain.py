"""Checking the audit log's hash chain line by line, and the result of the check.

``ChainChecker`` reads the lines in order, then checks the anchors the log must reach;
``AuditVerification`` says whether it held, and where and why not.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndata import settings
from syndata.privacy.audit.lines import GENESIS, KEYED, NOT_JSON, PLAIN, digest, is_record, load


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


@dataclass
class _Expected:
    """An anchor the log must reach: record ``seq`` with ``hash`` (any record if no seq)."""

    label: str
    seq: int | None
    hash: str
    line: int | None = None  # the line where it was found


class ChainChecker:
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
        value = load(raw)
        if value is NOT_JSON:
            self.pending.append(number)  # torn, if the next record declares it
            return None
        problem = self._problem(value)
        if problem is not None:
            line, text = problem
            return self._failed(line, text)
        self.torn.extend(self.pending)
        self.pending.clear()
        self.seq, self.hash = value["seq"], value["hash"]
        if value.get("alg") == PLAIN:
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
        if not is_record(value):
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
        if self.key is None and alg == KEYED:
            return (
                f"is keyed with HMAC: set {settings.AUDIT_KEY_VAR}, or restore the key "
                f"file {settings.audit_key_file()} ({settings.AUDIT_KEY_FILE_VAR}), to "
                "the key the log was written with"
            )
        if alg == PLAIN and self.keyed_line is not None:
            return (
                "is not keyed (plain SHA-256) although the records before it are: it "
                "was written or rewritten by someone without the key"
            )
        if alg not in (PLAIN, KEYED):
            return f"names an unknown hash algorithm {alg!r}: the line was changed"
        try:
            expected = digest(value, self.key if alg == KEYED else None)
        except ValueError:
            expected = ""
        if not hmac.compare_digest(expected, value["hash"]):
            wrong_key = " (or the key is not the one it was written with)" if alg == KEYED else ""
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
