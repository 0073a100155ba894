"""The ``syndata`` command's application, its consoles and its error reporting.

Exit codes (scripts can rely on them): 0 success; 1 unexpected error; 2 bad usage
(unknown option, missing argument); 3 invalid config; 4 generation failed; 5 input
unreadable; 6 output could not be written; 7 personal data (PII) without a decision;
8 job failed; 9 bad API key; 10 service unreachable; 11 job store unusable.

The commands register themselves on ``app`` from the command modules of
``syndata.cli`` (one per command group), which ``syndata.cli`` imports.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from syndata import __version__
from syndata.errors import ConfigError, SyndataError

app = typer.Typer(
    name="syndata",
    help="Synthetic data platform: generate realistic tables from a config, keeping keys "
    "and relationships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"syndata {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Synthetic data platform."""


def fail(exc: SyndataError) -> None:
    """Print ``exc`` as the command's error and exit with its code."""
    print_error(exc)
    raise typer.Exit(exc.exit_code)


def print_error(exc: SyndataError) -> None:
    """``invalid config: ...`` or ``error: ...`` on stderr."""
    kind = "invalid config" if isinstance(exc, ConfigError) else "error"
    err.print(f"{kind}: {exc}", highlight=False, markup=False, soft_wrap=True)


def main() -> None:
    """Entry point of the ``syndata`` script."""
    try:
        app()
    except SyndataError as exc:  # one a command did not catch: its message, not a traceback
        print_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
