"""What PII detection reports: a finding per flagged column, and the report of a table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from syndata.privacy.entities import IdentifierClass, identifier_class
from syndata.privacy.pii_vocabulary import DEFAULT_OPERATOR

Kind = Literal["column", "free_text"]


@dataclass(frozen=True)
class PiiFinding:
    """Personal data found in one column.

    ``entity`` is the column's entity (``FREE_TEXT`` for free text), ``score`` the mean
    analyzer score of the values it matched, ``share`` the share of sampled values it
    matched, ``evidence`` the number of sampled values each entity matched (whole values
    for a column finding, values containing it for free text), ``operator`` the masking
    operator suggested for the column and ``operators`` one per entity in ``evidence``.
    """

    column: str
    entity: str
    kind: Kind
    score: float
    share: float
    sampled: int
    evidence: dict[str, int] = field(default_factory=dict)
    operator: str = DEFAULT_OPERATOR
    operators: dict[str, str] = field(default_factory=dict)

    @property
    def identifier(self) -> IdentifierClass:
        """``direct`` (regenerated or masked by default) or ``quasi`` (learned as data)."""
        return identifier_class(self.entity)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (counts and names only, no values)."""
        return {**asdict(self), "identifier": self.identifier}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PiiFinding:
        """The finding :meth:`to_dict` gave."""
        return cls(**{k: v for k, v in data.items() if k != "identifier"})


@dataclass(frozen=True)
class PiiReport:
    """The findings of :func:`detect_pii`, one per flagged column, in column order."""

    findings: list[PiiFinding]
    columns_scanned: list[str]
    seconds: float
    sample_size: int
    threshold: float

    @property
    def columns(self) -> list[str]:
        """The flagged columns."""
        return [f.column for f in self.findings]

    def get(self, column: str) -> PiiFinding | None:
        """The finding of ``column``, or None when it was not flagged."""
        return next((f for f in self.findings if f.column == column), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (counts and names only, no values)."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            "columns_scanned": list(self.columns_scanned),
            "seconds": self.seconds,
            "sample_size": self.sample_size,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PiiReport:
        """The report :meth:`to_dict` gave (stored in a profile, say)."""
        return cls(
            findings=[PiiFinding.from_dict(f) for f in data["findings"]],
            columns_scanned=list(data["columns_scanned"]),
            seconds=data["seconds"],
            sample_size=data["sample_size"],
            threshold=data["threshold"],
        )

    def summary(self) -> str:
        """One line per flagged column, for a terminal or a log."""
        head = (
            f"PII in {len(self.findings)} of {len(self.columns_scanned)} columns "
            f"({self.seconds:.2f} s)"
        )
        lines = [
            f"  {f.column}: {f.entity} ({f.kind}, {f.share:.0%} of {f.sampled} values, "
            f"score {f.score:.2f}) -> "
            + (f.operator if f.identifier == "direct" else "quasi-identifier: learned")
            for f in self.findings
        ]
        return "\n".join([head, *lines])
