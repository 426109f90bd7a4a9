"""`dialbook serve` processes for the process-level tests (marked ``slow``).

The test binds the listening socket itself and hands it to the server (``serve --fd``): the
port is known before the process starts and never released in between, so no other process
can take it (no bind-and-close port picking)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

DIALBOOK = str(Path(sys.prefix) / "bin" / "dialbook")


def listening_socket(port: int = 0) -> socket.socket:
    """A socket listening on 127.0.0.1:``port`` (0: any free port), inheritable."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def spawn(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    port: int = 0,
    stdout: int | IO[Any] | None = subprocess.DEVNULL,
    text: bool = False,
) -> tuple[subprocess.Popen[Any], str]:
    """Start ``dialbook serve ARGS`` on a socket bound here; (the process, its base URL).

    Connections made before the server is ready wait in the socket's backlog."""
    with listening_socket(port) as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        process = subprocess.Popen(
            [DIALBOOK, "serve", "--fd", str(sock.fileno()), *args],
            env=env,
            cwd=cwd,
            pass_fds=(sock.fileno(),),
            stdout=stdout,
            stderr=subprocess.STDOUT if stdout is subprocess.PIPE else subprocess.DEVNULL,
            text=text,
        )
    return process, url


def stop(process: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Stop a server as Ctrl-C does (SIGINT), with SIGKILL if it is not gone in ``timeout``."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def own_env(**settings: str) -> dict[str, str]:
    """This environment without the test run's DIALBOOK_/PROMETHEUS_ settings, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIALBOOK_", "PROMETHEUS_"))}
    return env | settings


@contextlib.contextmanager
def serving(*args: str, env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`dialbook serve ARGS` for the block; its base URL."""
    process, url = spawn(*args, env=env, cwd=cwd)
    try:
        yield url
    finally:
        stop(process)


# -- processes, as /proc on Linux tells them (tests that kill servers) --------------------


def process_children(pid: int) -> list[int]:
    """The processes ``pid`` started that still run (any of its threads')."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(x) for x in (task / "children").read_text().split()]
    return found


def process_parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def process_running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
