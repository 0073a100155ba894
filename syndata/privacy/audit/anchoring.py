"""The audit log's anchor in the job store, moved with each append (``syndata.privacy.anchor``).

A store that cannot be reached is skipped for a while and warned about once a minute;
the line is still written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syndata.errors import AnchorError, StoreMissing
from syndata.privacy.audit.lines import Tail

_LOG = logging.getLogger("syndata.audit")
_ANCHOR_RETRY_SECONDS = 5.0  # after a failure, appends skip the anchor this long
_ANCHOR_WARN_SECONDS = 60.0  # at most one warning per store and minute
_anchor_down: dict[str, float] = {}  # store URL -> when to try again
_anchor_warned: dict[str, float] = {}
_last_written: dict[Path, tuple[int, str]] = {}  # (seq, hash) this process last appended


def anchor_module() -> Any:
    """``syndata.privacy.anchor``, imported on first use (it loads SQLAlchemy)."""
    from syndata.privacy import anchor

    return anchor


def anchored_tail(target: Path, tail: Tail, url: str) -> Tail:
    """The tail to chain to: the file's, or the stored anchor's when the file is behind it.

    A log cut short, emptied or deleted is then continued after the anchor, so the gap
    stays visible in the file (``seq`` jumps) and the anchor never moves backwards.
    """
    if _last_written.get(target) == (tail.seq, tail.hash):
        return tail  # the file ends with this process's own last record: anchor unchanged
    if time.monotonic() < _anchor_down.get(url, 0.0):
        return tail
    module = anchor_module()
    try:
        stored = module.read(target, url)
    except StoreMissing:
        return tail  # no store yet: writing the anchor creates it
    except AnchorError as exc:
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
    return Tail(stored.seq, stored.hash, tail.torn, tail.unterminated, None)


def set_anchor(target: Path, entry: Mapping[str, Any], url: str) -> None:
    """Move the stored anchor to ``entry``; a failure is logged, never raised."""
    _last_written[target] = (entry["seq"], entry["hash"])
    if time.monotonic() < _anchor_down.get(url, 0.0):
        return
    module = anchor_module()
    try:
        module.write(target, entry["seq"], entry["hash"], url)
    except AnchorError as exc:
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
