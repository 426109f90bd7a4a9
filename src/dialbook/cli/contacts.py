"""dialbook contacts ..."""

from __future__ import annotations

import click

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import json_option, print_json, print_record, print_table
from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactCreate, ContactQuery


@click.group("contacts")
def command() -> None:
    """Contacts."""


def _show(contact: Contact, as_json: bool, title: str) -> None:
    if as_json:
        print_json(contact)
        return
    print_record(
        title,
        [
            ("id", contact.id),
            ("list", contact.list_id),
            ("name", contact.full_name),
            ("email", contact.email),
            *[
                (
                    f"phone {p.type}",
                    f"{p.number}"
                    + (f" x{p.extension}" if p.extension else "")
                    + ("" if p.valid else " (not a known valid number)"),
                )
                for p in contact.phones
            ],
            ("company", contact.company),
            ("title", contact.title),
            ("timezone", contact.timezone),
            ("priority", contact.priority),
            ("dnc", contact.dnc or None),
            ("tags", ", ".join(contact.tags) or None),
            ("custom fields", contact.custom_fields),
            ("status", contact.status),
            ("version", contact.version),
        ],
    )


@command.command("add")
@workspace_option
@click.option(
    "--list", "list_id", type=int, help="List id (default: the workspace's default list)."
)
@click.option("--first-name")
@click.option("--last-name")
@click.option("--name", "full_name", help="Full name (split into first and last).")
@click.option("--email")
@click.option("--phone", "phones", multiple=True, help="Any format; repeat for several.")
@click.option("--company")
@click.option("--title")
@click.option("--timezone")
@click.option("--tag", "tags", multiple=True)
@click.option("--priority", type=int)
@json_option
@pass_app
def add(
    app: App,
    workspace: str,
    list_id: int | None,
    first_name: str | None,
    last_name: str | None,
    full_name: str | None,
    email: str | None,
    phones: tuple[str, ...],
    company: str | None,
    title: str | None,
    timezone: str | None,
    tags: tuple[str, ...],
    priority: int | None,
    as_json: bool,
) -> None:
    """Add a contact, cleaned the same way the API cleans it.

    Example: dialbook contacts add --list 2 --name "Ada Lovelace" --phone "(240) 452-2332"
    """
    caller = app.caller(workspace)
    data = ContactCreate(
        list_id=list_id,
        first_name=first_name,
        last_name=last_name,
        full_name=full_name,
        email=email,
        phones=list(phones),
        company=company,
        title=title,
        timezone=timezone,
        tags=list(tags),
        priority=priority,
    )
    _show(app.write(contact_service.create, caller=caller, data=data), as_json, "Contact added")


@command.command("get")
@click.argument("contact_id", type=int)
@workspace_option
@json_option
@pass_app
def get(app: App, contact_id: int, workspace: str, as_json: bool) -> None:
    """Show one contact.

    Example: dialbook contacts get 1
    """
    caller = app.caller(workspace)
    _show(app.read(contact_service.get, caller=caller, id=contact_id), as_json, "Contact")


@command.command("find")
@workspace_option
@click.option("--list", "list_id", type=int)
@click.option("--phone", help="Any format.")
@click.option("--email")
@click.option("--tag")
@click.option("--query", "-q", "q", help="Part of a name, email or company.")
@click.option("--limit", default=50, show_default=True, type=int)
@json_option
@pass_app
def find(
    app: App,
    workspace: str,
    list_id: int | None,
    phone: str | None,
    email: str | None,
    tag: str | None,
    q: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Find contacts.

    Example: dialbook contacts find --phone 240-452-2332
    """
    caller = app.caller(workspace)
    query = ContactQuery(list_id=list_id, phone=phone, email=email, tag=tag, q=q, limit=limit)
    page = app.read(contact_service.page, caller=caller, query=query)
    if as_json:
        print_json(page.data)
        return
    print_table(
        "Contacts",
        ["id", "list", "name", "phone", "email", "company", "status"],
        [
            (
                c.id,
                c.list_id,
                c.full_name,
                c.phones[0].number if c.phones else None,
                c.email,
                c.company,
                c.status,
            )
            for c in page.data
        ],
    )
