"""Printing for the CLI: rich tables for people, JSON for scripts."""

from __future__ import annotations

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


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def print_record(title: str, pairs: Iterable[tuple[str, Any]]) -> None:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for name, value in pairs:
        if value in (None, [], {}):
            continue
        if not isinstance(value, str | int | float | bool):
            value = msgspec.json.encode(value).decode()
        table.add_row(name, str(value))
    console.print(table)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
