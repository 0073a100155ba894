"""Fingerprints that name a dataset in the audit log without holding any of its values."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from syndata.errors import DataReadError
from syndata.privacy.audit.lines import canonical

_READ_CHUNK = 1024 * 1024


def fingerprint(frame: pd.DataFrame) -> str:
    """A SHA-256 hex digest that identifies a table's content without holding any value.

    It covers the row count, the column names and dtypes in order, and a 64-bit hash of
    every cell (``pd.util.hash_pandas_object``, column by column, index ignored). Equal
    tables give equal fingerprints (with the same pandas version); changing one cell, a
    dtype or a column name changes it. A fingerprint reveals no value, but for a tiny
    table a guessed content can be confirmed against it.
    """
    digest = hashlib.sha256()
    schema = {
        "rows": len(frame),
        "columns": [[str(name), str(dtype)] for name, dtype in frame.dtypes.items()],
    }
    digest.update(canonical(schema))
    for position in range(frame.shape[1]):
        hashes = pd.util.hash_pandas_object(frame.iloc[:, position], index=False)
        digest.update(hashes.to_numpy(dtype="<u8").tobytes())
    return digest.hexdigest()


def file_fingerprint(path: Path | str) -> str:
    """The SHA-256 hex digest of a file's bytes, read in chunks (any size).

    Unlike ``fingerprint``, it changes with the encoding: the same table as CSV and as
    Parquet gives two different file fingerprints.
    """
    digest = hashlib.sha256()
    source = Path(path)
    try:
        with source.open("rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise DataReadError(
            f"Cannot read {source} to fingerprint it: {exc.strerror}. "
            "Check the path and its permissions."
        ) from exc
    return digest.hexdigest()
