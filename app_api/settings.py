"""The service's own settings, read from the environment when the app is created.

``SYNDATA_AUTH``           ``off`` turns authentication off (every request acts as admin);
                           anything else, or unset, keeps it on.
``SYNDATA_API_KEY``        an admin key created at start when it is not in the store yet.
``SYNDATA_MAX_UPLOAD_MB``  the largest upload in megabytes (default 200; fractions allowed).
``SYNDATA_RATE_LIMIT``     requests per minute per API key (token bucket; default 6000).

Everything else (data folder, job store, broker, MLflow) comes from ``syndata.settings``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from syndata.errors import ConfigError, Problem

AUTH_VAR = "SYNDATA_AUTH"
API_KEY_VAR = "SYNDATA_API_KEY"
MAX_UPLOAD_VAR = "SYNDATA_MAX_UPLOAD_MB"
RATE_LIMIT_VAR = "SYNDATA_RATE_LIMIT"

DEFAULT_MAX_UPLOAD_MB = 200.0
DEFAULT_RATE_LIMIT = 6000
MULTIPART_OVERHEAD = 1 << 20  # bytes allowed beyond the upload limit for form framing


@dataclass(frozen=True)
class ApiSettings:
    """Settings of one app instance."""

    auth_enabled: bool = True
    bootstrap_key: str | None = None
    max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * (1 << 20))
    rate_limit: int = DEFAULT_RATE_LIMIT

    @property
    def max_body_bytes(self) -> int:
        """The largest request body: an upload at the limit plus its multipart framing."""
        return self.max_upload_bytes + MULTIPART_OVERHEAD

    @property
    def max_upload_mb(self) -> float:
        """The upload limit in megabytes."""
        return self.max_upload_bytes / (1 << 20)

    def public(self) -> dict[str, object]:
        """The settings without the bootstrap secret."""
        return {
            "auth": "on" if self.auth_enabled else "off",
            "bootstrap_key_set": self.bootstrap_key is not None,
            "max_upload_mb": round(self.max_upload_mb, 6),
            "rate_limit_per_minute": self.rate_limit,
        }


def load() -> ApiSettings:
    """Read the settings from the environment; ConfigError naming every bad variable."""
    problems: list[Problem] = []
    auth_value = os.environ.get(AUTH_VAR, "").strip().lower()
    max_mb = _number(MAX_UPLOAD_VAR, DEFAULT_MAX_UPLOAD_MB, problems)
    rate = _number(RATE_LIMIT_VAR, DEFAULT_RATE_LIMIT, problems)
    if rate is not None and (rate < 1 or rate != int(rate)):
        problems.append(
            Problem(
                RATE_LIMIT_VAR,
                f"{RATE_LIMIT_VAR} must be a whole number of requests per minute, at least 1",
                f"set {RATE_LIMIT_VAR}=6000 or unset it",
            )
        )
    if max_mb is not None and max_mb <= 0:
        problems.append(
            Problem(
                MAX_UPLOAD_VAR,
                f"{MAX_UPLOAD_VAR} must be above 0",
                f"set {MAX_UPLOAD_VAR}=200 or unset it",
            )
        )
    if problems:
        raise ConfigError(problems, "the environment")
    secret = os.environ.get(API_KEY_VAR, "").strip() or None
    return ApiSettings(
        auth_enabled=auth_value != "off",
        bootstrap_key=secret,
        max_upload_bytes=max(1, int((max_mb or 0) * (1 << 20))),
        rate_limit=int(rate or DEFAULT_RATE_LIMIT),
    )


def _number(name: str, default: float, problems: list[Problem]) -> float | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        problems.append(
            Problem(
                name, f"{name} is {text!r}, not a number", f"set {name} to a number or unset it"
            )
        )
        return None
