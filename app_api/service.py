"""The job service as the service ``syndata serve`` runs (``syndata.service_plugin``).

Registered in the entry point group ``syndata.services`` as ``api``, so syndata finds it
without importing this package. Importing this module imports neither FastAPI nor the
app: uvicorn imports ``app_api.main`` in the server.
"""

from __future__ import annotations

from typing import Any, ClassVar

from app_api.logs import uvicorn_log_config
from syndata.service_plugin import Service


class ApiService(Service):
    """``app_api.main:create_app``, its access log with API keys redacted."""

    app_factory: ClassVar[str] = "app_api.main:create_app"

    def log_config(self) -> dict[str, Any]:
        """The uvicorn log config, the access log redacting keys (``logs.uvicorn_log_config``)."""
        return uvicorn_log_config()
