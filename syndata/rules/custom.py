"""Custom rule plug-ins: installed by the admin, named by a config, built only to generate.

A config names a plug-in by its registered *name* (``custom_class: sku``). The names a
config may use are:

* the entry points of group ``syndata.rules`` of installed packages, declared in the
  package's ``pyproject.toml`` under ``[project.entry-points."syndata.rules"]`` as
  ``sku = "mypkg.rules:SkuRule"``;
* the admin's allow-list ``SYNDATA_RULE_PLUGINS=sku=mypkg.rules:SkuRule,...``
  (``syndata.settings.rule_plugins``; a name there wins over an entry point's).

A dotted path (``package.module:Class``) in a config works only for a local CLI run whose
user opted in with ``--allow-plugin-paths`` (the context variable ``PLUGIN_PATHS``, set
only by the CLI; the service and its job runner never set it).

Validating a config imports nothing and builds nothing: ``resolve_plugin`` looks the name
up (listing entry points reads package metadata only) and ``check_method`` checks
``custom_method`` is a plain public name. The class is imported and built when the
column is first sampled, i.e. when generation runs, in the job's process.

A plug-in is a class built with the rule's ``parameters`` as keyword arguments and used
in one of two ways:

* vectorised (preferred): ``generate(self, n, rng) -> sequence of n values``, where
  ``rng`` is a ``numpy.random.Generator`` seeded by syndata (so output is reproducible);
* per row: the rule names ``custom_method``; the class is built without arguments and the
  method is called once per row with the rule's ``parameters`` dict (slow, for existing
  per-value code).

Example::

    class SkuRule:
        def __init__(self, prefix="SKU"):
            self.prefix = prefix
        def generate(self, n, rng):
            return [f"{self.prefix}-{i:06d}" for i in rng.integers(0, 10**6, n)]
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib.metadata import EntryPoint
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field, field_validator

from syndata import settings
from syndata.errors import GenerationError, RefusedName
from syndata.plugins import entry_point_group, installed_entry_points
from syndata.rules.base import ColumnGenerator, to_arrow
from syndata.rules.spec import Rule, RuleContext

ENTRY_POINT_GROUP = entry_point_group("rules")
PUBLIC_METHOD = re.compile(r"[a-z][a-z0-9_]*")
_DOTTED_PATH = re.compile(
    r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*|\.[A-Za-z_]\w*)"
)

PLUGIN_PATHS: ContextVar[bool] = ContextVar("syndata_plugin_paths", default=False)
"""True only inside a local CLI command run with ``--allow-plugin-paths``."""

REGISTER_HINT = (
    f"register the plug-in under a name and use that name: declare an entry point in the "
    f"group '{ENTRY_POINT_GROUP}' in the plug-in package's pyproject.toml "
    f'([project.entry-points."{ENTRY_POINT_GROUP}"] name = "package.module:Class") and '
    f"install it, or have the admin set {settings.RULE_PLUGINS_VAR}=name=package.module:Class"
)


@contextmanager
def plugin_paths_allowed(allowed: bool = True) -> Iterator[None]:
    """Within the block, dotted plug-in paths in a config are accepted (local CLI only)."""
    token = PLUGIN_PATHS.set(allowed)
    try:
        yield
    finally:
        PLUGIN_PATHS.reset(token)


@dataclass(frozen=True)
class PluginRef:
    """A plug-in a config may use: its name, what to import, where it was registered."""

    name: str
    target: str
    source: str
    entry_point: EntryPoint | None = None

    def load(self) -> type:
        """Import the class (only when generation runs); GenerationError says why not."""
        where = f"plug-in '{self.name}' ({self.target}, {self.source})"
        try:
            if self.entry_point is not None:
                loaded = self.entry_point.load()
            else:
                module_name, sep, attr = self.target.partition(":")
                if not sep:
                    module_name, _, attr = self.target.rpartition(".")
                loaded = importlib.import_module(module_name)
                for part in attr.split("."):
                    loaded = getattr(loaded, part)
        except ImportError as exc:
            raise GenerationError(
                f"{where} cannot be imported: {exc}; install the package "
                "that provides it or fix its registration"
            ) from exc
        except AttributeError as exc:
            raise GenerationError(f"{where} does not exist: {exc}; fix its registration") from exc
        if not isinstance(loaded, type):
            raise GenerationError(f"{where} is not a class; register a class")
        return loaded


def registered_plugins() -> dict[str, PluginRef]:
    """Every plug-in name a config may use (nothing is imported to list them)."""
    found = {
        ep.name: PluginRef(ep.name, ep.value, f"entry point in group '{ENTRY_POINT_GROUP}'", ep)
        for ep in installed_entry_points(ENTRY_POINT_GROUP)
    }
    for name, target in settings.rule_plugins().items():
        found[name] = PluginRef(name, target, settings.RULE_PLUGINS_VAR)
    return found


def resolve_plugin(name: str) -> PluginRef:
    """The plug-in ``name`` refers to; RefusedName (with the way to register) if none.

    A dotted path is accepted only while ``PLUGIN_PATHS`` is set (a local CLI run with
    ``--allow-plugin-paths``), and only checked for its shape here.
    """
    plugins = registered_plugins()
    if name in plugins:
        return plugins[name]
    if PLUGIN_PATHS.get() and _DOTTED_PATH.fullmatch(name):
        return PluginRef(name, name, "dotted path allowed by --allow-plugin-paths")
    known = ", ".join(sorted(plugins)) or "none"
    if _DOTTED_PATH.fullmatch(name) or ":" in name:
        why = (
            f"custom_class '{printable_name(name)}' is a code path, not a registered "
            "plug-in name; a config may only name plug-ins the installation registered "
            "(dotted paths work only for local CLI runs with --allow-plugin-paths)"
        )
    else:
        why = f"custom_class '{printable_name(name)}' is not a registered plug-in"
    raise RefusedName(f"{why}; registered: {known}", REGISTER_HINT)


def check_method(method: str | None) -> None:
    """RefusedName unless ``method`` is None or a plain public name such as ``value``."""
    if method is not None and not PUBLIC_METHOD.fullmatch(method):
        raise RefusedName(
            f"custom_method '{printable_name(method)}' is not a plain public method name",
            "name a public method of the plug-in class: lower-case letters, "
            "digits and '_', not starting with '_' (e.g. 'value')",
        )


def printable_name(text: str) -> str:
    """A name from input as shown in a message: printable, at most 80 characters."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= 80 else clean[:77] + "..."


