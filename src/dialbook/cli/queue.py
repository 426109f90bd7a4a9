"""dialbook queue ..."""

from __future__ import annotations

from typing import get_args

import click
import msgspec

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import console, fail, json_option, print_json, print_table, text
from dialbook.errors import InvalidInput
from dialbook.kit.validation import field_error
from dialbook.queue import service as queue_service
from dialbook.queue.schemas import ClaimRequest, Outcome, OutcomeRequest

OUTCOMES = list(get_args(Outcome))


@click.group("queue")
def command() -> None:
    """The dial queue."""


@command.command("preview")
@click.argument("list_id", type=int)
@workspace_option
@json_option
@pass_app
def preview(app: App, list_id: int, workspace: str, as_json: bool) -> None:
    """How many contacts of a list may be called now, and why the others may not.

    Example: dialbook queue preview 2
    """
    caller = app.caller(workspace)
    result = app.read(queue_service.preview, caller=caller, list_id=list_id)
    if as_json:
        print_json(result)
        return
    console.print(result.summary)


@command.command("callable")
@click.argument("contact_id", type=int)
@workspace_option
@json_option
@pass_app
def callable_now(app: App, contact_id: int, workspace: str, as_json: bool) -> None:
    """May a contact be called now, on which number; if not, why not, and from when.

    Example: dialbook queue callable 42
    """
    caller = app.caller(workspace)
    result = app.read(queue_service.check, caller=caller, id=contact_id)
    if as_json:
        print_json(result)
        return
    if result.callable:
        console.print(f"Contact {contact_id} is callable now on {result.number}.")
        return
    console.print(f"Contact {contact_id} is not callable now ({result.number or 'no number'}):")
    for why in result.reasons:
        console.print(f"- {why.reason}: {why.detail}")
    when = result.next_callable_at
    console.print(
        f"Next callable at {when.isoformat()}." if when else "Not callable until changed."
    )


@command.command("claim")
@click.argument("list_id", type=int)
@workspace_option
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 100))
@click.option("--agent", help="Who is dialing (kept with each attempt).")
@click.option("--lease-seconds", default=300, show_default=True, type=click.IntRange(5, 86_400))
@json_option
@pass_app
def claim(
    app: App,
    list_id: int,
    workspace: str,
    count: int,
    agent: str | None,
    lease_seconds: int,
    as_json: bool,
) -> None:
    """Lease the next contacts that may be called now.

    Example: dialbook queue claim 2 --count 5 --agent alice
    """
    caller = app.caller(workspace)
    request = ClaimRequest(count=count, agent=agent, lease_seconds=lease_seconds)
    result = app.write(queue_service.claim, caller=caller, list_id=list_id, request=request)
    if as_json:
        print_json(result)
        return
    print_table(
        f"Leased {len(result.leases)} contact(s)",
        ["lease", "contact", "name", "dial", "why this number", "timezone", "priority", "expires"],
        [
            (
                lease.lease_id,
                lease.contact.id,
                lease.contact.full_name,
                lease.phone.number,
                lease.number_reason,
                lease.contact.timezone,
                lease.contact.priority,
                lease.expires_at,
            )
            for lease in result.leases
        ],
    )


@command.command("outcome")
@click.argument("lease_id", type=int)
@click.argument("outcome", type=click.Choice(OUTCOMES))
@workspace_option
@click.option("--notes", help="What happened on the call.")
@click.option(
    "--retry-at",
    metavar="TIME",
    help="When to call again (ISO 8601 with an offset, e.g. 2026-12-01T15:00:00Z); "
    "required for callback.",
)
@json_option
@pass_app
def outcome(
    app: App,
    lease_id: int,
    outcome: str,
    workspace: str,
    notes: str | None,
    retry_at: str | None,
    as_json: bool,
) -> None:
    """Record the outcome of a leased call.

    Example: dialbook queue outcome 7 callback --retry-at 2026-12-01T15:00:00Z
    """
    caller = app.caller(workspace)
    given = {"outcome": outcome, "notes": notes, "retry_at": retry_at}
    try:
        request = msgspec.convert(given, OutcomeRequest)
    except msgspec.ValidationError as error:
        fail(InvalidInput(fields=[field_error(error, OutcomeRequest)]))
    result = app.write(
        queue_service.record_outcome, caller=caller, lease_id=lease_id, request=request
    )
    if as_json:
        print_json(result)
        return
    due = f", due {text(result.due_at)}" if result.due_at else ""
    following = f"next number {result.next_number}" if result.next_number else "no number left"
    console.print(
        f"Lease {result.lease_id}: {result.outcome} on {result.number}. Contact "
        f"{result.contact_id} is {result.status} after {result.attempts} attempt(s){due}; "
        f"{following}."
    )
