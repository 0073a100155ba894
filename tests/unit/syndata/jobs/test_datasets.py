"""Uploaded datasets: stored under generated ids, size-limited, checked, never a user path."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from syndata.errors import ConfigError, DataReadError, JobNotFoundError, UploadTooLarge
from syndata.jobs.datasets import (
    DATASET_SUFFIXES,
    dataset_path,
    get_dataset,
    list_datasets,
    save_dataset,
)
from syndata.settings import uploads_dir

ROOT = Path(__file__).resolve().parents[4]
PENGUINS = ROOT / "examples" / "data" / "penguins.csv"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDATA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def chunked(data: bytes, size: int = 1000):
    return (data[i : i + size] for i in range(0, len(data), size))


def stored_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "uploads").rglob("*")) if (home / "uploads").exists() else []


def test_save_stores_the_bytes_under_a_generated_id(home):
    data = PENGUINS.read_bytes()
    ds = save_dataset(chunked(data), "penguins.csv", limit=len(data))  # exactly the limit
    assert re.fullmatch(r"ds_[0-9a-f]{16}", ds.dataset_id)
    assert ds.path == uploads_dir() / ds.dataset_id / "data.csv"
    assert ds.path.read_bytes() == data
    assert ds.size == len(data)
    assert ds.filename == "penguins.csv"
    assert dataset_path(ds.dataset_id) == ds.path
    assert get_dataset(ds.dataset_id) == ds
    meta = json.loads((ds.path.parent / "meta.json").read_text())
    assert {k: meta[k] for k in ("filename", "size", "created_at")} == {
        "filename": "penguins.csv",
        "size": len(data),
        "created_at": ds.created_at,
    }
    assert meta.get("project", "default") == "default"
    info = ds.to_dict()
    assert info["dataset_id"] == ds.dataset_id and info["format"] == "csv"
    assert info["table"] == "penguins" and info["size"] == len(data)
    assert str(home) not in json.dumps(info)  # no server path in the JSON
    # nothing else (no temporary file) is left in the dataset's folder
    assert sorted(p.name for p in ds.path.parent.iterdir()) == ["data.csv", "meta.json"]


def test_parquet_and_jsonl_uploads_are_stored_and_readable(home):
    frame = pd.read_csv(PENGUINS)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    pq_ds = save_dataset([buffer.getvalue()], "P.PARQUET", limit=10**7)
    assert pq_ds.path.name == "data.parquet" and pq_ds.format == "parquet"
    assert pq_ds.path.read_bytes() == buffer.getvalue()
    assert pd.read_parquet(pq_ds.path).shape == frame.shape
    lines = frame.head(5).to_json(orient="records", lines=True).encode()
    jl_ds = save_dataset([lines], "rows.jsonl", limit=10**6)
    assert len(pd.read_json(jl_ds.path, lines=True)) == 5


def test_user_filename_never_becomes_a_path(home, tmp_path):
    data = PENGUINS.read_bytes()
    ds = save_dataset([data], "../../../escape/evil name.csv", limit=10**7)
    assert ds.path.parent.parent == uploads_dir()
    assert ds.filename == "evil name.csv"
    assert ds.to_dict()["table"] == "evil_name"
    assert not (tmp_path / "escape").exists()
    assert not any("evil" in p.name for p in stored_files(home))


def test_over_the_limit_leaves_nothing_behind(home):
    data = PENGUINS.read_bytes()
    seen = []

    def chunks():
        for chunk in chunked(data, 500):
            seen.append(len(chunk))
            yield chunk

    with pytest.raises(UploadTooLarge) as info:
        save_dataset(chunks(), "penguins.csv", limit=len(data) - 1)
    assert info.value.limit == len(data) - 1
    assert "SYNDATA_MAX_UPLOAD_MB" in str(info.value)
    assert stored_files(home) == []
    assert list_datasets() == []
    assert sum(seen) < len(data) + 500  # stopped at the chunk that crossed the limit


def test_unsupported_suffix_is_refused_before_writing(home):
    with pytest.raises(ConfigError) as info:
        save_dataset([b"a,b\n1,2\n"], "table.xlsx", limit=100)
    problem = info.value.problems[0]
    assert problem.path == "filename"
    for suffix in DATASET_SUFFIXES:
        assert suffix in problem.fix
    with pytest.raises(ConfigError):
        save_dataset([b"a,b\n1,2\n"], "no_extension", limit=100)
    assert stored_files(home) == []


def test_corrupt_parquet_is_rejected_and_removed(home):
    with pytest.raises(DataReadError) as info:
        save_dataset([b"PAR1 this is not parquet at all PAR1"], "broken.parquet", limit=10**6)
    message = str(info.value)
    assert "broken.parquet" in message
    assert str(uploads_dir()) not in message  # names the user's file, not the server path
    assert list((home / "uploads").iterdir()) == []


def test_empty_csv_is_rejected(home):
    with pytest.raises(DataReadError):
        save_dataset([b""], "empty.csv", limit=100)
    assert list((home / "uploads").iterdir()) == []


@pytest.mark.parametrize(
    "bad",
    [
        "../x",
        "ds_../../etc",
        "DS_0123456789ABCDEF",
        "ds_0123456789abcdeg",
        "ds_0123456789abcdef/..",
        "",
        "ds_",
    ],
)
def test_malformed_ids_are_refused(home, bad):
    with pytest.raises(JobNotFoundError, match="no dataset"):
        dataset_path(bad)
    with pytest.raises(JobNotFoundError):
        get_dataset(bad)


def test_unknown_id_is_not_found(home):
    with pytest.raises(JobNotFoundError, match="ds_0000000000000000"):
        dataset_path("ds_0000000000000000")


def test_list_is_newest_first_and_skips_other_folders(home):
    data = PENGUINS.read_bytes()
    first = save_dataset([data], "a.csv", limit=10**7)
    second = save_dataset([data], "b.csv", limit=10**7)
    for ds, when in ((first, 2000.0), (second, 1000.0)):
        meta = ds.path.parent / "meta.json"
        meta.write_text(json.dumps({**json.loads(meta.read_text()), "created_at": when}))
    (uploads_dir() / "configs").mkdir()
    (uploads_dir() / "ds_ffffffffffffffff").mkdir()  # no data file: not a dataset
    listed = list_datasets()
    assert [d.dataset_id for d in listed] == [first.dataset_id, second.dataset_id]
    assert [d.filename for d in listed] == ["a.csv", "b.csv"]
