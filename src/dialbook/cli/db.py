"""dialbook db ..."""

from __future__ import annotations

from pathlib import Path

import click

from dialbook.cli import App, pass_app
from dialbook.cli.output import console
from dialbook.db import backup, citus, migrate


@click.group("db")
def command() -> None:
    """The database: migrations, backups."""


@command.command("upgrade")
@pass_app
def upgrade(app: App) -> None:
    """Create the database or bring its schema up to date.

    Example: dialbook db upgrade
    """
    migrate.upgrade(app.settings.url)
    console.print(f"Database is up to date: {app.settings.url.split('@')[-1]}")


@command.command("distribute")
@pass_app
def distribute(app: App) -> None:
    """Spread the tables over a Citus cluster by workspace (PostgreSQL with the citus
    extension: docs/scaling.md). Safe to repeat: tables already distributed are left as
    they are.

    Example: dialbook db distribute
    """
    if not app.db.run_read(citus.installed):
        raise click.ClickException(
            "This database has no citus extension: install Citus, run CREATE EXTENSION citus"
            " and add the worker nodes first (docs/scaling.md)."
        )
    done = app.db.run_write(citus.distribute)
    if not done:
        console.print("Every table is distributed already.")
        return
    console.print(f"Distributed by workspace_id: {', '.join(done)}.")
    console.print("Then spread the shards over the workers: SELECT citus_rebalance_start();")


@command.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def backup_command(app: App, path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (safe while serving).

    Example: dialbook db backup backups/dialbook-2026-11-25.db
    """
    try:
        done = backup.backup(app.settings.url, path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    console.print(f"Backed up to {done} ({done.stat().st_size:,} bytes, integrity ok).")


@command.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def restore_command(app: App, path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH. Stop the server first.

    Example: dialbook db restore backups/dialbook-2026-11-25.db --yes
    """
    if not yes:
        click.confirm("This replaces every contact with the backup's. Continue?", abort=True)
    try:
        target = backup.restore(path, app.settings.url)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    migrate.upgrade(app.settings.url)
    console.print(f"Restored {target} from {path}.")
