"""Pure helpers of the UI: reading uploads, the PII review and its plan, metrics, formats.

Nothing here calls Streamlit or the API, so all of it is tested directly.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

import pandas as pd

from syndata.errors import PluginError
from syndata.privacy.entities import is_direct
from syndata.privacy.operators import OPERATORS
from syndata.privacy.plan import ACTIONS, Action

UPLOAD_TYPES = ("csv", "parquet", "json", "jsonl")
MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

# The PII review offers, per column, the plan's actions (syndata.privacy.plan), with
# ``mask`` spelled out as the operators that need no parameters. The reversible ones
# (encrypt, decrypt) are left to `syndata mask`: a model would learn ciphertext.
MASK: Action = "mask"
DEFAULT_DECISION: Action = "regenerate"
_REVERSIBLE = ("encrypt", "decrypt")
_WITH_ENTITY: tuple[Action, ...] = (MASK, DEFAULT_DECISION)  # the entity picks fake values


def _review_operators() -> list[str]:
    """The registered operators (plug-ins too) that need no parameters."""
    names = []
    for name in OPERATORS.names():
        if name in ACTIONS or name in _REVERSIBLE:
            continue
        try:
            params = OPERATORS.get(name).params_model
        except PluginError:  # a broken plug-in is left out of the review, not the page
            continue
        if not any(field.is_required() for field in params.model_fields.values()):
            names.append(name)
    return names


REVIEW_OPERATORS = _review_operators()

# what the review offers per column -> the plan entry it writes
DECISIONS: dict[str, dict[str, Any]] = {
    DEFAULT_DECISION: {"action": DEFAULT_DECISION},
    **{name: {"action": MASK, "operator": name} for name in REVIEW_OPERATORS},
    **{a: {"action": a} for a in ACTIONS if a not in (MASK, DEFAULT_DECISION)},
}
DECISION_HELP = (
    f"{DEFAULT_DECISION}: new Faker values of the same kind (no real value is learned) · "
    + " / ".join(REVIEW_OPERATORS)
    + ": mask the real values before the model learns them (fake and hash are keyed by the "
    "server's masking secret) · drop: remove the column · allow: learn the values as they "
    "are (the default of quasi-identifiers such as states, cities and dates of birth: "
    "frequent values only)"
)
REVIEW_COLUMNS = ["table", "column", "entity", "score", "suggested", "decision"]


def model_choices(schema: bool) -> list[str]:
    """The registered models the UI offers: for a schema, the multi-table ones first.

    The optional SDV adapters (``sdv_*``, a separately licensed extra) are not offered.
    """
    from syndata.models import MODELS, SCHEMA_MODELS  # numpy, scipy, sklearn: load on use

    single = [name for name in MODELS if not name.startswith("sdv_")]
    return [*SCHEMA_MODELS, *single] if schema else single


def read_frame(filename: str, data: bytes) -> pd.DataFrame:
    """The table in an uploaded file (.csv, .parquet, .json or .jsonl)."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    buffer = io.BytesIO(data)
    if suffix == "parquet":
        return pd.read_parquet(buffer)
    if suffix == "jsonl":
        return pd.read_json(buffer, lines=True)
    if suffix == "json":
        text = data.decode("utf-8").lstrip()
        if text.startswith("["):
            return pd.DataFrame(json.loads(text))
        return pd.read_json(io.StringIO(text), lines=True)
    if suffix == "csv":
        return pd.read_csv(buffer)
    raise ValueError(f"cannot read {filename!r}: use one of .{', .'.join(UPLOAD_TYPES)}")


def model_name_for(table: str) -> str:
    """A valid registered-model name derived from a table name."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", table).strip("_.-")[:100]
    return name if name and MODEL_NAME.match(name) else "model"


# ---------------------------------------------------------------------- PII review


def review_rows(
    findings: Mapping[str, Iterable[Mapping[str, Any]]],
    extra: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """The PII review table: one row per flagged column (and per column added by hand).

    ``findings`` maps a table to its profile's PII findings (``column``, ``entity``,
    ``score``, ``operator``); ``extra`` maps a table to more columns to decide on. Every
    row starts at ``regenerate``, but a quasi-identifier's (a state, a city, a date of birth)
    at ``allow``: learned as data, frequent values only; ``suggested`` is the detector's own
    proposal.
    """
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for table, found in findings.items():
        for finding in found:
            column = str(finding.get("column"))
            if (table, column) in seen:
                continue
            seen.add((table, column))
            score = finding.get("score")
            rows.append(
                {
                    "table": table,
                    "column": column,
                    "entity": str(finding.get("entity") or ""),
                    "score": round(float(score), 3) if score is not None else None,
                    "suggested": str(finding.get("operator") or ""),
                    "decision": "allow"
                    if finding.get("identifier") == "quasi"
                    or (finding.get("entity") and not is_direct(str(finding.get("entity"))))
                    else DEFAULT_DECISION,
                }
            )
    for table, columns in (extra or {}).items():
        for column in columns:
            if (table, column) not in seen:
                seen.add((table, column))
                rows.append(
                    {
                        "table": table,
                        "column": column,
                        "entity": "",
                        "score": None,
                        "suggested": "",
                        "decision": DEFAULT_DECISION,
                    }
                )
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def plan_entry(decision: str, entity: str | None = None) -> dict[str, Any]:
    """The plan's entry for one column's decision (``ValueError`` for an unknown one)."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
    entry = dict(DECISIONS[decision])
    if entity and entry["action"] in _WITH_ENTITY:
        entry["entity"] = entity
    return entry


