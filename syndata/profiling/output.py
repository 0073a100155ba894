"""A profile written as JSON, YAML (a config) or HTML, atomically."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from syndata.errors import OutputError
from syndata.profiling.profile import FILE_MODE, PROFILE_FORMATS, Profile


def write_profile(profile: Profile, output: str | Path, fmt: str | None = None) -> Path:
    """Write the profile as JSON, YAML (a config) or HTML; atomically (temp file, rename).

    The format is ``fmt`` (json, yaml, yml, html) or else the extension of ``output``.
    """
    path = Path(output)
    key = f".{fmt.lower().lstrip('.')}" if fmt else path.suffix.lower()
    kind = PROFILE_FORMATS.get(key)
    if kind is None:
        raise OutputError(
            f"cannot write the profile to {path}: unknown format "
            f"{(fmt or path.suffix or '(none)')!r}; use one of "
            f"{', '.join(PROFILE_FORMATS)}"
        )
    text = {"json": profile.to_json, "yaml": profile.to_yaml, "html": profile.to_html}[kind]()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else FILE_MODE)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(
            f"cannot write the profile to {path}: {exc.strerror or exc}; "
            "check the folder exists and is writable"
        ) from exc
    return path


def kind_counts(profile: Profile) -> dict[str, int]:
    """How many columns of each kind the profile has."""
    return dict(Counter(c.kind for c in profile.columns).most_common())
