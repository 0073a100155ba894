"""What a line of the audit log may hold: known actions and outcomes, short texts, plain details.

Anything else is refused with a ``ValueError`` naming it, so a table cannot be logged by
accident (see ``syndata.privacy.audit``).
"""

from __future__ import annotations

import getpass
import math
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from syndata import settings
from syndata.privacy.audit.lines import canonical

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


def line_fields(
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
        "action": choice("action", action, ACTIONS, "record"),
        "outcome": choice("outcome", outcome, OUTCOMES, "record"),
        "job_id": _text("job_id", job_id),
        "model": _text("model", model),
        "dataset": _text("dataset", dataset),
        "fingerprint": _text("fingerprint", fingerprint),
        "rows": _rows(rows),
        "details": _details(details),
    }


def choice(name: str, value: object, allowed: Mapping[str, str], where: str) -> str:
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
    size = len(canonical(plain))
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
    actor = settings.actor()
    if actor:
        return actor[:MAX_TEXT]
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid:{os.getuid()}"
