"""Checks of uploaded files before they are stored: text encoding, binary junk, columns.

Text uploads (CSV, JSON, JSON Lines and configs) are stored as UTF-8. A file in another
encoding is detected with charset-normalizer and transcoded; one whose encoding cannot be
told, or that is binary, is refused. Messages name the file, the format and the detected
encoding, never the file's bytes.

``column_count`` reads only a CSV's header record or a Parquet file's schema, so a table
too wide for ``SYNDATA_MAX_COLUMNS`` can be refused before it is parsed.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from syndata.errors import DataReadError

SAMPLE_BYTES = 1 << 20  # bytes given to the encoding detector
_CHUNK = 1 << 20
_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.01  # more control characters than this: binary, not text


def not_text(display: str, fmt: str) -> DataReadError:
    """The error for a file that is binary or in no encoding that can be told."""
    return DataReadError(
        f"the upload {display!r} is not {fmt} text: it looks like binary data or an "
        f"encoding that cannot be detected; upload a {fmt} file saved as UTF-8"
    )


def detect_encoding(sample: bytes) -> str | None:
    """The encoding of ``sample`` (a Python codec name), or None when it is not text.

    UTF-8 (and ASCII) first; else charset-normalizer's guesses: among those about as good
    as the best, the one decoding most non-ASCII bytes to letters, then Windows-1252 (the
    usual spreadsheet export), then the more coherent one.
    """
    if not sample:
        return "utf-8"
    bom = next((b for b in _BOMS if sample.startswith(b)), None)
    if bom is None and _is_utf8(sample):
        return "utf-8"
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    if bom is not None:
        return str(best.encoding)
    near = [m for m in matches if m.chaos <= best.chaos + 0.1]
    chosen = max(
        near,
        key=lambda m: (
            _letter_share(str(m)),
            "cp1252" in m.could_be_from_charset,
            m.coherence,
            -m.chaos,
        ),
    )
    return "cp1252" if "cp1252" in chosen.could_be_from_charset else str(chosen.encoding)


def _letter_share(text: str) -> float:
    """The share of letters among the non-ASCII characters of ``text`` (1.0 with none)."""
    wide = [ch for ch in text if ord(ch) > 127]
    return sum(ch.isalpha() for ch in wide) / len(wide) if wide else 1.0


def _is_utf8(sample: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return False
    return True


def looks_binary(text: str) -> bool:
    """True when ``text`` holds NUL or more control characters than text has."""
    if not text:
        return False
    if "\x00" in text:
        return True
    controls = sum(
        1 for ch in text if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    return controls > len(text) * _MAX_CONTROL_SHARE


def to_utf8_file(path: Path, display: str, fmt: str) -> str:
    """Make the text file ``path`` UTF-8 in place; return the encoding it was read as.

    Raises DataReadError (naming the encoding, never quoting the data) when the file is
    binary, its encoding cannot be told, or it does not decode as the detected encoding.
    """
    with path.open("rb") as stream:
        sample = stream.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    if encoding is None:
        raise not_text(display, fmt)
    codec = codecs.lookup(encoding).name
    if codec == "utf-8" and sample.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    text_sample = sample.decode(codec, errors="ignore")
    if looks_binary(text_sample):
        raise not_text(display, fmt)
    if codec == "utf-8":
        _check_utf8(path, display, fmt)
        return "utf-8"
    _transcode(path, codec, display, fmt)
    return codec


def _check_utf8(path: Path, display: str, fmt: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise _bad_bytes(display, fmt, "UTF-8", offset + exc.start) from None


def _transcode(path: Path, codec: str, display: str, fmt: str) -> None:
    decoder = codecs.getincrementaldecoder(codec)()
    handle, temp = tempfile.mkstemp(prefix=".transcode-", suffix=".tmp", dir=path.parent)
    offset = 0
    try:
        with (
            path.open("rb") as source,
            os.fdopen(handle, "w", encoding="utf-8", newline="") as target,
        ):
            try:
                while chunk := source.read(_CHUNK):
                    target.write(decoder.decode(chunk))
                    offset += len(chunk)
                target.write(decoder.decode(b"", final=True))
            except UnicodeDecodeError as exc:
                raise _bad_bytes(display, fmt, codec, offset + exc.start) from None
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _bad_bytes(display: str, fmt: str, encoding: str, position: int) -> DataReadError:
    return DataReadError(
        f"the upload {display!r} was detected as {encoding} text but does not decode as "
        f"{encoding} (at byte {position:,}); save it as UTF-8 and upload it again"
    )


def decode_text(raw: bytes, display: str, fmt: str) -> str:
    """The text of an uploaded file held in memory (a config), from any detected encoding."""
    encoding = detect_encoding(raw[:SAMPLE_BYTES])
    if encoding is None:
        raise not_text(display, fmt)
    codec = codecs.lookup(encoding).name
    if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise _bad_bytes(display, fmt, codec, exc.start) from None
    if looks_binary(text[:SAMPLE_BYTES]):
        raise not_text(display, fmt)
    return text


def column_count(path: Path) -> int | None:
    """Columns of a stored CSV (its header record) or Parquet file (its schema).

    Read cheaply; None for other formats or when the header cannot be read (the full
    read check reports that).
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as stream:
                header = next(csv.reader(stream), None)
            return len(header) if header is not None else 0
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return len(pq.read_schema(path).names)
    except (OSError, ValueError, csv.Error, UnicodeDecodeError):
        return None
    except Exception as exc:  # pyarrow's own errors (ArrowInvalid is a ValueError)
        if type(exc).__module__.startswith("pyarrow"):
            return None
        raise
    return None


_COLUMN_MISMATCH = re.compile(r"Expected (\d+) columns?, got (\d+)")


def safe_reason(text: str, fmt: str) -> str:
    """Why a file did not parse as ``fmt``, without any of the data parsers quote."""
    found = _COLUMN_MISMATCH.search(text)
    if found:
        expected, got = found.groups()
        return f"a row has {got} fields where the header has {expected}"
    return f"it is not valid {fmt}"
