"""The scikit-learn estimator contract of every model, and the multi-table base class."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import ClassVar, Self

import pandas as pd

from syndata.errors import ModelError
from syndata.metadata import Metadata


class _Estimator:
    """The scikit-learn contract: ``__init__`` stores its keyword arguments, nothing else."""

    model_type: ClassVar[str] = ""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict[str, object]:
        """The hyper-parameters given to ``__init__`` (``deep`` as scikit-learn's, unused)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: object) -> Self:
        """Change hyper-parameters (scikit-learn's contract, so ``sklearn.clone`` works)."""
        unknown = sorted(set(params) - set(self._param_names()))
        if unknown:
            raise ModelError(
                f"unknown parameter(s) {', '.join(unknown)} of {type(self).__name__}; it takes "
                f"{', '.join(self._param_names()) or 'none'}"
            )
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


class MultiTableSynthesizer(_Estimator, ABC):
    """Base class of synthesizers of a relational schema (tables and their foreign keys).

    ``fit(tables, metadata)`` learns from ``{table name: frame}`` and a ``Metadata`` with
    its relationships; ``sample_tables(scale, seed=..., rows=...)`` yields ``(table,
    frame)`` parents first, at ``scale`` times the fitted sizes (or with ``rows`` of one
    table, the others following); ``sample`` collects them in a dict.
    """

    metadata_: Metadata  # learned by ``fit``: the schema it was fitted on

    @abstractmethod
    def fit(self, tables: Mapping[str, pd.DataFrame], metadata: Metadata) -> Self:
        """Learn every table of ``metadata`` from ``tables``."""

    @abstractmethod
    def sample_tables(
        self, scale: float = 1.0, *, seed: int | None = None, rows: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, pd.DataFrame]]:
        """``(table, frame)`` in dependency order."""

    def sample(
        self, scale: float = 1.0, *, seed: int | None = None, rows: Mapping[str, int] | None = None
    ) -> dict[str, pd.DataFrame]:
        """Every table, at ``scale`` times the fitted row counts (or ``rows`` of one)."""
        return dict(self.sample_tables(scale, seed=seed, rows=rows))