def plan_from_review(
    review: pd.DataFrame, *, tables: Iterable[str] | None = None
) -> dict[str, Any] | None:
    """The privacy plan of the reviewed rows, or None when nothing is to decide.

    One table (or ``tables`` naming one): ``{"columns": {...}}``; several:
    ``{"tables": {name: {"columns": {...}}}}``.
    """
    names = list(dict.fromkeys(tables or []))
    decided: dict[str, dict[str, Any]] = {}
    for row in review.to_dict("records"):
        decision = str(row.get("decision") or DEFAULT_DECISION)
        entity = str(row.get("entity") or "") or None
        decided.setdefault(str(row["table"]), {})[str(row["column"])] = plan_entry(decision, entity)
        if str(row["table"]) not in names:
            names.append(str(row["table"]))
    if not decided:
        return None
    if len(names) <= 1:
        return {"columns": next(iter(decided.values()))}
    return {"tables": {t: {"columns": cols} for t, cols in decided.items()}}


# ---------------------------------------------------------------------- profile


def profile_frame(profile: Mapping[str, Any]) -> pd.DataFrame:
    """A profile's columns as a table: kind, type, nulls, distinct values, stats, PII."""
    rows = []
    for column in profile.get("columns") or []:
        top = column.get("top_values") or []
        rows.append(
            {
                "column": column.get("name"),
                "kind": column.get("kind"),
                "type": column.get("dtype"),
                "nulls": column.get("null_share"),
                "distinct": column.get("distinct"),
                "unique": bool(column.get("unique")),
                "min": _plain(column.get("min")),
                "max": _plain(column.get("max")),
                "mean": _round(column.get("mean")),
                "std": _round(column.get("std")),
                "top values": (
                    "(hidden: personal data)"
                    if column.get("hidden_values")
                    else ", ".join(str(t.get("value")) for t in top[:3])
                ),
                "PII": column.get("pii") or "",
                "key": (
                    "primary key"
                    if column.get("name") == profile.get("primary_key")
                    else "candidate"
                    if column.get("candidate_primary_key")
                    else ""
                ),
            }
        )
    return pd.DataFrame(rows)


def kinds_of(profile: Mapping[str, Any] | None) -> dict[str, str]:
    """Column -> kind (numerical, categorical, id, datetime, text, email, ...)."""
    return {str(c.get("name")): str(c.get("kind")) for c in (profile or {}).get("columns") or []}


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _round(value: Any) -> float | None:
    if value is None or not isinstance(value, int | float) or math.isnan(float(value)):
        return None
    return round(float(value), 4)


# ---------------------------------------------------------------------- scores


def quality_verdict(score: float | None) -> tuple[str, str]:
    """The verdict of an overall quality score: (label, level) with level for colouring."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return "not scored", "info"
    if score >= 0.8:
        return "good", "success"
    if score >= 0.6:
        return "fair", "warning"
    return "poor", "error"


def privacy_level(verdict: str | None) -> str:
    """Success / warning / error / info for a privacy verdict (pass, warn, fail)."""
    return {"pass": "success", "warn": "warning", "fail": "error"}.get(
        str(verdict or "").lower(), "info"
    )


def consistency_rows(quality: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rules of a quality report (one table's or a schema's), most broken first.

    One row per rule: its ``table`` (schemas only), the ``rule`` as a sentence, its
    ``kind``, the share of ``real`` and of ``synthetic`` rows breaking it, and the
    synthetic ``rows breaking it``. Rules name columns and counts only, never a value.
    """
    found = [(None, c) for c in quality.get("constraints") or []]
    for table, scores in (quality.get("tables") or {}).items():
        found += [(table, c) for c in (scores or {}).get("constraints") or []]
    rows = [
        {
            **({"table": table} if quality.get("tables") else {}),
            "rule": c.get("description"),
            "kind": c.get("kind"),
            "real": c.get("real_violation_share"),
            "synthetic": c.get("synthetic_violation_share"),
            "rows breaking it": c.get("synthetic_violating_rows"),
        }
        for table, c in found
    ]
    return sorted(rows, key=lambda r: -(r["synthetic"] or 0.0))


def pct(value: float | None, digits: int = 1) -> str:
    """``0.8695`` -> ``86.9%``; None -> ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * float(value):.{digits}f}%"


# ---------------------------------------------------------------------- jobs and metrics


def jobs_frame(jobs: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Jobs as a table for display."""
    rows = []
    for job in jobs:
        duration = job.get("duration_seconds")
        rows.append(
            {
                "job": job.get("job_id"),
                "type": job.get("job_type"),
                "status": job.get("status"),
                "progress": float(job.get("progress") or 0.0),
                "stage": job.get("stage"),
                "rows": job.get("rows"),
                "priority": job.get("priority"),
                "created": str(job.get("created_at") or "")[:19].replace("T", " "),
                "seconds": round(float(duration), 1) if duration is not None else None,
                "error": job.get("error") or "",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "job",
            "type",
            "status",
            "progress",
            "stage",
            "rows",
            "priority",
            "created",
            "seconds",
            "error",
        ],
    )


_SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s+(\S+)")
_LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Samples of a Prometheus text exposition: (name, sorted labels) -> value."""
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if not match:
            continue
        try:
            value = float(match.group(3))
        except ValueError:
            continue
        labels = tuple(sorted(_LABEL.findall(match.group(2) or "")))
        samples[(match.group(1), labels)] = value
    return samples


def metric(
    samples: Mapping[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float | None:
    """One sample's value, or None when the exposition lacks it."""
    return samples.get((name, tuple(sorted(labels.items()))))


def outputs_of(job: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The output tables of a finished job's result (reports without a table left out)."""
    result = (job or {}).get("result") or {}
    return [dict(o) for o in result.get("outputs") or [] if o.get("table")]
