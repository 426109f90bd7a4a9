"""dialbook keys ..."""

from __future__ import annotations

import click

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import console, json_option, print_json, print_table
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import SCOPES


@click.group("keys")
def command() -> None:
    """API keys."""


@command.command("create")
@workspace_option
@click.option("--name", default="api key", show_default=True)
@click.option(
    "--scopes",
    "-s",
    multiple=True,
    type=click.Choice(SCOPES),
    help="Repeat for several. Default: every scope but admin.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the key (for scripts).")
@json_option
@pass_app
def create(
    app: App, workspace: str, name: str, scopes: tuple[str, ...], quiet: bool, as_json: bool
) -> None:
    """Create an API key. The key is printed once; only its hash is stored.

    Example: dialbook keys create --name dialer -s contacts:read -s queue:dial
    """
    caller = app.caller(workspace)
    key = app.write(
        workspace_service.create_key,
        workspace_id=caller.workspace_id,
        name=name,
        scopes=list(scopes) or None,
    )
    if quiet:
        click.echo(key.key)
    elif as_json:
        print_json(key)
    else:
        console.print(
            f"API key [bold]{key.name}[/bold] (id {key.id}), scopes {' '.join(key.scopes)}:"
        )
        console.print(f"  {key.key}")
        console.print("Keep it now: it is not shown again.")


@command.command("list")
@workspace_option
@json_option
@pass_app
def list_(app: App, workspace: str, as_json: bool) -> None:
    """List a workspace's API keys (prefixes only).

    Example: dialbook keys list
    """
    caller = app.caller(workspace)
    rows = app.read(workspace_service.list_keys, workspace_id=caller.workspace_id)
    if as_json:
        print_json(rows)
    else:
        print_table(
            "API keys",
            ["id", "name", "prefix", "scopes", "created", "last used", "revoked"],
            [
                (
                    k.id,
                    k.name,
                    k.prefix + "…",
                    " ".join(k.scopes),
                    k.created_at,
                    k.last_used_at,
                    k.revoked_at,
                )
                for k in rows
            ],
        )


@command.command("revoke")
@click.argument("key_id", type=int)
@workspace_option
@pass_app
def revoke(app: App, key_id: int, workspace: str) -> None:
    """Revoke an API key.

    Example: dialbook keys revoke 3
    """
    caller = app.caller(workspace)
    key = app.write(workspace_service.revoke_key, workspace_id=caller.workspace_id, key_id=key_id)
    console.print(f"Revoked key {key.id} ({key.name}).")
