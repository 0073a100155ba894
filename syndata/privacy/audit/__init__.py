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

The modules: ``fields`` (what a line may hold), ``lines`` (its JSON, hash and the file's
tail), ``keys``, ``anchoring``, ``writer`` (``record``, ``ensure_key``), ``reader``
(``entries``), ``chain`` and ``verification`` (``verify``), ``fingerprints``.
"""

from syndata.privacy.audit.chain import AuditVerification
from syndata.privacy.audit.fields import (
    ACTIONS,
    MAX_DETAILS_BYTES,
    MAX_LIST,
    MAX_TABLES,
    MAX_TEXT,
    OUTCOMES,
)
from syndata.privacy.audit.fingerprints import file_fingerprint, fingerprint
from syndata.privacy.audit.keys import KeySource
from syndata.privacy.audit.lines import FORMAT_VERSION, GENESIS
from syndata.privacy.audit.reader import entries
from syndata.privacy.audit.verification import parse_anchor, verify
from syndata.privacy.audit.writer import ensure_key, record

__all__ = [
    "ACTIONS",
    "FORMAT_VERSION",
    "GENESIS",
    "MAX_DETAILS_BYTES",
    "MAX_LIST",
    "MAX_TABLES",
    "MAX_TEXT",
    "OUTCOMES",
    "AuditVerification",
    "KeySource",
    "ensure_key",
    "entries",
    "file_fingerprint",
    "fingerprint",
    "parse_anchor",
    "record",
    "verify",
]
