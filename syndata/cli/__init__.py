"""The ``syndata`` command: ``app`` (Typer) and ``main`` (the script's entry point).

``syndata.cli.app`` holds the application and its error reporting; the commands live in
``syndata.cli.commands`` (data work) and ``syndata.cli.service`` (the job service), which
register themselves on ``app`` when imported here.
"""

from syndata.cli import commands, service  # noqa: F401  (register the commands on app)
from syndata.cli.app import app, main

__all__ = ["app", "main"]
