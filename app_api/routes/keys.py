"""API keys (admin): create (the secret is shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from app_api.auth import Admin
from app_api.deps import get_store
from app_api.schemas import KeyCreated, KeyList, KeyOut, KeyRequest
from syndata.jobs.store import JobStore
from syndata.privacy import audit

router = APIRouter(prefix="/keys", tags=["keys"])
Store = Annotated[JobStore, Depends(get_store)]


@router.post("", response_model=KeyCreated, status_code=status.HTTP_201_CREATED,
             summary="Create an API key")
def create_key(body: KeyRequest, store: Store, principal: Admin) -> dict[str, Any]:
    """Create a key; its secret is in this response only. Needs the admin role."""
    key, secret = store.create_key(body.role, name=body.name)
    audit.record("key_created", actor=principal.actor,
                 details={"key_id": key.key_id, "role": key.role, "via": "api"})
    return {"key": key.to_dict(), "secret": secret}


@router.get("", response_model=KeyList, summary="List API keys")
def list_keys(store: Store, principal: Admin) -> dict[str, Any]:
    """Every key, oldest first (never their secrets). Needs the admin role."""
    return {"keys": [k.to_dict() for k in store.list_keys()]}


@router.delete("/{key_id}", response_model=KeyOut, summary="Revoke an API key")
def revoke_key(key_id: str, store: Store, principal: Admin) -> dict[str, Any]:
    """Revoke a key: it can no longer sign in (404 when unknown). Needs the admin role."""
    key = store.revoke_key(key_id)
    audit.record("key_revoked", actor=principal.actor,
                 details={"key_id": key.key_id, "via": "api"})
    return key.to_dict()
