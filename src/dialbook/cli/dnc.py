"""dialbook dnc ..."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import console, json_option, print_json, print_table, text
from dialbook.registries import service as registry_service
from dialbook.registries.schemas import REGISTRY_NAMES
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import SuppressionCreate, SuppressionQuery
from dialbook.workspaces.schemas import Caller


@click.group("dnc")
def command() -> None:
    """Do-not-call numbers: the workspace suppression list and do-not-call registries."""


@command.command("add")
@click.argument("number")
@workspace_option
@click.option("--reason")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), help="Last day in force (UTC).")
@json_option
@pass_app
def add(
    app: App,
    number: str,
    workspace: str,
    reason: str | None,
    expires: dt.datetime | None,
    as_json: bool,
) -> None:
    """Add a number not to call.

    Example: dialbook dnc add "(240) 452-2332" --reason "asked by phone"
    """
    caller = app.caller(workspace)
    entry = app.write(
        suppression_service.add,
        caller=caller,
        data=SuppressionCreate(number=number, reason=reason, expires_at=_end_of(expires)),
        source="cli",
    )
    if as_json:
        print_json(entry)
        return
    console.print(
        f"{entry.number} will not be called"
        + (f" until {text(entry.expires_at)}" if entry.expires_at else "")
        + "."
    )


def _end_of(day: dt.datetime | None) -> dt.datetime | None:
    return None if day is None else day.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
@click.option("--reason", help="Reason kept with every number (suppression CSV files).")
@click.option(
    "--registry",
    type=click.Choice(REGISTRY_NAMES),
    help="Load a do-not-call registry's download file (plain or zipped) instead of a CSV.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="With --registry: the date the file is current as of (default: today, UTC).",
)
@click.option(
    "--changes",
    is_flag=True,
    help="With --registry: a change list (additions and deletions), not a full list.",
)
@json_option
@pass_app
def import_(
    app: App,
    file: Path,
    workspace: str,
    reason: str | None,
    registry: str | None,
    as_of: dt.datetime | None,
    changes: bool,
    as_json: bool,
) -> None:
    """Load numbers not to call.

    A CSV file (a column named number/phone, or else the first column) goes to the
    workspace's suppression list. With --registry us-national, a file of the US National
    Do Not Call Registry: a full list replaces the workspace's copy, a change list
    (--changes) applies its additions and deletions.

    Examples: dialbook dnc import our-dnc.csv --reason "asked by phone";
    dialbook dnc import 2026-12-01-full.zip --registry us-national --as-of 2026-12-01
    """
    caller = app.caller(workspace)
    if registry is None:
        if as_of is not None or changes:
            raise click.UsageError("--as-of and --changes go with --registry.")
        _import_suppressions(app, caller, file, reason)
        return
    result = app.write(
        registry_service.import_file,
        caller=caller,
        name=registry,
        path=file,
        as_of=None if as_of is None else as_of.date(),
        changes=changes,
    )
    if as_json:
        print_json(result)
        return
    copy = result.registry
    console.print(
        f"{result.lines:,} lines read ({result.kind}): {result.added:,} added, "
        f"{result.removed:,} removed; the {copy.name} copy holds {copy.numbers:,} entries "
        f"({copy.area_codes:,} whole area codes), as of {copy.as_of.isoformat()}."
    )


def _import_suppressions(app: App, caller: Caller, file: Path, reason: str | None) -> None:
    result = app.write(
        suppression_service.add_file, caller=caller, path=file, reason=reason, source="import"
    )
    for error in result.errors:
        console.print(f"line {error.line}: {error.detail}", markup=False)
    refused = f", {result.refused:,} refused" if result.refused else ""
    console.print(
        f"{result.added:,} numbers added, {result.updated:,} already there (refreshed){refused}."
    )


@command.command("registries")
@workspace_option
@json_option
@pass_app
def registries(app: App, workspace: str, as_json: bool) -> None:
    """The do-not-call registries imported in the workspace, with their as-of dates.

    Example: dialbook dnc registries
    """
    caller = app.caller(workspace)
    page = app.read(registry_service.page, caller=caller)
    if as_json:
        print_json(page.data)
        return
    print_table(
        "Do-not-call registries",
        ["name", "as of", "entries", "area codes", "last import", "imported"],
        [(r.name, r.as_of, r.numbers, r.area_codes, r.kind, r.imported_at) for r in page.data],
    )


@command.command("check")
@click.argument("number")
@workspace_option
@json_option
@pass_app
def check(app: App, number: str, workspace: str, as_json: bool) -> None:
    """Is a number suppressed now?

    Example: dialbook dnc check 240-452-2332
    """
    caller = app.caller(workspace)
    result = app.read(suppression_service.check, caller=caller, number=number)
    if as_json:
        print_json(result)
    elif result.suppressed:
        reasons = "; ".join(e.reason or e.source for e in result.entries)
        console.print(f"{result.number} is suppressed ({reasons}).")
    else:
        console.print(f"{result.number} is not suppressed.")


@command.command("list")
@workspace_option
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
@json_option
@pass_app
def list_(app: App, workspace: str, limit: int, as_json: bool) -> None:
    """List the numbers in force.

    Example: dialbook dnc list
    """
    caller = app.caller(workspace)
    page = app.read(suppression_service.page, caller=caller, query=SuppressionQuery(limit=limit))
    if as_json:
        print_json(page.data)
        return
    print_table(
        "Do not call",
        ["id", "number", "reason", "source", "expires", "added"],
        [(e.id, e.number, e.reason, e.source, e.expires_at, e.created_at) for e in page.data],
    )
