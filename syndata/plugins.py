"""The one plug-in mechanism: a registry per kind, filled from built-ins and entry points.

Each kind of extension (rules, models, recognizers, masking operators) has one
``Registry``: the built-ins register in code, and installed packages add their own
through an entry point group, ``syndata.<kind>``, declared in their ``pyproject.toml``::

    [project.entry-points."syndata.models"]
    my_model = "mypkg.models:MyModel"

Listing names reads package metadata only; a plug-in is imported when it is first
looked up by name, and must be a subclass of the kind's base class. Only what the
installation registered can be named: input (a config, a request) picks a registered
name, never a path to code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Generic, TypeVar

from syndata.errors import PluginError

T = TypeVar("T")

ENTRY_POINT_PREFIX = "syndata."


def entry_point_group(kind: str) -> str:
    """The entry point group a package registers plug-ins of ``kind`` in."""
    return f"{ENTRY_POINT_PREFIX}{kind}"


_listing_cache: dict[str, tuple[tuple[tuple[str, float], ...], tuple[EntryPoint, ...]]] = {}


def installed_entry_points(group: str) -> tuple[EntryPoint, ...]:
    """The group's entry points, listed again when ``sys.path`` or a folder on it changes."""
    key = tuple((entry, _mtime(entry)) for entry in sys.path)
    cached = _listing_cache.get(group)
    if cached is None or cached[0] != key:
        cached = (key, tuple(entry_points(group=group)))
        _listing_cache[group] = cached
    return cached[1]


def _mtime(path: str) -> float:
    try:
        return os.stat(path or ".").st_mtime
    except OSError:
        return -1.0


@dataclass
class Registry(Generic[T]):
    """The registered classes of one kind, by name: built-ins first, then entry points.

    ``kind`` names the entry point group (``syndata.<kind>``) and the messages; every
    class must subclass ``base``. A built-in name cannot be replaced by a plug-in.
    """

    kind: str
    base: type[T]
    _builtins: dict[str, type[T]] = field(default_factory=dict)
    _loaded: dict[str, type[T]] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """The entry point group of this kind."""
        return entry_point_group(self.kind)

    def register(self, name: str, cls: type[T]) -> type[T]:
        """Register a built-in ``cls`` under ``name`` (returns it, to use as a decorator)."""
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise PluginError(f"{self.kind} '{name}' must be a subclass of {self.base.__name__}")
        self._builtins[name] = cls
        return cls

    def names(self) -> list[str]:
        """Every registered name (built-ins in registration order, then plug-ins sorted)."""
        plugins = sorted(
            ep.name for ep in installed_entry_points(self.group) if ep.name not in self._builtins
        )
        return [*self._builtins, *dict.fromkeys(plugins)]

    def builtin_names(self) -> list[str]:
        """The names registered in code, in registration order."""
        return list(self._builtins)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> type[T]:
        """The class registered as ``name``; PluginError names the known ones if none."""
        if name in self._builtins:
            return self._builtins[name]
        if name in self._loaded:
            return self._loaded[name]
        for ep in installed_entry_points(self.group):
            if ep.name == name:
                cls = self._load(ep)
                self._loaded[name] = cls
                return cls
        raise PluginError(
            f"unknown {self.kind} '{_printable(name)}'; the known ones are "
            f"{', '.join(self.names()) or 'none'}",
            fix=(
                f"use one of those names, or install a package that registers '{name}' in "
                f"the entry point group '{self.group}'"
            ),
        )

    def items(self) -> list[tuple[str, type[T]]]:
        """Every (name, class) pair, importing the installed plug-ins."""
        return [(name, self.get(name)) for name in self.names()]

    def _load(self, ep: EntryPoint) -> type[T]:
        where = f"{self.kind} plug-in '{ep.name}' ({ep.value}, group '{self.group}')"
        try:
            loaded = ep.load()
        except (ImportError, AttributeError) as exc:
            raise PluginError(
                f"{where} cannot be loaded: {exc}",
                fix="install the package that provides it or fix its entry point",
            ) from exc
        if not (isinstance(loaded, type) and issubclass(loaded, self.base)):
            raise PluginError(
                f"{where} is not a subclass of {self.base.__name__}",
                fix=f"register a class derived from {self.base.__module__}.{self.base.__name__}",
            )
        return loaded


def _printable(text: str) -> str:
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= 80 else clean[:77] + "..."
