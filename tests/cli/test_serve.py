"""`dialbook serve` and `make serve` before the server starts: the port, the dependencies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialbook.cli import cli
from tests.servers import listening_socket

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
