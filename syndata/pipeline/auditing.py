"""One audit line per use-case call: what, on which data (a fingerprint), the outcome."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ParamSpec, TypedDict, TypeVar

import pandas as pd

from syndata.config import Config
from syndata.errors import SyndataError
from syndata.pipeline.results import FitResult, GenerateResult

_P = ParamSpec("_P")
_R = TypeVar("_R")


class AuditFields(TypedDict, total=False):
    """The audit line's fields a use-case's subject and result give."""

    model: str
    dataset: str
    fingerprint: str
    rows: Mapping[str, int] | int


def audited(action: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Write one audit line per call of the use-case: what, on which data, the outcome."""

    def wrap(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def audited_call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            from syndata.privacy import audit

            fields = audit_subject(args[0] if args else next(iter(kwargs.values()), None))
            try:
                result = function(*args, **kwargs)
            except SyndataError as exc:
                audit.record(
                    action, outcome="failed", details={"error": type(exc).__name__}, **fields
                )
                raise
            fields.update(audit_result(result))
            audit.record(action, **fields)
            return result

        return audited_call

    return wrap


def audit_subject(subject: object) -> AuditFields:
    """Which dataset or model a use-case works on (a fingerprint, never values)."""
    from syndata.privacy import audit

    if isinstance(subject, pd.DataFrame):
        return {"dataset": "dataframe", "fingerprint": audit.fingerprint(subject)}
    if isinstance(subject, Mapping):
        return {"dataset": "dataframes: " + ", ".join(map(str, subject))[:150]}
    if isinstance(subject, Config):
        return {"dataset": "config: " + ", ".join(t.table_name for t in subject.tables)[:150]}
    if isinstance(subject, str | Path):
        text = str(subject)
        if "://" in text:
            return {"dataset": safe_source(text)}
        path = Path(text)
        if path.is_file():
            return {"dataset": text, "fingerprint": audit.file_fingerprint(path)}
        return {"dataset": text} if path.exists() else {"model": text}
    return {}


def audit_result(result: object) -> AuditFields:
    """What a use-case's result adds to its audit line (model version, rows)."""
    if isinstance(result, FitResult):
        return {"model": f"{result.ref.name}:{result.ref.version}", "rows": result.rows}
    if isinstance(result, GenerateResult):
        return {"rows": {o.name: o.rows for o in result.outputs}}
    return {}


def safe_source(source: str) -> str:
    """A source for the record: a database URL loses its password."""
    if "://" not in source:
        return source
    from sqlalchemy.engine import make_url

    try:
        return make_url(source).render_as_string(hide_password=True)
    except Exception:
        return source.split("://", 1)[0] + "://..."
