"""Printing for the CLI: rich tables for people, JSON for scripts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import click
import msgspec
from rich.console import Console
from rich.table import Table

from dialbook.errors import DialbookError

console = Console(highlight=False, soft_wrap=True)


def fail(error: DialbookError) -> NoReturn:
    details = "; ".join(f"{f.name}: {f.detail}" for f in error.fields)
    message = f"{error.detail} {details}".strip() if details else error.detail
    raise click.ClickException(message)


def print_json(value: Any) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def text(value: Any) -> str:
    """One way to show a value: times as the API writes them (UTC, ``2026-12-05T07:00:00Z``),
    dates as ``YYYY-MM-DD``, lists and objects as JSON, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    encoded = msgspec.json.encode(value).decode()
    return encoded[1:-1] if isinstance(value, dt.datetime | dt.date | dt.time) else encoded


# Cells up to this wide (numbers to dial, ids, times) are never cut or wrapped; wider ones
# (names, notes) fold onto more lines rather than end in "...".
WHOLE = 32


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    cells = [[text(v) for v in row] for row in rows]
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        widest = max((len(row[index]) for row in cells), default=0)
        if widest <= WHOLE:
            table.add_column(column, no_wrap=True, min_width=max(widest, len(column)))
        else:
            table.add_column(column, overflow="fold")
    for row in cells:
        table.add_row(*row)
    console.print(table)


def print_record(title: str, pairs: Iterable[tuple[str, Any]]) -> None:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in pairs:
        if value in (None, [], {}):
            continue
        table.add_row(name, text(value))
    console.print(table)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
