"""Apply a privacy plan's masking decisions to a table.

``mask_frame(frame, plan)`` applies a ``PrivacyPlan``'s ``mask`` and ``drop`` decisions to
one table and reports, per column, the operator and how many values it masked (never the
values). The input frame is never modified; columns without such a decision are untouched.
The operators themselves (``redact``, ``hash``, ``fake`` ...) are in
``syndata.privacy.operators``, registered by name, plug-ins included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from syndata import settings
from syndata.errors import ConfigError, OperatorMismatch, Problem
from syndata.privacy.operators import ColumnReport, FindEntities, MaskContext, Operator
from syndata.privacy.plan import ColumnPlan, PrivacyPlan


@dataclass
class MaskResult:
    """The masked frame and, per masked or dropped column, its report."""

    frame: pd.DataFrame
    columns: dict[str, ColumnReport]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for logs and audit: row count and column reports, never values."""
        return {
            "rows": len(self.frame),
            "columns": {name: r.to_dict() for name, r in self.columns.items()},
        }


def mask_frame(
    frame: pd.DataFrame,
    plan: PrivacyPlan,
    *,
    table: str | None = None,
    secret: str | bytes | None = None,
    key: str | bytes | None = None,
    find_entities: FindEntities | None = None,
) -> MaskResult:
    """Apply the plan's ``mask`` and ``drop`` decisions for ``table`` to ``frame``.

    ``secret`` (for ``hash`` and ``fake``) defaults to ``SYNDATA_MASKING_SECRET``, ``key``
    (raw bytes or base64, for ``encrypt``/``decrypt``) to ``SYNDATA_ENCRYPTION_KEY``; they
    are read only when the plan needs them. ``find_entities`` (for ``anonymize_text``)
    defaults to ``syndata.privacy.detect.find_entities``. ``table`` names the table in a
    plan of several. Raise ConfigError when the plan names a column the frame lacks, a
    secret is missing, or an operator does not fit a column's values.
    """
    plan.check(frame.columns, table)
    decisions = {
        name: d for name, d in plan.decisions(table).items() if d.action in ("mask", "drop")
    }
    ctx = _context(decisions.values(), secret, key, find_entities)
    by_name = {str(c): c for c in frame.columns}
    out = frame.copy(deep=False)
    reports: dict[str, ColumnReport] = {}
    dropped = []
    for name, decision in decisions.items():
        column = frame[by_name[name]]
        if decision.drops:
            dropped.append(by_name[name])
            reports[name] = ColumnReport("drop", int(column.notna().sum()))
            continue
        try:
            masked = decision.masker().apply(column, str(decision.operator), ctx)
        except OperatorMismatch as exc:
            raise ConfigError([Problem(_path(plan, table, name), exc.message, exc.fix)]) from None
        out[by_name[name]], reports[name] = masked.values, masked.report
    return MaskResult(out.drop(columns=dropped), reports)


def _path(plan: PrivacyPlan, table: str | None, column: str) -> str:
    if not plan.tables:
        return f"columns.{column}"
    name = table if table is not None else next(iter(plan.tables))
    return f"tables.{name}.columns.{column}"


def _context(
    decisions: Iterable[ColumnPlan],
    secret: str | bytes | None,
    key: str | bytes | None,
    find_entities: FindEntities | None,
) -> MaskContext:
    """Resolve the secrets (and the entity finder) that the decisions need, once."""
    operators: list[Operator] = [
        d.masker() for d in decisions if d.action == "mask" and not d.drops
    ]
    resolved_secret = _secret(secret) if any(op.needs_secret() for op in operators) else None
    resolved_key = _key(key) if any(op.needs_key() for op in operators) else None
    if find_entities is None and any(op.needs_entity_finder() for op in operators):
        find_entities = _default_finder()
    return MaskContext(resolved_secret, resolved_key, find_entities)


def check_secrets(plan: PrivacyPlan) -> None:
    """Resolve the secrets that every table's decisions need (ConfigError when one is bad).

    Called before work starts; a secret that is not set is generated then
    (``settings.masking_secret``, ``settings.encryption_key``).
    """
    tables: list[str | None] = [*plan.tables] or [None]
    for table in tables:
        decisions = [d for d in plan.decisions(table).values() if d.action == "mask"]
        _context(decisions, None, None, find_entities=lambda texts: [])


def _secret(secret: str | bytes | None) -> bytes:
    if secret is None:
        return settings.masking_secret()
    value = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if not value:
        fix = f"pass a non-empty secret or set {settings.MASKING_SECRET_VAR}"
        raise ConfigError([Problem("secret", "the masking secret is empty", fix)])
    return value


def _key(key: str | bytes | None) -> bytes:
    if key is None:
        return settings.encryption_key()
    if isinstance(key, bytes):
        if len(key) not in settings.ENCRYPTION_KEY_SIZES:
            sizes = ", ".join(map(str, settings.ENCRYPTION_KEY_SIZES))
            raise ConfigError(
                [
                    Problem(
                        "key",
                        f"the encryption key has {len(key)} bytes; an "
                        f"AES-SIV key has {sizes} bytes",
                        "use generate_key() to make one",
                    )
                ]
            )
        return key
    raw, problem = settings.decode_encryption_key(key, "key")
    if problem is not None:
        raise ConfigError([problem])
    return raw


def _default_finder() -> FindEntities:
    try:  # loaded only when a plan has free text: detection needs Presidio and spaCy
        from syndata.privacy.detect import find_entities
    except ImportError:
        raise ConfigError(
            [
                Problem(
                    "anonymize_text",
                    "no entity finder is available",
                    "pass find_entities=... to mask_frame",
                )
            ]
        ) from None
    return find_entities
