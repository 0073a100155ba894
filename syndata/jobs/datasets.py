"""Uploaded datasets, stored under generated ids (never under the user's file name).

Each upload lives in ``uploads_dir()/<id>/``: the data as ``data<suffix>`` and a small
``meta.json`` (original file name, size, upload time, project). An upload is written to a
temporary file and counted as it arrives: one over the size limit leaves nothing behind,
and one that cannot be read as its format is refused.

Every dataset belongs to one project (``project`` in its meta; uploads from before
projects have none and belong to ``default``). Functions given a ``project`` treat another
project's dataset exactly like a missing one: the same error, the same message.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndata import settings
from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import (
    ConfigError,
    DataReadError,
    JobNotFoundError,
    Problem,
    TooManyColumns,
    UploadTooLarge,
)
from syndata.jobs import uploads
from syndata.privacy import audit
from syndata.settings import uploads_dir

DATASET_SUFFIXES = (".csv", ".parquet", ".json", ".jsonl")
TEXT_SUFFIXES = (".csv", ".json", ".jsonl")
DATASET_ID = re.compile(r"^ds_[0-9a-f]{16}$")
MAX_UPLOAD_VAR = "SYNDATA_MAX_UPLOAD_MB"
META_FILE = "meta.json"
_CHECK_ROWS = 1_000  # rows read back to check that an upload is readable as its format


def upload_too_large(limit: int) -> UploadTooLarge:
    """The error of an upload over ``limit`` bytes, saying how to raise the limit."""
    return UploadTooLarge(
        f"the upload is larger than the limit of {_size_text(limit)}; upload a smaller "
        f"file, or raise the limit with {MAX_UPLOAD_VAR} (in megabytes)",
        limit,
    )


def check_columns(count: int | None, display: str) -> None:
    """TooManyColumns when ``count`` is over ``SYNDATA_MAX_COLUMNS``."""
    limit = settings.max_columns()
    if count is not None and count > limit:
        var = settings.MAX_COLUMNS_VAR
        raise TooManyColumns(
            f"the upload {display!r} has {count:,} columns, over the limit of {limit:,} "
            f"({var}); upload fewer columns, or have an admin raise the limit by setting {var}",
            count,
            limit,
        )


@dataclass(frozen=True)
class Dataset:
    """One stored upload; ``filename`` is the user's name, for display only."""

    dataset_id: str
    filename: str
    path: Path
    size: int
    created_at: float
    project: str = DEFAULT_PROJECT

    @property
    def format(self) -> str:
        """The data's format: csv, parquet, json or jsonl."""
        return self.path.suffix.lstrip(".")

    @property
    def table(self) -> str:
        """A table name from the original file name (letters, digits and ``_``)."""
        stem = Path(self.filename).stem
        return re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_") or "table"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (no server path)."""
        return {
            "dataset_id": self.dataset_id,
            "filename": self.filename,
            "size": self.size,
            "created_at": self.created_at,
            "format": self.format,
            "table": self.table,
            "project": self.project,
        }


