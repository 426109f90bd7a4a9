"""The README's sessions run exactly as written against a live server (only the port may be
swapped when 8000 is taken)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

README = Path(__file__).parent.parent / "README.md"


def _sessions() -> list[list[str]]:
    blocks = re.findall(r"```console\n(.*?)```", README.read_text(), re.DOTALL)
    return [[line[2:] for line in block.splitlines() if line.startswith("$ ")] for block in blocks]


def _free_port() -> int:
    """8000 as the README says, unless something listens there already."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8000)) != 0:
            return 8000
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    (tmp_path / ".venv").symlink_to(sys.prefix)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALBOOK_")}
    process = subprocess.Popen(
        [str(Path(sys.prefix) / "bin" / "dialbook"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start")
        yield tmp_path, port
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert "Created an admin API key" in output


def test_readme_sessions_run_as_written(live_server: tuple[Path, int]) -> None:
    cwd, port = live_server
    sessions = _sessions()
    assert len(sessions) == 2
    assert all(sessions)
    for commands in sessions:
        script = "set -euo pipefail\n" + "\n".join(
            f'echo "### {i}"\n{c.replace(":8000", f":{port}")}' for i, c in enumerate(commands)
        )
        result = subprocess.run(
            ["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs = result.stdout.split("### ")[1:]
        for output in outputs:
            assert '"error"' not in output, output
        if "curl" in commands[-1]:
            assert '"number":"+12404522332"' in outputs[-1]
            assert '"extension":"12"' in outputs[-1]
        else:
            assert "+442079460958" in result.stdout
            assert "Alan Turing" in result.stdout
