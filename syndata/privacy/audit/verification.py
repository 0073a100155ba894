"""Verifying the audit log against its chain and anchors: ``verify`` and ``parse_anchor``."""

from __future__ import annotations

from pathlib import Path

from syndata import settings
from syndata.errors import AnchorError, DataReadError, StoreMissing
from syndata.privacy.audit.anchoring import anchor_module
from syndata.privacy.audit.chain import AuditVerification, ChainChecker
from syndata.privacy.audit.keys import reader_key
from syndata.privacy.audit.lines import cannot_read


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
    checker = ChainChecker(reader_key(key))
    if anchor is not None:
        checker.expect("the expected anchor", anchor[0], anchor[1])
    if stored_anchor:
        module = anchor_module()
        try:
            stored = module.read(target)
        except StoreMissing as exc:
            checker.store_error, checker.store_missing = str(exc), True
        except AnchorError as exc:
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
        raise DataReadError(cannot_read(target, exc)) from exc
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
