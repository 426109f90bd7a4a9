"""dialbook events ..."""

from __future__ import annotations

import time

import click
import msgspec

from dialbook.cli import App, pass_app, workspace_option
from dialbook.events import service as event_service
from dialbook.events.schemas import Event, EventQuery

POLL = 1.0  # seconds between looks for new events while following


@click.group("events")
def command() -> None:
    """The event log: every change, in order."""


@command.command("tail")
@workspace_option
@click.option(
    "--types", help="Only these types, comma-separated, e.g. contact.created,list.deleted"
)
@click.option("--list", "list_id", type=int, help="Only events of this list.")
@click.option(
    "--after",
    help="Start after this event id (0: from the oldest kept). Default: from now on.",
)
@click.option("--follow/--no-follow", default=True, show_default=True, help="Wait for more.")
@click.option("--json", "as_json", is_flag=True, help="One JSON event per line (JSON Lines).")
@pass_app
def tail(
    app: App,
    workspace: str,
    types: str | None,
    list_id: int | None,
    after: str | None,
    follow: bool,
    as_json: bool,
) -> None:
    """Print events as they happen (Ctrl-C stops).

    Example: dialbook events tail --types contact.dnc_changed,suppression.added
    """
    caller = app.caller(workspace)
    if after is None:
        after = str(app.read(event_service.head, caller=caller))
    try:
        query = EventQuery(after=after, types=types, list_id=list_id, limit=500)
        msgspec.convert(msgspec.to_builtins(query), EventQuery)  # the pattern on `after`
    except msgspec.ValidationError as error:
        raise click.BadParameter(str(error)) from None
    while True:
        found = app.read(event_service.page, caller=caller, query=query)
        for event in found.data:
            click.echo(msgspec.json.encode(event).decode() if as_json else _line(event))
        query = msgspec.structs.replace(query, after=found.next_cursor)
        if found.data:
            continue
        if not follow:
            return
        time.sleep(POLL)


def _line(event: Event) -> str:
    at = event.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    where = " ".join(
        f"{name}={value}"
        for name, value in (
            ("list", event.list_id),
            ("contact", event.contact_id),
            ("version", event.version),
        )
        if value is not None
    )
    changed = f" changed: {', '.join(event.changes)}" if event.changes else ""
    return f"{event.id}  {at}  {event.type:<24} {where}  by {event.actor}{changed}"
