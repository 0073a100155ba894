"""The decision proposed for a column from its PII findings, for users to review."""

from __future__ import annotations

from typing import Any

from syndata.errors import PluginError
from syndata.privacy.entities import is_direct
from syndata.privacy.operators import OPERATORS
from syndata.privacy.plan.decision import ColumnPlan


def propose(findings: list[Any]) -> ColumnPlan:
    """The decision proposed for one column from its findings."""
    suggestions = [
        str(getattr(f, "suggested_operator", None) or getattr(f, "operator", None) or "")
        .strip()
        .lower()
        for f in findings
    ]
    entities = list(dict.fromkeys(str(f.entity) for f in findings if f.entity))
    if "anonymize_text" in suggestions:
        return ColumnPlan(
            action="mask",
            operator="anonymize_text",
            entity=entities[0] if len(entities) == 1 else None,
            note=f"proposed from detection: {', '.join(entities)} in free text",
        )
    suggested, entity = suggestions[0], (entities[0] if entities else None)
    if entities and not any(is_direct(e) for e in entities):
        return ColumnPlan(
            action="allow",
            entity=entity,
            note=(
                f"quasi-identifier ({', '.join(entities)}): learned as data, frequent values "
                "only; the privacy report measures its risk; to coarsen it, mask it with "
                "operator generalize"
            ),
        )
    note = f"proposed from detection: {entity or 'PII'}"
    if suggested in ("allow", "regenerate", "drop"):
        return ColumnPlan(action=suggested, entity=entity, note=note)  # type: ignore[arg-type]
    params = _default_params(suggested, entity)
    if params is None:
        why = (
            f"no fake provider for entity {entity}"
            if suggested == "fake"
            else f"suggested operator '{suggested}' needs parameters or is unknown"
        )
        return ColumnPlan(
            action="mask",
            operator="redact",
            entity=entity,
            note=f"{note}; redacted: {why} — choose another operator",
        )
    return ColumnPlan(action="mask", operator=suggested, params=params, entity=entity, note=note)


def _default_params(operator: str, entity: str | None) -> dict[str, Any] | None:
    """Default parameters of a suggested operator, or None when it cannot apply."""
    if operator not in OPERATORS:
        return None
    try:
        return OPERATORS.get(operator).default_params(entity)
    except PluginError:
        return None
