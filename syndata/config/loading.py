"""Reading a config: YAML/JSON files and text to data, data to a validated Config.

``load_config`` reads a file, ``parse_config`` a mapping; both raise ``ConfigError``
with *every* problem found, each with its path (``tables[1].columns[2].rule``) and a fix.
``dump_config`` writes one back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from syndata.config.models import Config
from syndata.config.problems import dedupe, partial_config, validation_problems
from syndata.config.references import reference_problems
from syndata.errors import ConfigError, Problem


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML or JSON config file; raise ConfigError with every problem."""
    return parse_config(read_config_data(path), source=str(path))


def read_config_data(path: str | Path) -> Any:
    """The plain data of a YAML or JSON config file (syntax errors carry line numbers)."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [Problem("", f"config file {source} does not exist", "check the path")], source
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            [
                Problem(
                    "", f"cannot read config file {source}: {exc}", "pass a UTF-8 YAML or JSON file"
                )
            ],
            source,
        ) from exc
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return load_text(text, fmt=fmt, source=source)


def load_text(text: str, *, fmt: str = "yaml", source: str = "<config>") -> Any:
    """Parse YAML or JSON text; syntax errors become a ConfigError with line and column."""
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                [
                    Problem(
                        f"{source}:{exc.lineno}:{exc.colno}",
                        f"JSON syntax error: {exc.msg}",
                        f"fix the JSON at line {exc.lineno}, column {exc.colno}",
                    )
                ],
                source,
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        msg = f"YAML syntax error: {what}" + (f" ({context})" if context else "")
        fix = f"fix the YAML at line {mark.line + 1}" if mark else "fix the YAML syntax"
        raise ConfigError([Problem(where, msg, fix)], source) from None


def parse_config(data: Any, *, source: str | None = None) -> Config:
    """Validate plain data as a Config; raise ConfigError listing every problem."""
    config, problems = check_data(data)
    if problems or config is None:
        raise ConfigError(problems, source)
    return config


def check_data(data: Any) -> tuple[Config | None, list[Problem]]:
    """Validate plain data without raising: the config (partial when invalid) and problems.

    A partial config keeps what validated, so later checks can still run in the same pass.
    """
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        return None, [
            Problem("", f"the config is {kind}, not a mapping", "start the file with 'tables:'")
        ]
    problems: list[Problem] = []
    config: Config | None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems += validation_problems(exc, data)
        config = partial_config(data)
    if config is not None:
        problems += reference_problems(config)
    return config, dedupe(problems)


def dump_config(config: Config, path: str | Path) -> None:
    """Write a config as YAML (``.yaml``/``.yml``) or JSON (anything else)."""
    path = Path(path)
    data = config.to_dict()
    if path.suffix.lower() in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
