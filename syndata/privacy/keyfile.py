"""Secrets generated on first use and kept in a file of their own (mode 0600).

The audit key, the masking secret (``hash`` and ``fake``) and the encryption key
(``encrypt``) each default to a file under ``SYNDATA_HOME/secrets/`` when their variable
is not set, so a fresh install works without setting anything and the file says which
key was used. ``KeyFile.read(create=True)`` generates the file atomically: random bytes
written to a temporary file opened with ``O_EXCL`` (0600, in a folder created 0700), then
linked to the path, so two processes starting together end up with the same key. The
key is the file's text, stripped: ``VAR=$(cat file)`` gives the same key.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from syndata.errors import OutputError

_LOG = logging.getLogger("syndata.keys")
_CACHE: dict[Path, bytes] = {}  # key files read by this process
_LOCK = threading.Lock()


def _hex_key() -> str:
    return secrets.token_hex(32)


@dataclass(frozen=True)
class KeyFile:
    """One generated secret: where it lives, what it is for, and how to set it instead.

    ``what`` names the key in messages ("the audit key"), ``fix`` says how to point at
    another file or set the key directly, ``notice`` what to keep in mind once it is
    generated; ``make`` returns the text of a new key.
    """

    path: Path
    what: str
    fix: str
    notice: str
    make: Callable[[], str] = _hex_key
    min_length: int = 32
    level: int = logging.INFO  # of the line saying that the key was generated

    def read(self, *, create: bool) -> tuple[bytes | None, bool]:
        """The key and whether it was generated now; ``(None, False)`` if absent."""
        with _LOCK:
            cached = _CACHE.get(self.path)
            if cached is not None:
                return cached, False
            created = False
            try:
                key = self._read()
            except FileNotFoundError:
                if not create:
                    return None, False
                created = self._create()
                key = self._read()
            _CACHE[self.path] = key
            return key, created

    def _read(self) -> bytes:
        for attempt in range(50):  # a file still being written by the fallback below
            try:
                text = self.path.read_bytes().strip()
            except (FileNotFoundError, NotADirectoryError) as exc:
                raise FileNotFoundError(str(self.path)) from exc
            except OSError as exc:
                raise OutputError(
                    f"Cannot read {self.what} file {self.path}: "
                    f"{exc.strerror or exc}. Check its permissions; "
                    f"{self.fix}."
                ) from exc
            if len(text) >= self.min_length:
                return text
            if attempt < 49:
                time.sleep(0.01)
        raise OutputError(
            f"{self.what[:1].upper()}{self.what[1:]} file {self.path} is empty "
            f"or damaged. Restore it from your backup; {self.fix}."
        )

    def _create(self) -> bool:
        folder = self.path.parent
        try:
            if not folder.exists():
                folder.mkdir(parents=True, exist_ok=True)
                os.chmod(folder, 0o700)
            text = (self.make() + "\n").encode("ascii")
            temporary = folder / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                write_all(fd, text)
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(temporary, self.path)
                created = True
            except FileExistsError:
                created = False
            except OSError:  # a file system without hard links: O_EXCL on the file itself
                created = _create_in_place(self.path, text)
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(
                f"Cannot create {self.what} file {self.path}: "
                f"{exc.strerror or exc}. Make its folder writable; "
                f"{self.fix}."
            ) from exc
        if created:
            _LOG.log(self.level, "generated %s %s: %s", self.what, self.path, self.notice)
        return created


def forget_cached() -> None:
    """Drop the keys this process has read (tests that move key files use it)."""
    with _LOCK:
        _CACHE.clear()


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (``os.write`` may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _create_in_place(path: Path, text: bytes) -> bool:
    """Create ``path`` with ``O_EXCL`` and write ``text``; False when it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    try:
        write_all(fd, text)
        os.fsync(fd)
    finally:
        os.close(fd)
    return True
