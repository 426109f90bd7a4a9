"""dialbook workspaces ..."""

from __future__ import annotations

import click

from dialbook.cli import App, pass_app
from dialbook.cli.output import json_option, print_json, print_table
from dialbook.onboarding import service as onboarding
from dialbook.workspaces import service as workspace_service


@click.group("workspaces")
def command() -> None:
    """Workspaces (tenants)."""


@command.command("create")
@click.argument("name")
@click.option("--region", help="Default region for national-format phones, e.g. US or GB.")
@json_option
@pass_app
def create(app: App, name: str, region: str | None, as_json: bool) -> None:
    """Create a workspace (and its default list).

    Example: dialbook workspaces create acme --region US
    """
    workspace = app.write(onboarding.create_workspace, name=name, default_region=region)
    if as_json:
        print_json(workspace)
    else:
        print_table(
            "Workspace created",
            ["id", "name", "region"],
            [(workspace.id, workspace.name, workspace.default_region)],
        )


@command.command("list")
@json_option
@pass_app
def list_(app: App, as_json: bool) -> None:
    """List workspaces.

    Example: dialbook workspaces list
    """
    rows = app.read(workspace_service.list_workspaces)
    if as_json:
        print_json(rows)
    else:
        print_table(
            "Workspaces",
            ["id", "name", "region", "created"],
            [(w.id, w.name, w.default_region, w.created_at) for w in rows],
        )
