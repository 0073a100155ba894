"""What the use-cases return, and how they report progress (``ProgressEvent``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from syndata.config import Config
    from syndata.io import TableOutput
    from syndata.model_store import StoredModel
    from syndata.models.base import AnySynthesizer
    from syndata.rules.plan import Plan


@dataclass(frozen=True)
class ProgressEvent:
    """Progress of a use-case: ``done`` of ``total`` rows, while working on ``table``."""

    stage: str
    table: str
    done: int
    total: int


Progress = Callable[[ProgressEvent], None]
Model = TypeVar("Model", bound="AnySynthesizer", covariant=True)


def stepper(progress: Progress | None, name: str, total: int) -> Callable[[str, int], None]:
    """``step(stage, done)``: report step ``done`` of ``total`` on ``name`` (if asked to)."""

    def step(stage: str, done: int) -> None:
        if progress:
            progress(ProgressEvent(stage, name, done, total))

    return step


@dataclass
class Validation:
    """The outcome of a successful validation: the config, its plan and its warnings."""

    config: Config
    plan: Plan
    warnings: list[str] = field(default_factory=list)


@dataclass
class GenerateResult:
    """What a generation run wrote."""

    outputs: list[TableOutput]
    seed: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows written over all tables."""
        return sum(o.rows for o in self.outputs)


@dataclass
class FitResult(Generic[Model]):
    """A fitted, registered model and its reports (JSON-compatible data)."""

    ref: StoredModel
    model: Model
    quality: dict[str, Any]
    privacy: dict[str, Any]
    seconds: float
    rows: int


@dataclass
class MaskResult:
    """A masked table written out, and what was done to each column."""

    path: Path
    rows: int
    columns: dict[str, dict[str, Any]]
