"""The `dialbook` command: a thin shell over the same services the API uses.

Commands are grouped by noun and named by verb (`dialbook lists create NAME`). Each opens
the database, calls one service function and prints the result; domain errors become a
one-line message and exit status 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from dialbook import __version__
from dialbook.cli.output import console, fail
from dialbook.config import SettingError, Settings
from dialbook.db import Conn, Database, migrate
from dialbook.errors import DialbookError
from dialbook.onboarding import service as onboarding
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller

T = TypeVar("T")


class App:
    """What every command gets: settings and a lazily opened, migrated database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            migrate.upgrade(self.settings.url)
            self._db = Database(self.settings.url, readers=1, bulk=True)
            self._db.run_write(onboarding.bootstrap, default_region=self.settings.default_region)
        return self._db

    def read(self, fn: Callable[..., T], **kwargs: Any) -> T:
        try:
            return self.db.run_read(fn, **kwargs)
        except DialbookError as error:
            fail(error)

    def write(self, fn: Callable[..., T], **kwargs: Any) -> T:
        try:
            return self.db.run_write(fn, **kwargs)
        except DialbookError as error:
            fail(error)

    def caller(self, workspace: str) -> Caller:
        """The CLI acts with admin rights inside one workspace."""
        found = self.read(workspace_service.find_workspace, name_or_id=workspace)
        return Caller(
            workspace_id=found.id,
            key_id=0,
            scopes=frozenset({"admin"}),
            default_region=found.default_region,
            via="cli",
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


pass_app = click.make_pass_decorator(App)

workspace_option = click.option(
    "--workspace", "-w", default="default", show_default=True, help="Workspace name or id."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dialbook")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DIALBOOK_DATA_DIR",
    help="Where the SQLite database lives [default: ./dialbook-data].",
)
@click.option(
    "--database-url",
    envvar="DIALBOOK_DATABASE_URL",
    help="Use this database instead, e.g. postgresql://user@host/dialbook.",
)
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """dialbook: contact lists for outbound dialers and AI calling agents."""
    # The server's worker processes read their settings from the environment.
    if data_dir is not None:
        os.environ["DIALBOOK_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["DIALBOOK_DATABASE_URL"] = database_url
    try:
        settings = Settings.from_env()
    except SettingError as error:
        raise click.ClickException(str(error)) from None
    app = App(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from dialbook.cli import (
        contacts,
        db,
        dnc,
        events,
        imports,
        keys,
        lists,
        queue,
        serve,
        users,
        webhooks,
        workspaces,
    )

    modules = (serve, db, workspaces, keys, users, lists, contacts, queue, dnc, events, webhooks)
    for module in modules:
        cli.add_command(module.command)
    for command in (
        imports.import_command,
        imports.rejects_command,
        imports.warnings_command,
        imports.undo_command,
        imports.export_command,
    ):
        cli.add_command(command)


_register()


def main() -> None:
    try:
        cli(prog_name="dialbook")
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)


__all__ = ["App", "Conn", "cli", "main", "pass_app", "workspace_option"]
