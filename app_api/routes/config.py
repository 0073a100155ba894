"""Configurations: validate, upload, and the shipped templates (``/schemas``)."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Query, UploadFile, status
from pydantic import BaseModel, Field

from app_api import templates
from app_api.auth import Operator, Viewer
from app_api.deps import get_settings
from app_api.errors import ApiError
from app_api.schemas import CUSTOMER_CONFIG, SchemaDetail, SchemaList, UploadedConfig, ValidationOut
from app_api.settings import ApiSettings
from syndata import pipeline, settings
from syndata.access.projects import DEFAULT_PROJECT
from syndata.config import load_text
from syndata.errors import ConfigError, DataReadError, JobNotFoundError, Problem
from syndata.jobs import uploads
from syndata.settings import MAX_UPLOAD_VAR

router = APIRouter(tags=["config"])

CONFIG_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
CHUNK = 1 << 20
CONFIG_ID = re.compile(r"^cfg_[0-9a-f]{16}$")
META_SUFFIX = ".meta.json"


def summary(checked: pipeline.Validation) -> dict[str, Any]:
    """The response for a valid configuration."""
    return {
        "valid": True,
        "warnings": list(checked.warnings),
        "tables": [
            {"name": t.name, "rows": t.rows, "columns": [c.name for c in t.columns]}
            for t in checked.plan.tables
        ],
    }


@router.post("/config/validate", response_model=ValidationOut, summary="Validate a configuration")
def validate_config(
    principal: Operator,
    config: Annotated[
        dict[str, Any],
        Body(
            description="A configuration, as in `syndata generate --config` files (JSON).",
            examples=[CUSTOMER_CONFIG],
        ),
    ],
    rows: Annotated[
        int | None,
        Query(
            ge=0,
            le=10**12,
            description=("Check against this row count instead of the configuration's."),
        ),
    ] = None,
    check_relationships: Annotated[
        bool,
        Query(description=("Also check that foreign keys point at primary-key or unique columns.")),
    ] = False,
) -> dict[str, Any]:
    """Check a configuration in one pass: 200 when valid, 400 listing every problem."""
    checked = pipeline.validate(config, rows=rows, check_relationships=check_relationships)
    return summary(checked)


@router.post(
    "/config/upload",
    response_model=UploadedConfig,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a configuration file",
)
def upload_config(
    principal: Operator,
    api_settings: Annotated[ApiSettings, Depends(get_settings)],
    file: Annotated[
        UploadFile, File(description="A YAML (.yaml, .yml) or JSON (.json) configuration file.")
    ],
) -> dict[str, Any]:
    """Validate a configuration file (400 listing every problem) and store it."""
    display = _display_name(file.filename or "")
    fmt = CONFIG_SUFFIXES.get(Path(display).suffix.lower())
    if fmt is None:
        raise ConfigError(
            [
                Problem(
                    "file",
                    f"cannot read {display!r} as a configuration: unsupported file type",
                    "upload a .yaml, .yml or .json file",
                )
            ]
        )
    raw = _read_limited(file, api_settings.max_upload_bytes)
    try:  # any detected encoding is read; binary or undetectable text is refused
        text = uploads.decode_text(raw, display, fmt.upper())
    except DataReadError as exc:
        raise ConfigError([Problem("file", str(exc), "save the file as UTF-8 text")]) from None
    data = load_text(text, fmt=fmt, source=display)
    checked = pipeline.validate(data)
    config_id = "cfg_" + secrets.token_hex(8)
    _store(
        config_id,
        fmt,
        text.encode("utf-8"),
        display,  # kept as UTF-8
        project=principal.home,
    )
    return {
        **summary(checked),
        "config_id": config_id,
        "filename": display,
        "format": fmt,
        "config": checked.config.to_dict(),
    }


class StoredConfig(BaseModel):
    """An uploaded configuration file, as stored (in its project)."""

    config_id: str = Field(description="The stored file's id (`cfg_` and 16 hex digits).")
    filename: str = Field(description="The file name as uploaded (for display only).")
    format: str = Field(description="yaml or json.")
    size: int = Field(description="Size in bytes.")
    created_at: float = Field(description="When it was uploaded (seconds since the epoch).")
    project: str = Field(description="The project it belongs to.")
    config: dict[str, Any] | None = Field(
        None, description=("The configuration, as JSON (in GET /config/uploads/{config_id} only).")
    )


class StoredConfigList(BaseModel):
    """The project's uploaded configuration files, newest first."""

    configs: list[StoredConfig] = Field(description="The files (without their content).")


