"""Vectorised rendering of arrow columns as JSON values and SQL literals.

Every function works on whole columns with ``pyarrow.compute``; no Python code
runs per cell. The result of each renderer is a string column without nulls,
ready to be glued into records or rows with :func:`concat` and :func:`join`.
"""

from __future__ import annotations

import json
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from syndata.errors import OutputError

Column: TypeAlias = pa.Array | pa.ChunkedArray

_CONTROL_ESCAPES = {
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _to_string(column: Column) -> Column:
    return pc.cast(column, pa.string())


def _quote(text: Column, quote: str) -> Column:
    return pc.binary_join_element_wise(quote, text, quote, "")


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _timestamp_text(column: Column, sep: str) -> Column:
    text = _to_string(column)
    return text if sep == " " else pc.replace_substring(text, " ", sep, max_replacements=1)


def _contains(text: Column, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(text, pattern)).as_py())


def _json_escape(text: Column) -> Column:
    if not _contains(text, '[\\x00-\\x1f"\\\\]'):
        return text
    text = pc.replace_substring(text, "\\", "\\\\")
    text = pc.replace_substring(text, '"', '\\"')
    if _contains(text, "[\\x00-\\x1f]"):
        for code in range(0x20):
            char = chr(code)
            text = pc.replace_substring(text, char, _CONTROL_ESCAPES.get(char, f"\\u{code:04x}"))
    return text


def json_values(column: Column, name: str = "") -> Column:
    """Render a column as JSON values; nulls and non-finite floats become ``null``.

    Dates and timestamps become ISO strings (``2024-01-02``,
    ``2024-01-02T03:04:05.000006``); decimals become JSON *strings* so that no
    digit is lost by parsers that read numbers as binary floats.
    """
    kind = column.type
    if pa.types.is_null(kind):
        return pc.fill_null(_to_string(column), "null")
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        text = _to_string(column)
    elif pa.types.is_floating(kind):
        finite = pc.is_finite(column)
        text = pc.if_else(finite, _to_string(column), pa.scalar(None, pa.string()))
    elif _is_text(kind):
        text = _quote(_json_escape(column), '"')
    elif pa.types.is_timestamp(kind):
        text = _quote(_timestamp_text(column, "T"), '"')
    elif pa.types.is_date(kind) or pa.types.is_time(kind) or pa.types.is_decimal(kind):
        text = _quote(_to_string(column), '"')
    else:
        raise _unsupported(name, kind, "JSON", "csv or parquet")
    return pc.fill_null(text, "null")


def _unsupported(name: str, kind: pa.DataType, output: str, instead: str) -> OutputError:
    """The error for a column whose type ``output`` cannot write; ``instead`` can."""
    return OutputError(
        f"column {name} has type {kind}, which {output} output does not support; "
        f"use {instead}, or generate a supported type"
    )


def _sql_escape(text: Column, dialect: str) -> Column:
    if dialect == "mysql" and _contains(text, "\\\\"):
        text = pc.replace_substring(text, "\\", "\\\\")
    if _contains(text, "'"):
        text = pc.replace_substring(text, "'", "''")
    return text


def _sql_floats(column: Column, dialect: str) -> Column:
    text = _to_string(column)
    if dialect == "postgresql":
        infinity = pc.if_else(pc.greater(column, 0), "'Infinity'", "'-Infinity'")
        special = pc.if_else(pc.is_nan(column), "'NaN'", infinity)
        return pc.if_else(pc.is_finite(column), text, special)
    return pc.if_else(pc.is_finite(column), text, pa.scalar(None, pa.string()))


def sql_literals(column: Column, dialect: str, name: str = "") -> Column:
    """Render a column as SQL literals of ``dialect`` (sqlite, postgresql or mysql).

    Strings are quoted with doubled single quotes (MySQL also doubles
    backslashes), booleans become TRUE/FALSE on PostgreSQL and 1/0 elsewhere,
    dates and timestamps become quoted ISO strings, decimals are written exactly,
    nulls become ``NULL``. Non-finite floats are NULL except on PostgreSQL, which
    stores 'NaN' and 'Infinity'.
    """
    kind = column.type
    if pa.types.is_null(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        text = _to_string(column)
    elif pa.types.is_floating(kind):
        text = _sql_floats(column, dialect)
    elif pa.types.is_boolean(kind):
        true, false = ("TRUE", "FALSE") if dialect == "postgresql" else ("1", "0")
        text = pc.if_else(column, true, false)
    elif _is_text(kind):
        text = _quote(_sql_escape(column, dialect), "'")
    elif pa.types.is_timestamp(kind):
        text = _to_string(column)
        if kind.tz is not None:
            # Arrow renders aware timestamps in UTC with a trailing "Z".
            replacement = "+00:00" if dialect == "postgresql" else ""
            text = pc.replace_substring_regex(text, "Z$", replacement)
        text = _quote(text, "'")
    elif pa.types.is_date(kind) or pa.types.is_time(kind):
        text = _quote(_to_string(column), "'")
    else:
        raise _unsupported(name, kind, "SQL", "parquet")
    return pc.fill_null(text, "NULL")


def concat(parts: list[str | Column]) -> Column:
    """Concatenate string columns and constant strings element-wise."""
    kinds = {part.type for part in parts if not isinstance(part, str)}
    kind = pa.large_string() if pa.large_string() in kinds else pa.string()
    args = [pa.scalar(part, kind) if isinstance(part, str) else part.cast(kind) for part in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", kind))


def buffers(texts: Column) -> list[pa.Buffer]:
    """Return the bytes of a null-free string column, all items back to back.

    This is a zero-copy view of the column's data: callers that want separators
    between items include them in the items (see :func:`concat`).
    """
    chunks = texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]
    result = []
    for chunk in chunks:
        if not len(chunk):
            continue
        width = 8 if pa.types.is_large_string(chunk.type) else 4
        offsets = chunk.buffers()[1]
        first = int.from_bytes(offsets[chunk.offset * width : (chunk.offset + 1) * width], "little")
        end = chunk.offset + len(chunk)
        last = int.from_bytes(offsets[end * width : (end + 1) * width], "little")
        result.append(chunk.buffers()[2][first:last])
    return result


def json_key(name: str) -> str:
    """Return ``name`` as a JSON object key followed by a colon."""
    return json.dumps(name, ensure_ascii=False) + ":"
