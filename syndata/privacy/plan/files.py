"""Privacy plan files: read and validate one (``load_plan``), write one (``dump_plan``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

from syndata.errors import ConfigError
from syndata.privacy.plan.checks import name_problems, plan_problems, raw_names
from syndata.privacy.plan.privacy_plan import PrivacyPlan


def load_plan(
    source: str | Path | Mapping[str, Any],
    *,
    columns: Iterable[Any] | Mapping[str, Iterable[Any]] | None = None,
    table: str | None = None,
) -> PrivacyPlan:
    """Read a plan from a YAML/JSON file (or plain data) and validate it.

    With ``columns`` (as ``PrivacyPlan.check`` takes them), columns the data lacks are
    reported too. Raise ConfigError listing every problem, each with its path and fix.
    """
    if isinstance(source, Mapping):
        data: Any = source
        where: str | None = None
    else:
        from syndata.config import read_config_data

        data, where = read_config_data(source), str(source)
    problems = plan_problems(data)
    if columns is not None and isinstance(data, Mapping):
        problems += name_problems(raw_names(data), columns, table)
    if problems:
        raise ConfigError(problems, where)
    return PrivacyPlan.model_validate(_named(data))


def _named(data: Mapping[str, Any]) -> dict[str, Any]:
    """Valid plan data with every table and column name as text (YAML may read numbers)."""
    out: dict[str, Any] = {}
    if data.get("columns"):
        out["columns"] = {str(n): e for n, e in data["columns"].items()}
    if data.get("tables"):
        out["tables"] = {
            str(t): {"columns": {str(n): e for n, e in (table.get("columns") or {}).items()}}
            for t, table in data["tables"].items()
        }
    return out


def dump_plan(
    plan: PrivacyPlan, path: str | Path | None = None, *, fmt: Literal["yaml", "json"] | None = None
) -> str:
    """The plan as YAML (or JSON: ``fmt="json"`` or a ``.json`` path); written to ``path``."""
    if fmt is None:
        fmt = "json" if path is not None and Path(path).suffix.lower() == ".json" else "yaml"
    data = plan.to_dict()
    text = (
        json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if fmt == "json"
        else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
