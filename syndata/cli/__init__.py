"""The ``syndata`` command: ``app`` (Typer) and ``main`` (the script's entry point).

``syndata.cli.app`` holds the application and its error reporting; each command group
lives in a module of its own and registers its commands on ``app`` when imported here:
``generate`` (generate, validate), ``data`` (profile, schema, evaluate), ``fit``,
``sample``, ``privacy`` (mask, privacy scan, audit), ``models``, ``serve`` (serve,
worker), ``keys`` and ``jobs`` (status, logs, cancel, scheduler). ``options`` holds what
several of them share.
"""

from syndata.cli import (  # noqa: F401  (register the commands on app)
    data,
    fit,
    generate,
    jobs,
    keys,
    models,
    privacy,
    sample,
    serve,
)
from syndata.cli.app import app, main

__all__ = ["app", "main"]
