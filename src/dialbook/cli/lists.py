"""dialbook lists ..."""

from __future__ import annotations

import click

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import json_option, print_json, print_record, print_table
from dialbook.lists import service as list_service
from dialbook.lists.schemas import DuplicatePolicy, ListCreate, ListRead


@click.group("lists")
def command() -> None:
    """Contact lists."""


def _show(lst: ListRead, as_json: bool, title: str) -> None:
    if as_json:
        print_json(lst)
        return
    print_record(
        title,
        [
            ("id", lst.id),
            ("name", lst.name),
            ("contacts", lst.contact_count),
            ("default region", lst.default_region),
            ("duplicates", f"{lst.duplicate_policy.key} within {lst.duplicate_policy.scope}"),
            ("queue mode", lst.queue_mode),
            ("max attempts", lst.max_attempts),
            ("calling window", lst.calling_window),
            ("created", lst.created_at),
        ],
    )


@command.command("create")
@click.argument("name")
@workspace_option
@click.option("--region", help="Default region for national-format phones, e.g. US.")
@click.option(
    "--duplicate-key",
    type=click.Choice(["phone", "email", "external_id", "none"]),
    default="phone",
    show_default=True,
)
@click.option(
    "--duplicate-scope", type=click.Choice(["list", "workspace"]), default="list", show_default=True
)
@click.option(
    "--queue-mode",
    type=click.Choice(["immediate", "on_publish"]),
    default="immediate",
    show_default=True,
)
@json_option
@pass_app
def create(
    app: App,
    name: str,
    workspace: str,
    region: str | None,
    duplicate_key: str,
    duplicate_scope: str,
    queue_mode: str,
    as_json: bool,
) -> None:
    """Create a list.

    Example: dialbook lists create "Spring leads" --region US
    """
    caller = app.caller(workspace)
    data = ListCreate(
        name=name,
        default_region=region,
        duplicate_policy=DuplicatePolicy(key=duplicate_key, scope=duplicate_scope),  # type: ignore[arg-type]
        queue_mode=queue_mode,  # type: ignore[arg-type]
    )
    lst = app.write(list_service.create, caller=caller, data=data)
    _show(lst, as_json, "List created")


@command.command("list")
@workspace_option
@json_option
@pass_app
def list_(app: App, workspace: str, as_json: bool) -> None:
    """List the workspace's lists with their contact counts.

    Example: dialbook lists list
    """
    caller = app.caller(workspace)
    rows: list[ListRead] = []
    cursor: str | None = None
    while True:
        page = app.read(
            list_service.page, workspace_id=caller.workspace_id, cursor=cursor, limit=500
        )
        rows += page.data
        cursor = page.next_cursor
        if cursor is None:
            break
    if as_json:
        print_json(rows)
    else:
        print_table(
            "Lists",
            ["id", "name", "contacts", "region", "duplicates", "queue"],
            [
                (
                    lst.id,
                    lst.name + (" (default)" if lst.is_default else ""),
                    lst.contact_count,
                    lst.default_region,
                    f"{lst.duplicate_policy.key}/{lst.duplicate_policy.scope}",
                    lst.queue_mode,
                )
                for lst in rows
            ],
        )


@command.command("show")
@click.argument("list_id", type=int)
@workspace_option
@json_option
@pass_app
def show(app: App, list_id: int, workspace: str, as_json: bool) -> None:
    """Show one list and its settings.

    Example: dialbook lists show 2
    """
    caller = app.caller(workspace)
    _show(app.read(list_service.get, workspace_id=caller.workspace_id, id=list_id), as_json, "List")
