"""The README's sessions, and those of the dialect pages, run exactly as written against a
live server (only the port may be swapped when 8000 is taken)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from subprocess import PIPE

import httpx2 as httpx
import pytest

from tests import servers

README = Path(__file__).parent.parent / "README.md"
DIALECT_PAGES = Path(__file__).parent.parent / "docs" / "dialects"


def _blocks(page: Path) -> list[str]:
    return re.findall(r"```console\n(.*?)```", page.read_text(), re.DOTALL)


def _sessions(page: Path = README) -> list[list[str]]:
    return [
        [line[2:] for line in block.splitlines() if line.startswith("$ ")]
        for block in _blocks(page)
    ]


def _run(commands: list[str], cwd: Path, port: int) -> list[str]:
    """Each command's output, the script stopping at the first failure."""
    script = "set -euo pipefail\n" + "\n".join(
        f'echo "### {i}"\n{c.replace(":8000", f":{port}")}' for i, c in enumerate(commands)
    )
    result = subprocess.run(
        ["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [output.split("\n", 1)[1] for output in result.stdout.split("### ")[1:]]


pytestmark = pytest.mark.slow


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    (tmp_path / ".venv").symlink_to(sys.prefix)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALBOOK_")}
    try:  # 8000 as the README says, unless something listens there already
        process, url = servers.spawn(env=env, cwd=tmp_path, port=8000, stdout=PIPE, text=True)
    except OSError:
        process, url = servers.spawn(env=env, cwd=tmp_path, stdout=PIPE, text=True)
    port = int(url.rsplit(":", 1)[1])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
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
        outputs = _run(commands, cwd, port)
        for output in outputs:
            assert '"error"' not in output, output
        if "curl" in commands[-1]:
            assert '"number":"+12404522332"' in outputs[-1]
            assert '"extension":"12"' in outputs[-1]
        else:
            assert "+442079460958" in "".join(outputs)
            assert "Alan Turing" in "".join(outputs)


@pytest.mark.parametrize("page", ["highlevel.md", "talkdesk.md"])
def test_dialect_page_sessions_run_as_written(live_server: tuple[Path, int], page: str) -> None:
    """Each command answers what the page shows after it: every part between ``...``."""
    cwd, port = live_server
    blocks = _blocks(DIALECT_PAGES / page)
    assert blocks
    for block in blocks:
        lines = block.splitlines()
        commands = [line[2:] for line in lines if line.startswith("$ ")]
        shown = [
            lines[i + 1] if i + 1 < len(lines) and not lines[i + 1].startswith("$ ") else ""
            for i, line in enumerate(lines)
            if line.startswith("$ ")
        ]
        for command, output, expected in zip(
            commands, _run(commands, cwd, port), shown, strict=True
        ):
            for part in filter(None, expected.split("...")):
                assert part in output, (command, part, output)
