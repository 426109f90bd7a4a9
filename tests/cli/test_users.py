"""`dialbook users ...` and the first `dialbook serve` telling how to make the first user."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialbook.cli import cli
from tests.cli.conftest import invoke
from tests.servers import spawn


def test_create_list_disable_and_set_password(run: CliRunner) -> None:
    created = run.invoke(
        cli,
        ["users", "create", "Ana@Example.com", "--role", "admin", "--password-stdin", "--json"],
        input="a long passphrase\n",
    )
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["email"] == "ana@example.com"
    prompted = run.invoke(
        cli, ["users", "create", "bo@example.com", "--role", "agent"], input="pass phrase 2\n" * 2
    )
    assert prompted.exit_code == 0, prompted.output
    assert "Created agent bo@example.com" in prompted.output

    users = json.loads(invoke(run, "users", "list", "--json"))
    assert [(u["email"], u["role"], u["disabled_at"]) for u in users] == [
        ("ana@example.com", "admin", None),
        ("bo@example.com", "agent", None),
    ]
    assert "bo@example.com" in invoke(run, "users", "list")
    assert "Disabled bo@example.com." in invoke(run, "users", "disable", "bo@example.com")
    assert json.loads(invoke(run, "users", "list", "--json"))[1]["disabled_at"] is not None
    again = run.invoke(
        cli, ["users", "set-password", "BO@example.com", "--password-stdin"], input="new phrase 3\n"
    )
    assert again.exit_code == 0, again.output
    assert json.loads(invoke(run, "users", "list", "--json"))[1]["disabled_at"] is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create", "x@example.com", "--role", "admin", "--password-stdin"], "short\n",
         "password: must be at least"),
        (["create", "not-an-email", "--role", "admin", "--password-stdin"], "long enough 1\n",
         "email:"),
        (["create", "x@example.com", "--role", "admin", "-w", "nowhere"], "", "No workspace"),
        (["disable", "nobody@example.com"], "", "No user with the email"),
    ],
)  # fmt: skip
def test_refusals_are_one_line(run: CliRunner, args: list[str], stdin: str, message: str) -> None:
    result = run.invoke(cli, ["users", *args], input=stdin)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert result.output.count("\n") == 1


def test_an_email_is_one_user(run: CliRunner) -> None:
    args = ["users", "create", "ana@example.com", "--role", "admin", "--password-stdin"]
    assert run.invoke(cli, args, input="a long passphrase\n").exit_code == 0
    twice = run.invoke(cli, [*args[:2], "ANA@example.com", *args[3:]], input="another one 12\n")
    assert twice.exit_code == 1
    assert "already exists" in twice.output


@pytest.mark.slow
def test_the_first_serve_says_how_to_create_the_first_user(tmp_path: Path) -> None:
    env = {**os.environ, "DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_DATABASE_URL": ""}
    process, _ = spawn(env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Serving on"):
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
    printed = "".join(lines)
    assert "No one can sign in to the console yet." in printed
    assert "dialbook users create you@example.com --role admin" in printed
    assert "/console/" in printed
