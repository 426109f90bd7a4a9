"""dialbook serve."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import tempfile
from collections.abc import Iterator

import click
import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from dialbook.cli import App, pass_app
from dialbook.cli.output import console


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=int,
    help="0 picks a free port (the address is printed).",
)
@click.option(
    "--fd",
    type=int,
    default=None,
    help="Serve on this already-bound socket (process managers, tests) instead of --host/--port.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Server processes (use more than one with PostgreSQL).",
)
@click.option("--log-level", default="info", show_default=True)
@pass_app
def command(app: App, host: str, port: int, fd: int | None, workers: int, log_level: str) -> None:
    """Serve the API; on a fresh data directory, create the database, a default workspace
    and one admin API key (printed once).

    Example: dialbook serve --port 8001
    """
    from dialbook.onboarding import service as onboarding
    from dialbook.users import service as user_service

    if workers > 1 and app.settings.url.startswith("sqlite"):
        # Each process would have its own writer: they would queue on SQLite's one write
        # lock (``database is locked``) instead of sharing the group commit.
        raise click.UsageError(
            "--workers above 1 needs PostgreSQL (DIALBOOK_DATABASE_URL=postgresql://...): "
            "SQLite has one writer, which one process drives best."
        )
    # The socket is bound here, before anything else, so a taken port is one clear line,
    # and port 0 reports the port it got.
    listener = socket.socket(fileno=fd) if fd is not None else _bind(host, port)

    created = app.write(
        onboarding.bootstrap, default_region=app.settings.default_region, with_key=True
    )
    if created is not None:
        console.print("[bold]Created an admin API key for the default workspace:[/bold]")
        console.print(f"  {created.key}")
        console.print(
            "Keep it now: it is not shown again. Send it as 'Authorization: Bearer <key>'."
        )
    if not app.read(user_service.any_users):
        console.print("[bold]No one can sign in to the console yet.[/bold] Create the first user:")
        console.print("  dialbook users create you@example.com --role admin")
    console.print(f"Database: {app.settings.url.split('@')[-1]}")
    bound_host, bound_port = listener.getsockname()[:2]
    address = f"http://{bound_host}:{bound_port}"
    console.print(f"Serving on {address} (console at {address}/console/, API docs at /docs)")
    app.close()
    with listener, _processes(workers), _shared_metrics(workers if app.settings.metrics else 1):
        _run(listener, workers, log_level)


def _run(listener: socket.socket, workers: int, log_level: str) -> None:
    """Serve on ``listener`` itself, not on its file descriptor: uvicorn wraps a bare fd as
    a Unix socket, and uvloop then leaves Nagle's algorithm on for every connection. A
    response written in two parts (headers, then body) waited for the client's delayed
    ACK, ~40 ms per request whatever the load."""
    config = uvicorn.Config(
        "dialbook.app:create_served_app",
        factory=True,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_level=log_level,
        access_log=False,
    )
    if workers > 1:
        Multiprocess(config, sockets=[listener]).run()
        return
    server = uvicorn.Server(config)
    server.run(sockets=[listener])
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)


@contextlib.contextmanager
def _processes(workers: int) -> Iterator[None]:
    """Each process's app learns how many serve beside it (they share PostgreSQL's group
    commits in flight: ``config.Settings.server_processes``)."""
    os.environ["DIALBOOK_SERVER_PROCESSES"] = str(workers)
    try:
        yield
    finally:
        del os.environ["DIALBOOK_SERVER_PROCESSES"]


@contextlib.contextmanager
def _shared_metrics(workers: int) -> Iterator[None]:
    """Several processes count into files in one directory, summed by GET /metrics
    (prometheus-client's multiprocess mode): a new one for this run unless
    PROMETHEUS_MULTIPROC_DIR names one already."""
    if workers <= 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="dialbook-metrics-") as shared:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = shared
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is in use; pick another with "
                f"`dialbook serve --port N` (or `make serve PORT=N`), or --port 0 for any free one"
            ) from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener.set_inheritable(True)
    return listener
