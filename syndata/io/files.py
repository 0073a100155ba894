"""File sinks: one file per table in an output directory, written in batches and atomically.

Each table is written to a hidden temporary file in the output directory
(``.customers.csv.tmp-1a2b3c4d``) batch by batch, and renamed to its final name
(``customers.csv``) by :meth:`FileSink.close_table`. :meth:`FileSink.abort`
deletes the temporary files; files that existed before are never touched.

Formats:

* ``csv``: header once, dates and timestamps ISO, nulls as empty fields, strings
  always quoted (so an empty string is ``""`` and a null is an empty field).
* ``json``: one JSON array of records per file.
* ``jsonl``: one JSON record per line.
* ``parquet``: snappy-compressed, roughly one row group per batch.

In JSON and JSON Lines, dates and timestamps are ISO strings, decimals are JSON
strings (exact), NaN and infinite floats are ``null``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from syndata.errors import OutputError
from syndata.io import render
from syndata.io.base import (
    FILE_IF_EXISTS,
    Sink,
    TableOutput,
    TableSpec,
    check_if_exists,
    conform_batch,
)

_WRITE_BUFFER = 1 << 20


class TableWriter(ABC):
    """Writes the rows of one table into an already created temporary file."""

    def __init__(self, spec: TableSpec, path: Path) -> None:
        self.spec = spec
        self.path = path

    @abstractmethod
    def write(self, batch: pa.Table) -> None:
        """Append one batch (already conformed to the spec's schema)."""

    @abstractmethod
    def finish(self) -> None:
        """Write any trailer and close the file."""

    @abstractmethod
    def discard(self) -> None:
        """Close the file without finishing it; must not raise."""


class TextWriter(TableWriter):
    """Base for writers that produce text through a buffered binary file."""

    def __init__(self, spec: TableSpec, path: Path) -> None:
        super().__init__(spec, path)
        self.file: BinaryIO = open(path, "wb", buffering=_WRITE_BUFFER)  # noqa: SIM115

    def trailer(self) -> bytes:
        """Return the bytes written after the last batch."""
        return b""

    def finish(self) -> None:
        """Write the trailer and close the file."""
        self.file.write(self.trailer())
        self.file.close()

    def discard(self) -> None:
        """Close the file; its content no longer matters."""
        self.file.close()


class CsvWriter(TableWriter):
    """CSV through ``pyarrow.csv.CSVWriter``."""

    def __init__(self, spec: TableSpec, path: Path) -> None:
        super().__init__(spec, path)
        self.stream = pa.OSFile(str(path), "wb")
        self.writer = pa_csv.CSVWriter(self.stream, spec.schema)

    def write(self, batch: pa.Table) -> None:
        """Append the batch's rows."""
        self.writer.write_table(batch)

    def finish(self) -> None:
        """Flush and close; an empty table still gets its header line."""
        self.writer.close()
        self.stream.close()

    def discard(self) -> None:
        """Close without caring about the content."""
        for closer in (self.writer.close, self.stream.close):
            with contextlib.suppress(Exception):  # discarding; the file is deleted next
                closer()


RENDER_ROWS = 100_000
"""Text formats render at most this many rows at once, to bound memory."""


def slices(batch: pa.Table, size: int = RENDER_ROWS) -> list[pa.Table]:
    """Split ``batch`` into consecutive slices of at most ``size`` rows."""
    return [batch.slice(offset, size) for offset in range(0, batch.num_rows, size)]


def json_records(batch: pa.Table, prefix: str = "", suffix: str = "") -> render.Column:
    """Render every row of ``batch`` as one JSON object string, wrapped in prefix/suffix."""
    parts: list[str | render.Column] = []
    for index, field in enumerate(batch.schema):
        start = prefix + "{" if index == 0 else ","
        parts.append(start + render.json_key(field.name))
        parts.append(render.json_values(batch.column(index), field.name))
    if not parts:
        return pa.array([prefix + "{}" + suffix] * batch.num_rows, pa.string())
    parts.append("}" + suffix)
    return render.concat(parts)


class JsonLinesWriter(TextWriter):
    """One JSON object per line."""

    def write(self, batch: pa.Table) -> None:
        """Append one line per row."""
        for part in slices(batch):
            for buffer in render.buffers(json_records(part, suffix="\n")):
                self.file.write(buffer)


class JsonWriter(TextWriter):
    """One JSON array of objects, written incrementally."""

    def __init__(self, spec: TableSpec, path: Path) -> None:
        super().__init__(spec, path)
        self.file.write(b"[")
        self.empty = True

    def write(self, batch: pa.Table) -> None:
        """Append the batch's records, each preceded by a comma except the first one."""
        for part in slices(batch):
            for buffer in render.buffers(json_records(part, prefix=",\n")):
                # The very first record of the file drops its leading comma.
                self.file.write(buffer[1:] if self.empty else buffer)
                self.empty = False

    def trailer(self) -> bytes:
        """Close the array."""
        return b"]\n" if self.empty else b"\n]\n"


class ParquetWriter(TableWriter):
    """Snappy-compressed Parquet; small batches are gathered into larger row groups."""

    min_row_group = 65_536

    def __init__(self, spec: TableSpec, path: Path) -> None:
        super().__init__(spec, path)
        self.writer = pq.ParquetWriter(str(path), spec.schema, compression="snappy")
        self.pending: list[pa.Table] = []
        self.pending_rows = 0

    def _flush(self) -> None:
        if self.pending:
            table = pa.concat_tables(self.pending)
            self.writer.write_table(table, row_group_size=max(table.num_rows, 1))
            self.pending, self.pending_rows = [], 0

    def write(self, batch: pa.Table) -> None:
        """Write the batch as a row group, or keep it until enough rows gathered."""
        self.pending.append(batch)
        self.pending_rows += batch.num_rows
        if self.pending_rows >= self.min_row_group:
            self._flush()

    def finish(self) -> None:
        """Write pending rows and the Parquet footer."""
        self._flush()
        self.writer.close()

    def discard(self) -> None:
        """Close without caring about the content."""
        self.pending = []
        with contextlib.suppress(Exception):  # discarding; the file is deleted next
            self.writer.close()


@dataclass(eq=False)  # compared by identity
class _OpenTable:
    """State of one table being written: its temporary and final file, its writer."""

    spec: TableSpec
    temp: Path
    final: Path
    writer: TableWriter
    rows: int = 0


class FileSink(Sink):
    """Writes each table to ``<output_dir>/<table>.<extension>``.

    ``if_exists`` is ``"fail"`` (default: an existing file is an error, checked
    in :meth:`open_table` before anything is written) or ``"replace"``.
    """

    extension = ""
    writer_class: type[TableWriter]

    def __init__(self, output_dir: str | Path, *, if_exists: str = "fail") -> None:
        self.output_dir = Path(output_dir)
        self.if_exists = check_if_exists(if_exists, FILE_IF_EXISTS, f"{self.extension} files")
        self._open: dict[str, _OpenTable] = {}
        self._done: list[TableOutput] = []

    def make_writer(self, spec: TableSpec, path: Path) -> TableWriter:
        """Create the format's writer for ``spec`` writing to ``path``."""
        return self.writer_class(spec, path)

    def final_path(self, table_name: str) -> Path:
        """Return the path the finished table is stored under."""
        return self.output_dir / f"{table_name}.{self.extension}"

    def _exists_error(self, final: Path) -> OutputError:
        return OutputError(
            f"output file {final} already exists; "
            "pass --if-exists replace or choose another --output-dir"
        )

    def open_table(self, spec: TableSpec) -> None:
        """Create the temporary file for ``spec`` after checking the final name."""
        name = spec.name
        if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
            raise OutputError(
                f"table name {name!r} cannot be used as a file name; "
                "use a name without path separators that does not start with a dot"
            )
        if name in self._open:
            raise OutputError(f"table {name} is already open; close it before opening it again")
        final = self.final_path(name)
        if self.if_exists == "fail" and final.exists():
            raise self._exists_error(final)
        try:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            temp = self.output_dir / f".{final.name}.tmp-{secrets.token_hex(4)}"
            temp.touch(exist_ok=False)
        except OSError as exc:
            raise OutputError(
                f"cannot create a file in output directory {self.output_dir}: {exc}; "
                "choose a writable --output-dir"
            ) from exc
        try:
            writer = self.make_writer(spec, temp)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        self._open[name] = _OpenTable(spec, temp, final, writer)

    def _get(self, table_name: str) -> _OpenTable:
        try:
            return self._open[table_name]
        except KeyError:
            raise OutputError(
                f"table {table_name} is not open; call open_table before writing or closing it"
            ) from None

    def _discard(self, table: _OpenTable) -> None:
        self._open.pop(table.spec.name, None)
        table.writer.discard()
        table.temp.unlink(missing_ok=True)

    def write(self, table_name: str, batch: pa.Table | pa.RecordBatch) -> None:
        """Append ``batch`` to the table's temporary file."""
        table = self._get(table_name)
        try:
            data = conform_batch(table.spec, batch)
            table.writer.write(data)
        except OutputError:
            self._discard(table)
            raise
        except (OSError, pa.ArrowException) as exc:
            self._discard(table)
            raise OutputError(
                f"cannot write {table.final}: {exc}; check free disk space and permissions, "
                f"and that the column types suit {self.extension} output"
            ) from exc
        table.rows += data.num_rows

    def _publish(self, temp: Path, final: Path) -> None:
        if self.if_exists == "replace":
            os.replace(temp, final)
            return
        try:
            os.link(temp, final)  # fails atomically if final appeared meanwhile
        except FileExistsError:
            raise self._exists_error(final) from None
        except OSError:  # file system without hard links
            if final.exists():
                raise self._exists_error(final) from None
            os.replace(temp, final)
            return
        temp.unlink()

    def close_table(self, table_name: str) -> TableOutput:
        """Finish the file and rename it to its final name."""
        table = self._get(table_name)
        try:
            table.writer.finish()
            self._publish(table.temp, table.final)
        except OutputError:
            self._discard(table)
            raise
        except (OSError, pa.ArrowException) as exc:
            self._discard(table)
            raise OutputError(
                f"cannot finish {table.final}: {exc}; check free disk space and permissions"
            ) from exc
        del self._open[table_name]
        output = TableOutput(table_name, table.rows, str(table.final))
        self._done.append(output)
        return output

    def abort(self) -> None:
        """Delete the temporary files of all open tables."""
        for table in list(self._open.values()):
            with contextlib.suppress(OSError):
                self._discard(table)

    def close(self) -> list[TableOutput]:
        """Return the finished tables; tables still open are discarded and reported."""
        self._refuse_unclosed(self._open, "discarded")
        return list(self._done)


class CsvSink(FileSink):
    """CSV files."""

    extension = "csv"
    writer_class = CsvWriter


class JsonSink(FileSink):
    """JSON files, one array of records each."""

    extension = "json"
    writer_class = JsonWriter


class JsonLinesSink(FileSink):
    """JSON Lines files."""

    extension = "jsonl"
    writer_class = JsonLinesWriter


class ParquetSink(FileSink):
    """Parquet files."""

    extension = "parquet"
    writer_class = ParquetWriter
