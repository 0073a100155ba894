"""The web service ``syndata serve`` runs: a plug-in, so syndata never imports it.

The service is a ``Service`` registered in the entry point group ``syndata.services``;
the project's own is ``app_api`` (FastAPI), registered as ``api`` in ``pyproject.toml``::

    [project.entry-points."syndata.services"]
    api = "app_api.service:ApiService"

    found = service()                  # the installed service ("api" when there)
    uvicorn.run(found.app_factory, factory=True, log_config=found.log_config())

Looking the service up imports only the module of its class: the app is imported by
uvicorn from ``app_factory``, in the server.
"""

from __future__ import annotations

from typing import Any, ClassVar

from syndata.errors import PluginError
from syndata.plugins import Registry

DEFAULT_SERVICE = "api"
INSTALL_FIX = (
    "install syndata with its service (`pip install syndata`, or `pip install -e .` in a "
    "checkout: the app_api package registers the 'api' service), or a package that "
    "registers a service in the entry point group 'syndata.services'"
)


class Service:
    """An ASGI web service ``syndata serve`` runs with uvicorn."""

    app_factory: ClassVar[str]
    """``module:function`` that makes the ASGI app (uvicorn imports and calls it)."""

    def log_config(self) -> dict[str, Any] | None:
        """The uvicorn logging config (``logging.config.dictConfig``); None: uvicorn's."""
        return None


SERVICES: Registry[Service] = Registry("services", Service)


def service(name: str | None = None) -> Service:
    """A new instance of the service ``name`` (default: ``api``, else the only one).

    Raises PluginError saying what to install when no service is installed.
    """
    names = SERVICES.names()
    if not names:
        raise PluginError(
            "no web service is installed (entry point group 'syndata.services'), "
            "so there is nothing to serve",
            fix=INSTALL_FIX,
        )
    chosen = name or (DEFAULT_SERVICE if DEFAULT_SERVICE in names else names[0])
    return SERVICES.get(chosen)()
