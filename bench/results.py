"""Writing a benchmark's block into bench/RESULTS.md, between its markers."""

from __future__ import annotations

from pathlib import Path


def write_block(path: Path, marker: str, body: str) -> None:
    """Replace the text between ``<!-- marker:start/end -->``, or append the block at the end."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text() if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    path.write_text(text)
