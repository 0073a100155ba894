"""A finished job's outputs: list them, export a table in any format, zip them all.

A job's result dict (see ``syndata.jobs.runner``) names its outputs with paths relative
to the job's folder (``workdir``): a file, or for a partitioned sample a folder of
Parquet parts. Every path is resolved inside ``workdir``; one that escapes it is refused.
The runner also keeps the result beside the outputs (``RESULT_FILE``), so a later job can
use a finished job's tables (``load_result``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from syndata.errors import ConfigError, JobNotFoundError, OutputError, Problem
from syndata.settings import jobs_dir

EXPORT_FORMATS = ("csv", "jsonl", "parquet", "sql")
RESULT_FILE = ".result.json"  # a dot: no table name can collide with it
PARTS_DIR = ".parts"  # partition results of a partitioned job
JOB_ID = re.compile(r"^job_[A-Za-z0-9_-]{1,64}$")
_READABLE = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".parquet": "parquet"}
_BATCH_ROWS = 100_000


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/(?:[^\s/'\"(),;:]+/)+[^\s/'\"(),;:]*")


def public_text(text: str, limit: int = 2000) -> str:
    """``text`` fit for job logs and job errors, which viewers read: no server paths.

    Paths under ``SYNDATA_HOME`` become relative to it (``jobs/job_.../x.csv``); any other
    absolute path is cut to its last part (``.../x.csv``). Longer text is cut at ``limit``.
    """
    from syndata.settings import home

    root = str(home())
    text = text.replace(root + os.sep, "").replace(root, ".")

    def shorten(found: re.Match[str]) -> str:
        last = found.group(0).rstrip("/").rsplit("/", 1)[-1]
        return f".../{last}" if last else "..."

    text = _ABSOLUTE_PATH.sub(shorten, text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def public_log_line(line: dict[str, Any]) -> dict[str, Any]:
    """A job's log line as viewers read it: no traceback, no server paths.

    Lines written before tracebacks went to the server log only are cleaned too.
    """
    return {
        key: public_text(value) if isinstance(value, str) else value
        for key, value in line.items()
        if key not in ("traceback", "exception")
    }


def outputs_of(workdir: Path, result: dict[str, Any]) -> list[dict[str, Any]]:
    """The job's outputs, each checked to lie inside ``workdir``, with its size in bytes.

    A partitioned output also lists its ``files`` (relative paths of the parts).
    """
    listed = []
    for output in result.get("outputs") or []:
        item = dict(output)
        path = resolve(workdir, str(output["path"]))
        if path.is_dir():
            parts = _part_files(path)
            item["files"] = [p.relative_to(workdir.resolve()).as_posix() for p in parts]
            item["size"] = sum(p.stat().st_size for p in parts)
        elif path.is_file():
            item["size"] = path.stat().st_size
        else:
            raise JobNotFoundError(
                f"output {output['path']} of the job is missing; the job "
                "folder was changed or cleaned up: run the job again"
            )
        listed.append(item)
    return listed


def resolve(workdir: Path, relative: str) -> Path:
    """``workdir / relative``, refused (OutputError) when it leads outside ``workdir``."""
    root = workdir.resolve()
    if Path(relative).is_absolute():
        raise OutputError(
            f"output path {relative!r} is absolute; job outputs are stored "
            "relative to the job folder"
        )
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or path == root:
        raise OutputError(f"output path {relative!r} leads outside the job folder; refused")
    return path


def tables_of(result: dict[str, Any]) -> list[str]:
    """The names of the job's output tables (reports such as profile.json have none)."""
    return [str(o["table"]) for o in result.get("outputs") or [] if o.get("table")]


def _output(result: dict[str, Any], table: str) -> dict[str, Any]:
    for output in result.get("outputs") or []:
        if output.get("table") == table:
            return dict(output)
    names = tables_of(result)
    raise JobNotFoundError(
        f"the job has no output table {table!r}; its tables: "
        f"{', '.join(names) if names else '(none)'}"
    )


def _part_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix == ".parquet" and not p.name.startswith(".")
    )


def _table_files(workdir: Path, result: dict[str, Any], table: str) -> tuple[list[Path], str]:
    """The stored files of ``table`` and their format."""
    output = _output(result, table)
    path = resolve(workdir, str(output["path"]))
    if path.is_dir():
        return _part_files(path), "parquet"
    if not path.is_file():
        raise JobNotFoundError(f"output {output['path']} of the job is missing; run the job again")
    fmt = _READABLE.get(path.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"table {table!r} is stored as {path.suffix.lstrip('.')} and cannot "
            f"be converted; download it as {path.suffix.lstrip('.')}"
        )
    return [path], fmt


def _batches(files: list[Path]) -> Iterator[pa.Table]:
    from syndata.io import iter_batches

    for path in files:
        yield from iter_batches(path, batch_size=_BATCH_ROWS)


def _schema(files: list[Path]) -> pa.Schema:
    """The table's schema when it has no rows (no batch to take it from)."""
    from syndata.io import read_table

    if not files:
        return pa.schema([])
    if files[0].suffix == ".parquet":
        return pq.read_schema(files[0])
    return read_table(files[0]).schema