@router.get(
    "/config/uploads", response_model=StoredConfigList, summary="List uploaded configurations"
)
def list_uploaded_configs(principal: Viewer) -> dict[str, Any]:
    """The project's uploaded configuration files (a server admin: every one), newest first."""
    found = [
        _stored_meta(path.name.removesuffix(META_SUFFIX), principal.scope)
        for path in _configs_dir().glob(f"cfg_*{META_SUFFIX}")
        if CONFIG_ID.match(path.name.removesuffix(META_SUFFIX))
    ]
    items = [meta for meta in found if meta is not None]
    items.sort(key=lambda m: (m["created_at"], m["config_id"]), reverse=True)
    return {"configs": items}


@router.get(
    "/config/uploads/{config_id}",
    response_model=StoredConfig,
    summary="Get an uploaded configuration",
)
def get_uploaded_config(config_id: str, principal: Viewer) -> dict[str, Any]:
    """One uploaded configuration of the project, with its content.

    404 for anything that is not a stored configuration's id, another project's too.
    """
    meta = _stored_meta(config_id, principal.scope) if CONFIG_ID.match(config_id) else None
    if meta is None:
        raise JobNotFoundError(
            f"no uploaded configuration {config_id[:80]!r}; list them with GET /config/uploads"
        )
    path = _configs_dir() / f"{config_id}.{meta['format']}"
    text = path.read_text(encoding="utf-8")
    return {**meta, "config": load_text(text, fmt=meta["format"], source=meta["filename"])}


@router.get("/schemas", response_model=SchemaList, summary="List configuration templates")
def list_schemas(principal: Viewer) -> dict[str, Any]:
    """The configuration templates shipped with syndata."""
    return {"schemas": [_info(t) for t in templates.listing().values()]}


@router.get("/schemas/{name}", response_model=SchemaDetail, summary="Get a configuration template")
def get_schema(name: str, principal: Viewer) -> dict[str, Any]:
    """A shipped template by name (404 for any other name: names are never paths)."""
    template = templates.find(name)
    return {**_info(template), "config": template.config(), "text": template.text()}


def _info(template: templates.Template) -> dict[str, Any]:
    return {
        "name": template.name,
        "filename": template.filename,
        "format": template.format,
        "description": template.description(),
    }


def _display_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255] or "upload"


def _read_limited(file: UploadFile, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := file.file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise ApiError(
                413,
                f"the file is larger than the upload limit of "
                f"{limit / (1 << 20):g} MB ({MAX_UPLOAD_VAR})",
            )
        parts.append(chunk)
    return b"".join(parts)


def _configs_dir() -> Path:
    folder = settings.uploads_dir() / "configs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored_meta(config_id: str, project: str | None) -> dict[str, Any] | None:
    """The meta of stored config ``config_id`` when ``project`` may see it (None: any)."""
    folder = _configs_dir()
    try:
        meta = json.loads((folder / f"{config_id}{META_SUFFIX}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") not in ("yaml", "json"):
        return None
    owner = str(meta.get("project") or DEFAULT_PROJECT)  # uploads from before projects
    if project is not None and owner != project:
        return None
    if not (folder / f"{config_id}.{meta['format']}").is_file():
        return None
    return {
        "config_id": config_id,
        "filename": str(meta.get("filename") or config_id),
        "format": meta["format"],
        "size": int(meta.get("size") or 0),
        "created_at": float(meta.get("created_at") or 0.0),
        "project": owner,
    }


def _store(
    config_id: str, fmt: str, raw: bytes, display: str, project: str = DEFAULT_PROJECT
) -> Path:
    """Keep the file under a generated name in ``uploads/configs`` (the user's name is meta).

    The meta records the project the file belongs to.
    """
    folder = _configs_dir()
    target = folder / f"{config_id}.{fmt}"
    temp = folder / f".{config_id}.tmp"
    temp.write_bytes(raw)
    os.replace(temp, target)
    meta = {
        "filename": display,
        "format": fmt,
        "size": len(raw),
        "created_at": time.time(),
        "project": project,
    }
    (folder / f"{config_id}{META_SUFFIX}").write_text(json.dumps(meta), encoding="utf-8")
    return target
