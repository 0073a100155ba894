"""API keys (admin): create (the secret is shown once), list, revoke.

A project admin manages its own project's keys: it lists and revokes only those (another
project's key is a 404) and creates keys only in its project. A server admin (project
``*``) manages every project's keys. The last live admin key of a project, and the last
server admin, cannot be revoked (409: create another admin key first).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from app_api.auth import Admin
from app_api.deps import get_keys
from app_api.errors import ApiError
from app_api.schemas import KeyCreated, KeyList, KeyOut, KeyRequest
from syndata.access.keys import KeyStore
from syndata.access.projects import check_project

router = APIRouter(prefix="/keys", tags=["keys"])
Keys = Annotated[KeyStore, Depends(get_keys)]


@router.post(
    "", response_model=KeyCreated, status_code=status.HTTP_201_CREATED, summary="Create an API key"
)
def create_key(body: KeyRequest, keys: Keys, principal: Admin) -> dict[str, Any]:
    """Create a key; its secret is in this response only. Needs the admin role.

    The key belongs to ``project`` (default: the caller's). A project admin may name only
    its own project (403 otherwise); 400 for a name that is not a project name.
    """
    project = principal.home if body.project is None else body.project
    check_project(project, body.role)
    if not principal.server_admin and project != principal.project:
        raise ApiError(
            403,
            f"key {principal.key_id} is an admin of project "
            f"{principal.project!r} and can create keys only there; ask a "
            "server admin for a key of another project",
            code="forbidden",
        )
    key, secret = keys.create_key(
        body.role, name=body.name, project=project, actor=principal.actor, via="api"
    )
    return {"key": key.to_dict(), "secret": secret}


@router.get("", response_model=KeyList, summary="List API keys")
def list_keys(keys: Keys, principal: Admin) -> dict[str, Any]:
    """The project's keys (a server admin: every key), oldest first, never their secrets.

    Needs the admin role.
    """
    return {"keys": [k.to_dict() for k in keys.list_keys(project=principal.scope)]}


@router.delete("/{key_id}", response_model=KeyOut, summary="Revoke an API key")
def revoke_key(key_id: str, keys: Keys, principal: Admin) -> dict[str, Any]:
    """Revoke a key: it can no longer sign in. Needs the admin role.

    404 when unknown or another project's; 409 for the last admin key of a project (or the
    last server admin).
    """
    key = keys.revoke_key(key_id, project=principal.scope, actor=principal.actor, via="api")
    return key.to_dict()