def export_table(workdir: Path, result: dict[str, Any], table: str, fmt: str, dest: Path) -> Path:
    """Write output ``table`` as ``fmt`` (csv, jsonl, parquet or sql) into folder ``dest``.

    Returns the file written, ``dest/<table>.<fmt>`` (replaced if present). The stored
    output is streamed batch by batch through the format's sink; a single stored file
    already in ``fmt`` is copied as is.
    """
    from syndata.io import TableSpec, open_sink

    name = fmt.lower() if isinstance(fmt, str) else ""
    if name not in EXPORT_FORMATS:
        raise ConfigError(
            [
                Problem(
                    "format",
                    f"unknown download format {fmt!r}",
                    f"use one of {', '.join(EXPORT_FORMATS)}",
                )
            ]
        )
    output = _output(result, table)
    stored = resolve(workdir, str(output["path"]))
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"{table}.{name}"
    if stored.is_file() and stored.suffix.lower() == f".{name}":
        _copy(stored, target)
        return target
    files, _ = _table_files(workdir, result, table)
    sink = open_sink(name, output_dir=dest, if_exists="replace")
    try:
        opened = False
        for batch in _batches(files):
            if not opened:
                sink.open_table(TableSpec(name=table, schema=batch.schema))
                opened = True
            sink.write(table, batch)
        if not opened:
            sink.open_table(TableSpec(name=table, schema=_schema(files)))
        sink.close_table(table)
    except BaseException:
        sink.abort()
        raise
    return Path(sink.close()[0].location)


def _copy(source: Path, target: Path) -> None:
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def zip_outputs(workdir: Path, result: dict[str, Any], dest: Path) -> Path:
    """A zip file at ``dest`` of every output file (partition folders as their parts)."""
    root = workdir.resolve()
    members: list[Path] = []
    for output in result.get("outputs") or []:
        path = resolve(workdir, str(output["path"]))
        if path.is_dir():
            members += _part_files(path)
        elif path.is_file():
            members.append(path)
        else:
            raise JobNotFoundError(
                f"output {output['path']} of the job is missing; run the job again"
            )
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in members:
                archive.write(path, path.relative_to(root).as_posix())
        os.replace(temp, dest)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return dest


def table_frame(workdir: Path, result: dict[str, Any], table: str) -> pd.DataFrame:
    """Output ``table`` as one pandas DataFrame (all its parts, in order)."""
    from syndata.io import read_table

    files, _ = _table_files(workdir, result, table)
    if not files:
        return pd.DataFrame()
    frames: list[pd.DataFrame] = [read_table(path).to_pandas() for path in files]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def save_result(workdir: Path, result: dict[str, Any]) -> Path:
    """Keep ``result`` beside the job's outputs (``workdir/RESULT_FILE``), atomically."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / RESULT_FILE
    handle, temp = tempfile.mkstemp(prefix=".result.", suffix=".tmp", dir=workdir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(result, stream, indent=2, default=str)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def load_result(job_id: str) -> tuple[Path, dict[str, Any]]:
    """The folder and result of finished job ``job_id`` (JobNotFoundError if none).

    A partitioned sample job whose result was not kept is rebuilt from its partitions'
    records once every partition has finished.
    """
    if not isinstance(job_id, str) or not JOB_ID.match(job_id):
        raise JobNotFoundError(f"no job {job_id!r}: job ids look like 'job_' and letters or digits")
    workdir = jobs_dir() / job_id
    path = workdir / RESULT_FILE
    if not path.is_file():
        merged = _merged_parts(workdir)
        if merged is None:
            raise JobNotFoundError(
                f"job {job_id} has no finished outputs; wait until it succeeds, or check its status"
            )
        return workdir, merged
    result = _read_json(path, f"the result of job {job_id}")
    if not isinstance(result, dict):
        raise JobNotFoundError(f"the result of job {job_id} is not valid; run the job again")
    return workdir, result


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise JobNotFoundError(f"{what} cannot be read ({exc}); run the job again") from exc


def save_part_result(workdir: Path, index: int, result: dict[str, Any], total_rows: int) -> Path:
    """Keep a partition's result in the job folder (``PARTS_DIR``), with the job's row count."""
    folder = workdir / PARTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"part-{index:05d}.json"
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({**result, "total_rows": total_rows}, stream, default=str)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _merged_parts(workdir: Path) -> dict[str, Any] | None:
    """The merged result of a partitioned job when all its partitions are done, else None."""
    folder = workdir / PARTS_DIR
    if not folder.is_dir():
        return None
    parts = [
        _read_json(p, f"partition record {p.name}") for p in sorted(folder.glob("part-*.json"))
    ]
    parts = [p for p in parts if isinstance(p, dict)]
    if not parts:
        return None
    total = int(parts[0].get("total_rows", -1))
    if sum(int(p.get("rows", 0)) for p in parts) != total:
        return None  # some partition has not finished
    return merge_partition_results(parts)


def merge_partition_results(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from partition results: per table its folder of Parquet parts."""
    ordered = sorted(results, key=lambda r: int(r.get("partition", 0)))
    tables: dict[str, dict[str, Any]] = {}
    for result in ordered:
        for output in result.get("outputs") or []:
            name = str(output["table"])
            entry = tables.setdefault(
                name,
                {
                    "table": name,
                    "path": Path(str(output["path"])).parent.as_posix(),
                    "rows": 0,
                    "format": "parquet",
                    "partitioned": True,
                    "parts": 0,
                },
            )
            entry["rows"] += int(output["rows"])
            entry["parts"] += 1
    merged: dict[str, Any] = {
        "outputs": list(tables.values()),
        "rows": sum(e["rows"] for e in tables.values()),
        "partitions": len(ordered),
    }
    if ordered and "model" in ordered[0]:
        merged["model"] = ordered[0]["model"]
    return merged
