"""API keys: stored hashed, each with a role and a project; created, verified, revoked.

Keys live in the service database (``syndata.jobs.database``), beside the jobs. A key's
secret is shown once, when it is created, and stored only as its SHA-256 digest. Creating
and revoking a key is an audit line (``key_created`` / ``key_revoked``) written here, so
every door (the CLI, the REST API) audits it the same way.
"""

from __future__ import annotations

import builtins
import hashlib
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row

from syndata.access.projects import DEFAULT_PROJECT, SERVER_PROJECT, check_project
from syndata.errors import ConfigError, JobNotFoundError, JobStateError, Problem
from syndata.jobs.database import Database, iso
from syndata.jobs.schema import api_keys
from syndata.privacy import audit

ROLES = ("viewer", "operator", "admin")
KEY_CACHE_SECONDS = 5.0  # how long a verified API key is trusted without a lookup
MIN_SECRET_LENGTH = 16


@dataclass(frozen=True)
class ApiKey:
    """An API key as stored (never its secret)."""

    key_id: str
    name: str
    role: str
    created_at: float
    last_used_at: float | None
    revoked: bool
    project: str = DEFAULT_PROJECT

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ISO-8601 UTC timestamps."""
        out = asdict(self)
        out["created_at"] = iso(self.created_at)
        out["last_used_at"] = iso(self.last_used_at)
        return out

    @classmethod
    def of_row(cls, row: Row[Any]) -> ApiKey:
        """The key of a stored ``api_keys`` row."""
        return cls(
            row.key_id,
            row.name,
            row.role,
            row.created_at,
            row.last_used_at,
            bool(row.revoked),
            row.project,
        )


def _digest(secret: str) -> str:
    # keys are 256-bit random tokens: a plain SHA-256 is a safe one-way store for them
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _missing(key_id: str) -> JobNotFoundError:
    return JobNotFoundError(
        f"no API key {key_id!r}; list keys with `syndata keys list` or GET /keys"
    )


class KeyStore:
    """The API keys of the service database (see the module docstring)."""

    def __init__(self, url: str | None = None, *, database: Database | None = None) -> None:
        """The keys of ``database``, or of the database at ``url`` (the settings' when None)."""
        self.database = database if database is not None else Database(url)
        self._verified: dict[str, tuple[ApiKey, float]] = {}

    def create_key(
        self,
        role: str,
        name: str = "",
        secret: str | None = None,
        project: str = DEFAULT_PROJECT,
        *,
        actor: str | None = None,
        via: str = "cli",
        record: bool = True,
    ) -> tuple[ApiKey, str]:
        """Store a new key (hashed) of ``project`` and return it with its secret, shown only here.

        ``project`` is a project name (``check_project``), or ``SERVER_PROJECT`` for a
        server admin (admin role only). The creation is a ``key_created`` audit line, by
        ``actor``, ``via`` the CLI or the API; ``record=False`` only for the key the server
        makes of ``SYNDATA_API_KEY`` at start (configuration, not anyone's action).
        """
        if role not in ROLES:
            raise ConfigError(
                [Problem("role", f"unknown role {role!r}", "use one of: " + ", ".join(ROLES))]
            )
        check_project(project, role)
        secret = secret or "sk_" + secrets.token_urlsafe(32)
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                [
                    Problem(
                        "key",
                        f"an API key must have at least {MIN_SECRET_LENGTH} characters",
                        "use a long random string",
                    )
                ]
            )
        key = ApiKey("key_" + secrets.token_hex(8), name, role, time.time(), None, False, project)
        with self.database.tx() as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key.key_id,
                    name=name,
                    role=role,
                    digest=_digest(secret),
                    created_at=key.created_at,
                    last_used_at=None,
                    revoked=False,
                    project=project,
                )
            )
        if record:
            audit.record(
                "key_created",
                actor=actor,
                details={
                    "key_id": key.key_id,
                    "role": key.role,
                    "project": key.project,
                    "via": via,
                },
            )
        return key, secret

    def find_key(self, secret: str) -> ApiKey | None:
        """The stored key with this secret (revoked ones too), or None."""
        with self.database.connect() as conn:
            row = conn.execute(
                sa.select(api_keys).where(api_keys.c.digest == _digest(secret))
            ).first()
        return None if row is None else ApiKey.of_row(row)

    def verify_key(self, secret: str) -> ApiKey | None:
        """The live key with this secret, or None when unknown or revoked.

        A known key is remembered for ``KEY_CACHE_SECONDS`` in this process, so a key
        revoked elsewhere stops working within that time (at once in this process).
        """
        cached = self._verified.get(secret)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        key = self.find_key(secret)
        if key is None or key.revoked:
            return None
        now = time.time()
        if key.last_used_at is None or now - key.last_used_at > 60:
            with self.database.tx() as conn:
                conn.execute(
                    api_keys.update()
                    .where(api_keys.c.key_id == key.key_id)
                    .values(last_used_at=now)
                )
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[secret] = (key, time.monotonic() + KEY_CACHE_SECONDS)
        return key

    def list_keys(self, *, project: str | None = None) -> builtins.list[ApiKey]:
        """Every key (of ``project``), oldest first."""
        query = sa.select(api_keys).order_by(api_keys.c.created_at)
        if project is not None:
            query = query.where(api_keys.c.project == project)
        with self.database.connect() as conn:
            rows = conn.execute(query).all()
        return [ApiKey.of_row(r) for r in rows]

    def get_key(self, key_id: str) -> ApiKey:
        """The key with this id (JobNotFoundError when there is none)."""
        with self.database.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
        if row is None:
            raise _missing(key_id)
        return ApiKey.of_row(row)

    def revoke_key(
        self,
        key_id: str,
        *,
        project: str | None = None,
        actor: str | None = None,
        via: str = "cli",
    ) -> ApiKey:
        """Revoke a key (JobNotFoundError when there is none, or none in ``project``).

        The last live admin key of a project (of ``SERVER_PROJECT``: the last server admin)
        is never revoked: JobStateError asks to create another admin key first. The check
        and the update are one transaction, so two revocations cannot both pass it. The
        revocation is a ``key_revoked`` audit line, by ``actor``, ``via`` the CLI or the API.
        """
        with self.database.tx() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
            if row is None or (project is not None and row.project != project):
                raise _missing(key_id)
            if row.role == "admin" and not row.revoked:
                others = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(api_keys)
                    .where(
                        api_keys.c.project == row.project,
                        api_keys.c.role == "admin",
                        api_keys.c.revoked.is_(False),
                        api_keys.c.key_id != key_id,
                    )
                ).scalar_one()
                if not others:
                    what = (
                        "the last server admin key"
                        if row.project == SERVER_PROJECT
                        else f"the last admin key of project {row.project!r}"
                    )
                    raise JobStateError(
                        f"{key_id} is {what} and cannot be revoked: create another admin key "
                        f"first (`syndata keys create --role admin --project {row.project}`"
                        " or POST /keys), then revoke this one"
                    )
            conn.execute(api_keys.update().where(api_keys.c.key_id == key_id).values(revoked=True))
        self._verified.clear()
        audit.record("key_revoked", actor=actor, details={"key_id": key_id, "via": via})
        return self.get_key(key_id)

    def set_key_project(self, key_id: str, project: str) -> ApiKey:
        """Move a key to ``project`` (JobNotFoundError when there is no such key)."""
        with self.database.tx() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
            if row is None:
                raise JobNotFoundError(f"no API key {key_id!r}; list keys with `syndata keys list`")
            check_project(project, row.role)
            conn.execute(
                api_keys.update().where(api_keys.c.key_id == key_id).values(project=project)
            )
        self._verified.clear()
        return self.get_key(key_id)

    def count_keys(self) -> int:
        """How many live keys exist."""
        with self.database.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(api_keys)
                    .where(api_keys.c.revoked.is_(False))
                ).scalar_one()
            )

    def dispose(self) -> None:
        """Close every pooled connection of the database."""
        self.database.dispose()
