"""Checks of one environment variable's text: each returns the value or raises ``BadValue``.

``syndata.settings.model`` builds its ``Settings`` fields from these; a ``BadValue`` carries the
``Problem`` (the variable, what is wrong, the fix) that the settings report as a
``ConfigError``. Nothing here reads the environment.
"""

from __future__ import annotations

import base64
import binascii
import re

from syndata.errors import Problem

ENCRYPTION_KEY_SIZES = (32, 48, 64)  # bytes of an AES-SIV key: AES-128, -192 or -256
_PLUGIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_PLUGIN_TARGET = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


class BadValue(ValueError):
    """A variable's text is not a valid value; ``problem`` says which, why and the fix."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def text(raw: object) -> str | None:
    """The stripped text, or None when unset or blank."""
    value = str(raw).strip() if raw is not None else ""
    return value or None


def whole_number(var: str, raw: str, fix: str, *, lo: int = 1, hi: int | None = None) -> int:
    """A whole number from ``lo`` to ``hi``; BadValue naming ``var``, with ``fix``, otherwise."""
    try:
        value = int(raw.strip())
    except ValueError:
        value = lo - 1
    if value < lo or (hi is not None and value > hi):
        span = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
        raise BadValue(
            Problem(var, f"{var}={raw.strip()[:40]!r} is not a whole number {span}", fix)
        )
    return value


def positive_number(var: str, raw: str, default: float, kind: type[int] | type[float]) -> float:
    """A positive, finite number (``_`` separators allowed), of ``kind``."""
    value: float
    try:
        value = kind(raw.strip().replace("_", ""))
    except ValueError:
        value = 0
    if not value > 0 or value != value or value == float("inf"):
        raise BadValue(
            Problem(
                var,
                f"{var} must be a positive number, got {raw.strip()[:40]!r}",
                f"set {var} to a positive number, or unset it for the default ({default:,})",
            )
        )
    return value


def number(var: str, raw: str) -> float:
    """Any number; BadValue naming ``var`` when the text is not one."""
    try:
        return float(raw.strip())
    except ValueError:
        raise BadValue(
            Problem(
                var, f"{var} is {raw.strip()!r}, not a number", f"set {var} to a number or unset it"
            )
        ) from None


def plugin_list(var: str, raw: str) -> dict[str, str]:
    """``name=module:Class,...`` as ``{name: "module:Class"}``; nothing is imported."""
    plugins: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        name, sep, target = (s.strip() for s in item.partition("="))
        if not sep or not _PLUGIN_NAME.fullmatch(name) or not _PLUGIN_TARGET.fullmatch(target):
            raise BadValue(
                Problem(
                    var,
                    f"{var} entry {item[:80]!r} is not name=package.module:Class",
                    f"set {var} to comma-separated entries such as "
                    "'sku=mypkg.rules:SkuRule' (a name of letters, digits, '_' or '-')",
                )
            )
        plugins[name] = target
    return plugins


def encryption_key(value: str, where: str) -> bytes:
    """Decode a base64 (or URL-safe base64) AES-SIV key of 32, 48 or 64 bytes."""
    fix = (
        "generate a key with `python -c 'import base64, os; "
        "print(base64.b64encode(os.urandom(64)).decode())'` and keep it safe"
    )
    key_text = value.strip()
    if not key_text:
        raise BadValue(
            Problem(where, f"{where} is not set; 'encrypt' and 'decrypt' need a key", fix)
        )
    urlsafe = "-" in key_text or "_" in key_text
    try:
        key = base64.b64decode(
            key_text + "=" * (-len(key_text) % 4),
            altchars=b"-_" if urlsafe else None,
            validate=True,
        )
    except (binascii.Error, ValueError):
        raise BadValue(Problem(where, f"{where} is not valid base64", fix)) from None
    if len(key) not in ENCRYPTION_KEY_SIZES:
        sizes = ", ".join(map(str, ENCRYPTION_KEY_SIZES))
        raise BadValue(
            Problem(
                where, f"{where} decodes to {len(key)} bytes; an AES-SIV key has {sizes} bytes", fix
            )
        )
    return key
