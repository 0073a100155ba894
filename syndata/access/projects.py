"""Projects: the names that scope keys, jobs, datasets and models, and their rule.

A project is a name, not a stored row: every API key and job carries one. A single-user
install lives in ``DEFAULT_PROJECT``; admin keys of ``SERVER_PROJECT`` (``*``) see every
project. ``check_project`` is the one place the naming rule is written.
"""

from __future__ import annotations

import re

from syndata.errors import ConfigError, Problem

DEFAULT_PROJECT = "default"  # where keys and jobs of a single-user install live
SERVER_PROJECT = "*"  # the project of server admins: admin keys that see every project
PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def check_project(project: str, role: str | None = None) -> str:
    """``project`` when it is a valid project name (ConfigError naming the rule otherwise).

    Names are 1-63 lower-case letters, digits, ``_`` and ``-``, starting with a letter or
    digit. The reserved ``*`` (``SERVER_PROJECT``) makes a server admin: only admin keys
    may have it (pass the key's ``role`` to check that).
    """
    if project == SERVER_PROJECT:
        if role is not None and role != "admin":
            raise ConfigError(
                [
                    Problem(
                        "project",
                        f"only admin keys can be server admins (project {SERVER_PROJECT!r}); "
                        f"this key has the {role} role",
                        "give the key a project name, or the admin role",
                    )
                ]
            )
        return project
    if not isinstance(project, str) or not PROJECT_NAME.match(project):
        raise ConfigError(
            [
                Problem(
                    "project",
                    f"{str(project)[:80]!r} is not a project name",
                    "use 1-63 lower-case letters, digits, '_' and '-', starting with a letter "
                    f"or digit (e.g. 'marketing'), or {SERVER_PROJECT!r} for a server admin",
                )
            ]
        )
    return project
