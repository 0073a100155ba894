"""A package's metadata written by hand, so tests see entry points without installing it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_dist_info(folder: Path, name: str, groups: Mapping[str, str]) -> Path:
    """``folder/<name>-1.0.dist-info`` declaring ``groups`` ({group: its entry point lines}).

    Put ``folder`` on ``sys.path`` (or ``PYTHONPATH``) and ``importlib.metadata`` lists them.
    """
    dist = folder / f"{name.replace('-', '_')}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "".join(f"[{group}]\n{lines.strip()}\n\n" for group, lines in groups.items())
    )
    return dist
