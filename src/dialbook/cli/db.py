"""dialbook db ..."""

from __future__ import annotations

import click

from dialbook.cli import App, pass_app
from dialbook.cli.output import console
from dialbook.db import migrate


@click.group("db")
def command() -> None:
    """The database: migrations."""


@command.command("upgrade")
@pass_app
def upgrade(app: App) -> None:
    """Create the database or bring its schema up to date.

    Example: dialbook db upgrade
    """
    migrate.upgrade(app.settings.url)
    console.print(f"Database is up to date: {app.settings.url.split('@')[-1]}")
