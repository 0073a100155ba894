"""API key bodies: a key request, a key (never its secret), a created key with its secret."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app_api.schemas.common import RequestBody, ResponseBody, Role


class KeyRequest(RequestBody):
    """A key to create."""

    role: Role = Field(
        description="viewer (read), operator (run jobs, upload) or admin (also keys and settings)."
    )
    name: str = Field("", max_length=200, description="A name to recognise the key by.")
    project: str | None = Field(
        None,
        max_length=64,
        description=(
            "The key's project (lower-case letters, digits, '_', '-'); default: the caller's "
            "(a server admin's: 'default'). "
            "A project admin creates keys in its own project only; a server admin in any, and "
            "'*' makes another server admin."
        ),
        examples=["marketing"],
    )


class KeyOut(ResponseBody):
    """An API key (never its secret)."""

    key_id: str = Field(description="The key's id (`key_` and 16 hex digits).")
    name: str = Field(description="Its name.")
    role: Role = Field(description="Its role.")
    created_at: str | None = Field(description="When it was created (ISO-8601 UTC).")
    last_used_at: str | None = Field(description="When it was last used (ISO-8601 UTC).")
    revoked: bool = Field(description="True once revoked.")
    project: str = Field(description="The key's project ('*': a server admin).")


class KeyCreated(BaseModel):
    """A new key and its secret, shown only once."""

    key: KeyOut = Field(description="The key.")
    secret: str = Field(
        description="The secret to send as `Authorization: Bearer <secret>`; "
        "it is not stored and cannot be shown again."
    )


class KeyList(BaseModel):
    """Every API key, oldest first."""

    keys: list[KeyOut] = Field(description="The keys.")
