"""``syndata keys``: API keys of the service (stored hashed in the job store)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from syndata.cli.app import app, err, fail, out
from syndata.errors import SyndataError

keys_app = typer.Typer(
    help="API keys of the service (stored hashed in the job store).", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="viewer (read), operator (run jobs) or admin.")],
    name: Annotated[str, typer.Option(help="What the key is for.")] = "",
    project: Annotated[
        str,
        typer.Option(
            help=(
                "The project the key belongs to (lower-case letters, digits, '_', '-'); it sees "
                "only that project's jobs, datasets, configs and models. '*' with --role admin "
                "makes a server admin, who sees every project."
            )
        ),
    ] = "default",
) -> None:
    """Create a key and print its secret (shown only once)."""
    from syndata.access.keys import KeyStore

    try:
        key, secret = KeyStore().create_key(role, name, project=project)
    except SyndataError as exc:
        fail(exc)
    where = "server admin" if key.project == "*" else f"project {key.project}"
    err.print(
        f"created {key.role} key {key.key_id} ({where}); keep the secret, it is not shown again:"
    )
    out.print(secret, highlight=False)


@keys_app.command("list")
def keys_list(
    project: Annotated[str | None, typer.Option(help="Only this project's keys.")] = None,
) -> None:
    """List keys (never their secrets) with their projects ('*': server admin)."""
    from rich.table import Column

    from syndata.access.keys import KeyStore

    table = Table(
        Column("key", no_wrap=True), "role", "project", "name", "created", "last used", "revoked"
    )
    for key in KeyStore().list_keys(project=project):
        d = key.to_dict()
        table.add_row(
            key.key_id,
            key.role,
            key.project,
            key.name,
            d["created_at"][:16],
            (d["last_used_at"] or "")[:16],
            "yes" if key.revoked else "",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (key_...).")]) -> None:
    """Revoke a key (never the last admin key of a project, nor the last server admin)."""
    from syndata.access.keys import KeyStore

    try:
        KeyStore().revoke_key(key_id)
    except SyndataError as exc:
        fail(exc)
    out.print(f"revoked {key_id}")
