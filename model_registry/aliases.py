"""Aliases of model versions (``name@champion``): set them, with the registry's rules.

``latest`` and ``v<number>`` are MLflow's own version names and are reserved. Setting an
alias is an audit line (``register``) written here, so the CLI and the API audit it alike.
"""

from __future__ import annotations

import re

from model_registry import refs, store
from model_registry.refs import DEFAULT_PROJECT
from syndata.errors import ConfigError, OutputError, Problem
from syndata.privacy import audit

ALIAS_PATTERN = r"^[A-Za-z0-9_-]{1,255}$"
RESERVED_ALIAS = r"^(?:[vV][0-9]+|[lL][aA][tT][eE][sS][tT])$"  # MLflow's own version names


def set_alias(
    name: str,
    alias: str,
    version: str | int,
    project: str = DEFAULT_PROJECT,
    *,
    actor: str | None = None,
    via: str = "cli",
) -> None:
    """Point ``project``'s ``name@alias`` at ``version`` (moving it if it pointed elsewhere).

    ``latest`` and ``v<number>`` are reserved (ConfigError); the change is an audit line
    (``register``, by ``actor``, ``via`` the CLI or the API).
    """
    if not re.match(ALIAS_PATTERN, alias) or re.match(RESERVED_ALIAS, alias):
        why = (
            "is reserved by the model registry"
            if re.match(RESERVED_ALIAS, alias)
            else ("is not 1-255 letters, digits, '_' or '-'")
        )
        raise ConfigError(
            [Problem("alias", f"the alias {alias!r} {why}", "choose another alias, e.g. champion")]
        )
    _point_alias(name, alias, version, project)
    audit.record(
        "register", actor=actor, model=f"{name}:{version}", details={"alias": alias, "via": via}
    )


def _point_alias(name: str, alias: str, version: str | int, project: str) -> None:
    client = store.client()
    model = refs.registered_model(client, name, project)
    found = refs.model_version(client, model.name, str(version), shown=name)
    with store.translated(f"setting alias '{alias}' of model '{name}'", OutputError):
        client.set_registered_model_alias(model.name, alias, str(found.version))
