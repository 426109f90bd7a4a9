"""The CLI against a fresh SQLite data directory of each test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialbook.cli import cli


@pytest.fixture
def run(tmp_path: Path, sqlite_template: Path) -> CliRunner:
    return CliRunner(env={"DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_DATABASE_URL": ""})


def invoke(runner: CliRunner, *args: str) -> str:
    """The output of a command that must succeed."""
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output
