"""dialbook users ..."""

from __future__ import annotations

import sys

import click

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import console, json_option, print_json, print_table
from dialbook.users import service as user_service
from dialbook.users.schemas import ROLES

password_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (one line) instead of prompting for it.",
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@click.group("users")
def command() -> None:
    """People who sign in to the console (at /console/)."""


@command.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@workspace_option
@password_stdin_option
@json_option
@pass_app
def create(
    app: App, email: str, role: str, workspace: str, password_stdin: bool, as_json: bool
) -> None:
    """Create a console user of a workspace.

    Example: dialbook users create ana@example.com --role admin --password-stdin < pw.txt
    """
    caller = app.caller(workspace)
    password = _password(password_stdin)
    user = app.write(
        user_service.create,
        workspace_id=caller.workspace_id,
        email=email,
        role=role,
        password=password,
    )
    if as_json:
        print_json(user)
    else:
        console.print(f"Created {user.role} {user.email} (id {user.id}); sign in at /console/.")


@command.command("list")
@workspace_option
@json_option
@pass_app
def list_(app: App, workspace: str, as_json: bool) -> None:
    """List a workspace's console users.

    Example: dialbook users list --json
    """
    caller = app.caller(workspace)
    rows = app.read(user_service.list_users, workspace_id=caller.workspace_id)
    if as_json:
        print_json(rows)
    else:
        print_table(
            "Console users",
            ["id", "email", "role", "created", "password changed", "disabled"],
            [
                (u.id, u.email, u.role, u.created_at, u.password_changed_at, u.disabled_at)
                for u in rows
            ],
        )


@command.command("disable")
@click.argument("email")
@pass_app
def disable(app: App, email: str) -> None:
    """Stop a user signing in; their open sessions end at once.

    Example: dialbook users disable ana@example.com
    """
    user = app.write(user_service.disable, email=email)
    console.print(f"Disabled {user.email}.")


@command.command("set-password")
@click.argument("email")
@password_stdin_option
@pass_app
def set_password(app: App, email: str, password_stdin: bool) -> None:
    """Set a user's password (and enable them again); their open sessions end.

    Example: dialbook users set-password ana@example.com
    """
    password = _password(password_stdin)
    user = app.write(user_service.set_password, email=email, password=password)
    console.print(f"Set the password of {user.email}.")
