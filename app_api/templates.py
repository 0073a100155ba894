"""The shipped configuration templates: ``examples/sample_configs/*`` and ``examples/*_config.*``.

A name from a request never becomes a path: it is looked up in the listing, which is
built from the files found, so only shipped files can be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndata.config import load_text
from syndata.errors import ConfigError, JobNotFoundError

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


@dataclass(frozen=True)
class Template:
    """One shipped template."""

    name: str
    path: Path
    format: str

    @property
    def filename(self) -> str:
        """The file's name."""
        return self.path.name

    def text(self) -> str:
        """The file's text."""
        return self.path.read_text(encoding="utf-8")

    def config(self) -> dict[str, Any]:
        """The configuration as plain data."""
        data = load_text(self.text(), fmt=self.format, source=self.filename)
        return data if isinstance(data, dict) else {}

    def description(self) -> str:
        """The first comment line, else the tables it names."""
        try:
            text = self.text()
        except OSError:
            return ""
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                return stripped.lstrip("#").strip()
            if stripped:
                break
        try:
            tables = self.config().get("tables") or []
        except ConfigError:
            return ""
        names = [str(t.get("table_name")) for t in tables if isinstance(t, dict)]
        return f"tables: {', '.join(names)}" if names else ""


def listing(root: Path = EXAMPLES_DIR) -> dict[str, Template]:
    """Every template by name; ``sample_configs`` wins over a same-named top-level file."""
    found: dict[str, Template] = {}
    candidates = [*sorted((root / "sample_configs").glob("*")), *sorted(root.glob("*_config.*"))]
    for path in candidates:
        fmt = SUFFIXES.get(path.suffix.lower())
        if fmt is None or not path.is_file():
            continue
        found.setdefault(path.stem, Template(path.stem, path, fmt))
    return dict(sorted(found.items()))


def find(name: str, root: Path = EXAMPLES_DIR) -> Template:
    """The template called ``name`` (or its file name); JobNotFoundError when none is."""
    templates = listing(root)
    if name in templates:
        return templates[name]
    for template in templates.values():
        if template.filename == name:
            return template
    known = ", ".join(templates) or "(none shipped)"
    raise JobNotFoundError(f"no template named {name[:100]!r}; templates: {known}")
