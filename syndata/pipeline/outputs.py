"""Where the use-cases write: the sink of an output choice, its abort on failure."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from syndata.errors import OutputError
from syndata.io import DB_FORMAT, FORMATS, Sink, TableSpec, open_sink


def open_output(
    output_format: str,
    output_dir: str | Path | None,
    db_url: str | None,
    if_exists: str,
    sql_dialect: str,
) -> Sink:
    """The database at ``db_url``, else files of ``output_format`` in ``output_dir``."""
    return open_sink(
        DB_FORMAT if db_url else output_format,
        output_dir=output_dir,
        db_url=db_url,
        if_exists=if_exists,
        sql_dialect=sql_dialect,
    )


@contextlib.contextmanager
def writing(sink: Sink) -> Iterator[Sink]:
    """Abort ``sink`` (remove partial files, roll back) when the block fails."""
    try:
        yield sink
    except BaseException:
        sink.abort()
        raise


def write_table(sink: Sink, spec: TableSpec, batches: Iterable[pa.Table]) -> None:
    """One whole table into ``sink``: open it, write every batch, close it."""
    sink.open_table(spec)
    for batch in batches:
        sink.write(spec.name, batch)
    sink.close_table(spec.name)


def write_frame(frame: pd.DataFrame, output: Path, if_exists: str) -> Path:
    """One frame as one file; the format is the file's extension."""
    fmt = output.suffix.lower().lstrip(".")
    fmt = {"pq": "parquet", "ndjson": "jsonl"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise OutputError(
            f"cannot tell the format of {output}: use an extension of {', '.join(FORMATS)}"
        )
    sink = open_sink(fmt, output_dir=output.parent, if_exists=if_exists)
    batch = pa.Table.from_pandas(frame, preserve_index=False)
    with writing(sink):
        write_table(sink, TableSpec(name=output.stem, schema=batch.schema), [batch])
    return Path(sink.close()[0].location)
