"""Custom rule plug-ins.

A plug-in is a class, found by entry-point name (group ``syndata.rules``) or by dotted
path (``package.module:Class`` or ``package.module.Class``). It is built with the rule's
``parameters`` as keyword arguments and is used in one of two ways:

* vectorised (preferred): ``generate(self, n, rng) -> sequence of n values``, where
  ``rng`` is a ``numpy.random.Generator`` seeded by syndata (so output is reproducible);
* per row: the rule names ``custom_method``; it is called once per row with the rule's
  ``parameters`` dict (slow, for existing per-value code).

Example::

    class SkuRule:
        def __init__(self, prefix="SKU"):
            self.prefix = prefix
        def generate(self, n, rng):
            return [f"{self.prefix}-{i:06d}" for i in rng.integers(0, 10**6, n)]
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

import numpy as np
import pyarrow as pa

from syndata.errors import GenerationError
from syndata.rules.base import ColumnGenerator, to_arrow

ENTRY_POINT_GROUP = "syndata.rules"


def load_plugin_class(name: str) -> type:
    """The class named by an entry point or a dotted path; ValueError says why not."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            loaded = ep.load()
            if not isinstance(loaded, type):
                raise ValueError(f"entry point '{name}' does not name a class")
            return loaded
    module_name, sep, attr = name.partition(":")
    if not sep:
        module_name, _, attr = name.rpartition(".")
    if not module_name or not attr:
        raise ValueError(
            f"custom_class '{name}' is neither a registered plug-in (entry point group "
            f"'{ENTRY_POINT_GROUP}') nor a dotted path like 'package.module:Class'"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import module '{module_name}' for custom_class '{name}': "
                         f"{exc}; install it or fix the path") from exc
    cls = getattr(module, attr, None)
    if not isinstance(cls, type):
        raise ValueError(f"module '{module_name}' has no class '{attr}'")
    return cls


class CustomPlugin(ColumnGenerator):
    """Values from a user's plug-in class."""

    def __init__(self, typ: pa.DataType, class_name: str, method: str | None,
                 parameters: dict[str, Any], column: str) -> None:
        self.type = typ
        self.column = column
        self.method_name = method
        self.parameters = parameters
        cls = load_plugin_class(class_name)
        try:
            self.plugin = cls(**parameters) if method is None else cls()
        except TypeError as exc:
            raise ValueError(f"custom_class '{class_name}' rejected parameters "
                             f"{sorted(parameters)}: {exc}") from exc
        attr = method or "generate"
        if not callable(getattr(self.plugin, attr, None)):
            raise ValueError(f"custom_class '{class_name}' has no method '{attr}'; "
                             "implement generate(n, rng) or name custom_method")

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` values from the plug-in, checked for count and type."""
        try:
            if self.method_name is None:
                values = self.plugin.generate(n, rng)
            else:
                method = getattr(self.plugin, self.method_name)
                values = [method(self.parameters) for _ in range(n)]
            out = to_arrow(values, self.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            raise GenerationError(f"custom rule of column '{self.column}' returned values that "
                                  f"are not {self.type}: {exc}") from exc
        except Exception as exc:
            raise GenerationError(f"custom rule of column '{self.column}' failed: {exc}") from exc
        if len(out) != n:
            raise GenerationError(f"custom rule of column '{self.column}' returned {len(out)} "
                                  f"values for {n} rows; return exactly n values")
        return out
