"""The service's own settings, read from the environment when the app is created.

``SYNDATA_AUTH``           ``off`` turns authentication off (every request acts as admin);
                           anything else, or unset, keeps it on.
``SYNDATA_API_KEY``        an admin key created at start when it is not in the store yet.
``SYNDATA_MAX_UPLOAD_MB``  the largest upload in megabytes (default 200; fractions allowed).
``SYNDATA_RATE_LIMIT``     requests per minute per API key (token bucket; default 6000).

All are fields of ``syndata.settings.Settings``, read there once; the rest (data folder,
job store, broker, MLflow) are read there too.
"""

from __future__ import annotations

from dataclasses import dataclass

from syndata import settings

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
    """The service's settings from ``syndata.settings``; ConfigError naming every bad one."""
    found = settings.checked("auth", "api_key", "max_upload_mb", "rate_limit")
    secret = found.api_key.get_secret_value().strip() if found.api_key else ""
    return ApiSettings(
        auth_enabled=found.auth,
        bootstrap_key=secret or None,
        max_upload_bytes=max(1, int(found.max_upload_mb * (1 << 20))),
        rate_limit=found.rate_limit,
    )
