"""dialbook dnc ..."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import click

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import console, json_option, print_json, print_table, text
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import MAX_BULK, SuppressionCreate, SuppressionQuery

_NUMBER_COLUMNS = ("number", "phone", "phone_number", "phone number", "telephone", "mobile")


@click.group("dnc")
def command() -> None:
    """Do-not-call numbers (the workspace suppression list)."""


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
@click.option("--reason", help="Reason kept with every number.")
@pass_app
def import_(app: App, file: Path, workspace: str, reason: str | None) -> None:
    """Load numbers from a CSV file: a column named number/phone, or else the first column.

    Example: dialbook dnc import national-dnc.csv --reason "national registry"
    """
    caller = app.caller(workspace)
    added = updated = 0

    def flush(batch: list[SuppressionCreate]) -> None:
        nonlocal added, updated
        result = app.write(
            suppression_service.add_many, caller=caller, entries=batch, source="import"
        )
        added, updated = added + result.added, updated + result.updated

    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        first = next(reader, [])
        names = [cell.strip().lower() for cell in first]
        column = next((names.index(n) for n in _NUMBER_COLUMNS if n in names), None)
        rows: Iterator[list[str]] = reader
        if column is None:  # no header: the first row is a number too
            column, rows = 0, itertools.chain([first], reader)
        batch: list[SuppressionCreate] = []
        for row in rows:
            if len(row) > column and row[column].strip():
                batch.append(SuppressionCreate(number=row[column].strip(), reason=reason))
            if len(batch) == MAX_BULK:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
    console.print(f"{added:,} numbers added, {updated:,} already there (refreshed).")


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
