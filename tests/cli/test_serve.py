"""`dialbook serve` and `make serve` before the server starts: the port, the dependencies."""

from __future__ import annotations

import ctypes
import gc
import http.client
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialbook.app import create_served_app
from dialbook.cli import cli
from tests.servers import listening_socket, own_env, spawn, stop

ROOT = Path(__file__).parent.parent.parent


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    env = {"DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_DATABASE_URL": ""}
    runner = CliRunner(env=env)
    with listening_socket() as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: port {port} on 127.0.0.1 is in use; pick another with `dialbook serve --port N`"
        " (or `make serve PORT=N`), or --port 0 for any free one"
    ]
    assert not (tmp_path / "data").exists()  # refused before creating anything


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    env = {"DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_DATABASE_URL": ""}
    result = CliRunner(env=env).invoke(cli, ["serve", "--port", "0", "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers above 1 needs PostgreSQL" in result.output
    assert "SQLite has one writer" in result.output


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_serve_installs_the_runtime_only_and_takes_a_port() -> None:
    def dry_run(*args: str) -> str:
        # -W: as if pyproject.toml had changed, so the install steps are printed too.
        return subprocess.run(
            ["make", "-n", "-W", "pyproject.toml", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    serve = dry_run("serve", "PORT=8001")
    assert "pip install --quiet -e .\n" in serve
    assert "[dev]" not in serve
    assert "dialbook serve --port 8001" in serve
    assert "[dev]" in dry_run("test")
    assert '-m "not slow"' in dry_run("test-fast")


def _server_socket_option(
    pid: int, server_port: int, client_port: int, level: int, name: int
) -> int:
    """A socket option of the server's end of one connection, read through a copy of its
    file descriptor (pidfd_getfd, Linux 5.6+)."""
    inode = None
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(x.split(":")[1], 16) for x in fields[1:3])
        if (local, remote) == (server_port, client_port):
            inode = fields[9]
    assert inode is not None, "the server's end of the connection is not in /proc"
    fd = next(
        int(entry.name)
        for entry in Path(f"/proc/{pid}/fd").iterdir()
        if os.readlink(entry) == f"socket:[{inode}]"
    )
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(438, pidfd, fd, 0)  # SYS_pidfd_getfd, the same on every arch
        if copy < 0:
            pytest.skip(f"pidfd_getfd refused here: {os.strerror(ctypes.get_errno())}")
        with socket.socket(fileno=copy) as sock:
            return sock.getsockopt(level, name)
    finally:
        os.close(pidfd)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and pidfd_getfd")
def test_connections_are_served_with_nagle_off(tmp_path: Path) -> None:
    """A response goes out in two writes (headers, then body): with Nagle's algorithm on,
    the second waits for the client's delayed ACK, ~40 ms a request. uvicorn given a bare
    file descriptor took it for a Unix socket and left Nagle on."""
    env = own_env(DIALBOOK_DATA_DIR=str(tmp_path / "data"))
    process, url = spawn("--log-level", "warning", env=env, cwd=tmp_path)
    try:
        host, port = url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", "/healthz")
        assert connection.getresponse().read()
        client_port = connection.sock.getsockname()[1]
        nodelay = _server_socket_option(
            process.pid, int(port), client_port, socket.IPPROTO_TCP, socket.TCP_NODELAY
        )
        connection.close()
        assert nodelay == 1
    finally:
        stop(process)


def test_the_served_app_freezes_what_it_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dialbook serve`'s factory takes the objects made at start-up out of the garbage
    collector's full passes (which stalled the event loop 50-75 ms each under load)."""
    monkeypatch.setenv("DIALBOOK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIALBOOK_DATABASE_URL", raising=False)
    gc.unfreeze()
    app = create_served_app()
    try:
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
        app.state.services.db.close()


@pytest.mark.parametrize(
    ("variable", "value", "what"),
    [
        ("DIALBOOK_MAX_BODY_BYTES", "1MB", "a whole number"),
        ("DIALBOOK_EVENTS_RETENTION_DAYS", "0", "a whole number"),
        ("DIALBOOK_CONSOLE_IDLE_MINUTES", "1.5", "a whole number"),
        ("DIALBOOK_WEBHOOK_TIMEOUT", "soon", "a number"),
        ("DIALBOOK_IMPORT_LEASE_SECONDS", "-5", "a number"),
        ("DIALBOOK_WEBHOOK_RETRY_SCALE", "nan", "a number"),
    ],
)
def test_a_setting_that_is_not_a_number_is_one_clear_line(
    tmp_path: Path, variable: str, value: str, what: str
) -> None:
    env = {
        "DIALBOOK_DATA_DIR": str(tmp_path / "data"),
        "DIALBOOK_DATABASE_URL": "",
        variable: value,
    }
    result = CliRunner(env=env).invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {variable} must be {what} above 0, not {value!r}"
    ]
    assert not (tmp_path / "data").exists()