class CustomPlugin(ColumnGenerator):
    """Values from a registered plug-in class, built on first use."""

    def __init__(
        self,
        typ: pa.DataType,
        ref: PluginRef,
        method: str | None,
        parameters: dict[str, Any],
        column: str,
    ) -> None:
        check_method(method)
        self.type = typ
        self.ref = ref
        self.column = column
        self.method_name = method
        self.parameters = parameters
        self._plugin: Any = None

    @property
    def plugin(self) -> object:
        """The plug-in object: its class imported and built now, once."""
        if self._plugin is None:
            cls = self.ref.load()
            try:
                plugin = cls(**self.parameters) if self.method_name is None else cls()
            except TypeError as exc:
                raise GenerationError(
                    f"plug-in '{self.ref.name}' of column '{self.column}' "
                    f"rejected parameters {sorted(self.parameters)}: {exc}"
                ) from exc
            attr = self.method_name or "generate"
            if not callable(getattr(plugin, attr, None)):
                raise GenerationError(
                    f"plug-in '{self.ref.name}' has no method '{attr}'; "
                    "implement generate(n, rng) or name custom_method"
                )
            self._plugin = plugin
        return self._plugin

    def sample(self, n: int, rng: np.random.Generator, start: int) -> pa.Array:
        """``n`` values from the plug-in, checked for count and type."""
        plugin = self.plugin
        try:
            method = getattr(plugin, self.method_name or "generate")
            if self.method_name is None:
                values = method(n, rng)
            else:
                values = [method(self.parameters) for _ in range(n)]
            out = to_arrow(values, self.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            raise GenerationError(
                f"custom rule of column '{self.column}' returned values that "
                f"are not {self.type}: {exc}"
            ) from exc
        except Exception as exc:
            raise GenerationError(f"custom rule of column '{self.column}' failed: {exc}") from exc
        if len(out) != n:
            raise GenerationError(
                f"custom rule of column '{self.column}' returned {len(out)} "
                f"values for {n} rows; return exactly n values"
            )
        return out


class CustomRule(Rule):
    """A plug-in class that makes the values.

    ``custom_class`` is the name of a plug-in the installation registered: an entry point
    of group ``syndata.rules`` or a name in the admin's ``SYNDATA_RULE_PLUGINS``. A dotted
    path (``package.module:Class``) works only for local CLI runs with
    ``--allow-plugin-paths``. ``parameters`` go to its constructor. Validation imports
    nothing: the class is loaded when the column is generated.

    The class implements ``generate(n, rng) -> sequence of n values`` (vectorised), or
    names a per-row method in ``custom_method`` (a plain public name) that is called with
    ``parameters``.
    """

    type: Literal["custom"] = "custom"
    custom_class: str = Field(min_length=1, max_length=200)
    custom_method: str | None = Field(default=None, max_length=100)
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("custom_class")
    @classmethod
    def _plugin_name(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("custom_class is empty; name a registered plug-in")
        return name.strip()

    @field_validator("custom_method")
    @classmethod
    def _public_method(cls, method: str | None) -> str | None:
        if method is not None and not PUBLIC_METHOD.fullmatch(method):
            raise ValueError(
                f"custom_method {method[:40]!r} is not a plain public method name; "
                "use lower-case letters, digits and '_', not starting with '_'"
            )
        return method

    def generator(self, context: RuleContext) -> ColumnGenerator:
        """The registered plug-in, looked up by name only: built when first sampled."""
        return CustomPlugin(
            context.arrow_type,
            resolve_plugin(self.custom_class),
            self.custom_method,
            self.parameters,
            context.column,
        )
