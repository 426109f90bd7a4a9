"""dialbook serve."""

from __future__ import annotations

import click
import uvicorn

from dialbook.cli import App, pass_app
from dialbook.cli.output import console


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Server processes (use more than one with PostgreSQL).",
)
@click.option("--log-level", default="info", show_default=True)
@pass_app
def command(app: App, host: str, port: int, workers: int, log_level: str) -> None:
    """Serve the API; on a fresh data directory, create the database, a default workspace
    and one admin API key (printed once).

    Example: dialbook serve --port 8000
    """
    from dialbook.workspaces import service as workspace_service

    created = app.write(
        workspace_service.bootstrap, default_region=app.settings.default_region, with_key=True
    )
    if created is not None:
        console.print("[bold]Created an admin API key for the default workspace:[/bold]")
        console.print(f"  {created.key}")
        console.print(
            "Keep it now: it is not shown again. Send it as 'Authorization: Bearer <key>'."
        )
    console.print(f"Database: {app.settings.url.split('@')[-1]}")
    app.close()
    uvicorn.run(
        "dialbook.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_level=log_level,
        access_log=False,
    )
