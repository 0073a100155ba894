"""Datasets: upload (streamed to disk in chunks, size-limited) and list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, UploadFile, status

from app_api.auth import Operator, Viewer
from app_api.deps import get_settings
from app_api.schemas import DatasetList, DatasetOut
from app_api.settings import ApiSettings
from syndata.jobs import datasets

router = APIRouter(prefix="/datasets", tags=["datasets"])

CHUNK = 1 << 20


def _chunks(file: UploadFile) -> Iterator[bytes]:
    while chunk := file.file.read(CHUNK):
        yield chunk


@router.post(
    "", response_model=DatasetOut, status_code=status.HTTP_201_CREATED, summary="Upload a dataset"
)
def upload_dataset(
    principal: Operator,
    api_settings: Annotated[ApiSettings, Depends(get_settings)],
    file: Annotated[
        UploadFile,
        File(
            description=(
                "A table: .csv, .parquet, .json or .jsonl. At most SYNDATA_MAX_UPLOAD_MB megabytes "
                "(413 beyond)."
            )
        ),
    ],
) -> dict[str, Any]:
    """Store an uploaded table under a generated id (the file name is for display only).

    Refused with 413 over the size limit, 400 for an unsupported type or unreadable data;
    nothing is kept then. Needs the operator role. Uploads are audited.
    """
    dataset = datasets.save_dataset(
        _chunks(file),
        file.filename or "",
        limit=api_settings.max_upload_bytes,
        project=principal.home,
        actor=principal.actor,
        via="api",
    )
    return dataset.to_dict()


@router.get("", response_model=DatasetList, summary="List datasets")
def list_datasets(principal: Viewer) -> dict[str, Any]:
    """The project's uploaded datasets (a server admin: every one), newest first."""
    return {"datasets": [d.to_dict() for d in datasets.list_datasets(principal.scope)]}


@router.get("/{dataset_id}", response_model=DatasetOut, summary="Get a dataset")
def get_dataset(dataset_id: str, principal: Viewer) -> dict[str, Any]:
    """One uploaded dataset of the project (404 for anything else, other projects' too)."""
    return datasets.get_dataset(dataset_id, principal.scope).to_dict()