def save_dataset(
    chunks: Iterable[bytes],
    filename: str,
    *,
    limit: int,
    project: str = DEFAULT_PROJECT,
    actor: str | None = None,
    via: str = "cli",
) -> Dataset:
    """Store an upload arriving in ``chunks`` as a dataset of ``project`` and return it.

    ``filename`` only gives the format (its suffix, one of ``DATASET_SUFFIXES``) and the
    display name. More than ``limit`` bytes raise ``UploadTooLarge``; data that cannot be
    read as its format raises ``DataReadError``. Either way nothing is kept. A stored
    dataset is an ``upload`` audit line, by ``actor``, ``via`` the CLI or the API.
    """
    display = _display_name(filename)
    suffix = Path(display).suffix.lower()
    if suffix not in DATASET_SUFFIXES:
        raise ConfigError(
            [
                Problem(
                    "filename",
                    f"cannot store {display!r}: unsupported file type "
                    f"{suffix or '(no extension)'!r}",
                    f"upload a file ending in one of {', '.join(DATASET_SUFFIXES)}",
                )
            ]
        )
    dataset_id = "ds_" + secrets.token_hex(8)
    folder = uploads_dir() / dataset_id
    folder.mkdir(parents=False, exist_ok=False)
    try:
        path = folder / f"data{suffix}"
        size = _write(chunks, folder, path, limit)
        if suffix in TEXT_SUFFIXES:  # stored as UTF-8 whatever the upload's encoding
            uploads.to_utf8_file(path, display, suffix.lstrip("."))
        check_columns(uploads.column_count(path), display)
        _check_readable(path, display)
        created = time.time()
        meta = {"filename": display, "size": size, "created_at": created, "project": project}
        (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    dataset = Dataset(dataset_id, display, path, size, created, project)
    audit.record(
        "upload",
        actor=actor,
        dataset=dataset.dataset_id,
        details={
            "filename": dataset.filename[:200],
            "format": dataset.format,
            "size": dataset.size,
            "via": via,
        },
    )
    return dataset


def _display_name(filename: str) -> str:
    """The last part of a client's file name, as text (never used as a path)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255] or "upload"


def _write(chunks: Iterable[bytes], folder: Path, path: Path, limit: int) -> int:
    handle, temp = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=folder)
    size = 0
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise upload_too_large(limit)
                stream.write(chunk)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return size


def _check_readable(path: Path, display: str) -> None:
    from syndata.io import iter_batches

    fmt = path.suffix.lstrip(".")
    try:
        first = next(iter(iter_batches(path, batch_size=_CHECK_ROWS)), None)
    except (DataReadError, OSError, ValueError) as exc:  # parsers quote the data: not shown
        raise DataReadError(
            f"the upload {display!r} cannot be read as {fmt}: "
            f"{uploads.safe_reason(str(exc), fmt)}; check that the file is complete and "
            f"really is {fmt}"
        ) from exc
    if first is not None:
        check_columns(first.num_columns, display)
    if first is None or first.num_columns == 0:
        raise DataReadError(
            f"the upload {display!r} holds no table (no columns); upload a "
            "file with a header row or named fields"
        )


def dataset_path(dataset_id: str, project: str | None = None) -> Path:
    """The data file of dataset ``dataset_id``; JobNotFoundError when there is none.

    With ``project``, a dataset of another project is not found either (same message).
    """
    if not isinstance(dataset_id, str) or not DATASET_ID.match(dataset_id):
        raise JobNotFoundError(
            f"no dataset {dataset_id!r}: dataset ids look like 'ds_' and "
            "16 hex digits; list the datasets to find yours"
        )
    folder = uploads_dir() / dataset_id
    for suffix in DATASET_SUFFIXES:
        path = folder / f"data{suffix}"
        if path.is_file():
            if project is not None and (_meta(path).get("project") or DEFAULT_PROJECT) != project:
                break
            return path
    raise JobNotFoundError(f"no dataset {dataset_id!r}; upload it first or list the datasets")


def _meta(path: Path) -> dict[str, Any]:
    """The meta data next to a dataset's data file ({} when missing or unreadable)."""
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads((path.parent / META_FILE).read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            return loaded
    return {}


def get_dataset(dataset_id: str, project: str | None = None) -> Dataset:
    """The dataset ``dataset_id`` (JobNotFoundError when there is none, or none in ``project``)."""
    path = dataset_path(dataset_id, project)
    meta = _meta(path)
    stat = path.stat()
    return Dataset(
        dataset_id,
        str(meta.get("filename") or path.name),
        path,
        int(meta.get("size", stat.st_size)),
        float(meta.get("created_at", stat.st_mtime)),
        str(meta.get("project") or DEFAULT_PROJECT),
    )


def list_datasets(project: str | None = None) -> list[Dataset]:
    """Every stored dataset (of ``project``), newest first."""
    found = []
    for folder in uploads_dir().iterdir():
        if folder.is_dir() and DATASET_ID.match(folder.name):
            with contextlib.suppress(JobNotFoundError):
                found.append(get_dataset(folder.name, project))
    return sorted(found, key=lambda d: (d.created_at, d.dataset_id), reverse=True)


def _size_text(size: int) -> str:
    if size >= 1 << 20 and size % (1 << 20) == 0:
        return f"{size >> 20} MB"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{size:,} bytes"
