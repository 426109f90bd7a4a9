"""dialbook lists ..."""

from __future__ import annotations

from typing import Any

import click
import msgspec

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import fail, json_option, print_json, print_record, print_table
from dialbook.contacts import service as contact_service
from dialbook.errors import InvalidInput
from dialbook.kit.validation import field_error
from dialbook.lists import service as list_service
from dialbook.lists.schemas import (
    PHONE_ORDERS,
    WEEKDAYS,
    CallingWindow,
    DuplicatePolicy,
    ListCreate,
    ListRead,
    ListUpdate,
)


@click.group("lists")
def command() -> None:
    """Contact lists."""


def _show(lst: ListRead, as_json: bool, title: str) -> None:
    if as_json:
        print_json(lst)
        return
    print_record(
        title,
        [
            ("id", lst.id),
            ("name", lst.name),
            ("contacts", lst.contact_count),
            ("default region", lst.default_region),
            ("duplicates", f"{lst.duplicate_policy.key} within {lst.duplicate_policy.scope}"),
            ("queue mode", lst.queue_mode),
            ("max attempts", lst.max_attempts),
            ("phone order", lst.phone_order),
            ("dial invalid numbers", lst.dial_invalid_numbers),
            ("calling window", lst.calling_window),
            ("compliance", lst.compliance),
            ("consent for mobiles", lst.require_consent_for_mobile),
            ("block reassigned", lst.block_reassigned),
            ("registry max age (days)", lst.registry_max_age_days),
            ("created", lst.created_at),
        ],
    )


@command.command("create")
@click.argument("name")
@workspace_option
@click.option("--region", help="Default region for national-format phones, e.g. US.")
@click.option(
    "--duplicate-key",
    type=click.Choice(["phone", "email", "external_id", "none"]),
    default="phone",
    show_default=True,
)
@click.option(
    "--duplicate-scope", type=click.Choice(["list", "workspace"]), default="list", show_default=True
)
@click.option(
    "--queue-mode",
    type=click.Choice(["immediate", "on_publish"]),
    default="immediate",
    show_default=True,
)
@json_option
@pass_app
def create(
    app: App,
    name: str,
    workspace: str,
    region: str | None,
    duplicate_key: str,
    duplicate_scope: str,
    queue_mode: str,
    as_json: bool,
) -> None:
    """Create a list.

    Example: dialbook lists create "Spring leads" --region US
    """
    caller = app.caller(workspace)
    data = ListCreate(
        name=name,
        default_region=region,
        duplicate_policy=DuplicatePolicy(key=duplicate_key, scope=duplicate_scope),  # type: ignore[arg-type]
        queue_mode=queue_mode,  # type: ignore[arg-type]
    )
    lst = app.write(list_service.create, caller=caller, data=data)
    _show(lst, as_json, "List created")


@command.command("list")
@workspace_option
@json_option
@pass_app
def list_(app: App, workspace: str, as_json: bool) -> None:
    """List the workspace's lists with their contact counts.

    Example: dialbook lists list
    """
    caller = app.caller(workspace)
    rows: list[ListRead] = []
    cursor: str | None = None
    while True:
        page = app.read(
            list_service.page, workspace_id=caller.workspace_id, cursor=cursor, limit=500
        )
        rows += page.data
        cursor = page.next_cursor
        if cursor is None:
            break
    if as_json:
        print_json(rows)
    else:
        print_table(
            "Lists",
            ["id", "name", "contacts", "region", "duplicates", "queue"],
            [
                (
                    lst.id,
                    lst.name + (" (default)" if lst.is_default else ""),
                    lst.contact_count,
                    lst.default_region,
                    f"{lst.duplicate_policy.key}/{lst.duplicate_policy.scope}",
                    lst.queue_mode,
                )
                for lst in rows
            ],
        )


@command.command("show")
@click.argument("list_id", type=int)
@workspace_option
@json_option
@pass_app
def show(app: App, list_id: int, workspace: str, as_json: bool) -> None:
    """Show one list and its settings.

    Example: dialbook lists show 2
    """
    caller = app.caller(workspace)
    _show(app.read(list_service.get, workspace_id=caller.workspace_id, id=list_id), as_json, "List")


def _hours(value: str, option: str) -> tuple[str, str]:
    start, sep, end = value.partition("-")
    if not sep:
        raise click.BadParameter(
            f"write it as START-END, e.g. 09:00-20:00 (got {value!r})", param_hint=option
        )
    return start.strip(), end.strip()


def _days(value: str) -> list[str]:
    """``mon-fri``, ``mon,wed,fri`` or ``sat-mon`` -> the weekdays."""
    days: list[str] = []
    for part in value.lower().split(","):
        first, sep, last = part.strip().partition("-")
        if not sep:
            days.append(first)
            continue
        if first not in WEEKDAYS or last not in WEEKDAYS:
            raise click.BadParameter(
                f"{part!r}: days are {', '.join(WEEKDAYS)}", param_hint="--days"
            )
        index = WEEKDAYS.index(first)
        while True:
            days.append(WEEKDAYS[index])
            if WEEKDAYS[index] == last:
                break
            index = (index + 1) % len(WEEKDAYS)
    return list(dict.fromkeys(days))


def _cap(text: str) -> dict[str, Any] | None:
    if text.strip().lower() == "none":
        return None
    count, sep, hours = text.partition("/")
    if not (sep and count.strip().isdigit() and hours.strip().isdigit()):
        raise click.BadParameter(
            f"write it as COUNT/HOURS, e.g. 3/24 (got {text!r})",
            param_hint="--max-calls-per-number",
        )
    return {"count": int(count), "hours": int(hours)}


@command.command("set")
@click.argument("list_id", type=int)
@workspace_option
@click.option("--name")
@click.option("--region", help="Default region for national-format phones, e.g. US.")
@click.option("--window", metavar="START-END", help="Calling hours, e.g. 09:00-20:00.")
@click.option("--days", metavar="DAYS", help="Calling days, e.g. mon-fri or mon,wed,fri.")
@click.option(
    "--state-override",
    "state_overrides",
    multiple=True,
    metavar="STATE=START-END",
    help="Stricter hours for a US state, e.g. FL=08:00-20:00; STATE= removes one.",
)
@click.option(
    "--holiday", "holidays", multiple=True, metavar="YYYY-MM-DD", help="No calls that day."
)
@click.option("--max-attempts", type=int)
@click.option("--retry-minutes", type=int)
@click.option("--timezone", "default_timezone", help="Zone for contacts whose zone is unknown.")
@click.option("--queue-mode", type=click.Choice(["immediate", "on_publish"]))
@click.option(
    "--phone-order",
    type=click.Choice(list(PHONE_ORDERS)),
    help="Which of a contact's numbers is dialed first (number cycling).",
)
@click.option(
    "--dial-invalid-numbers/--no-dial-invalid-numbers",
    default=None,
    help="Whether numbers libphonenumber does not know as valid may be dialed.",
)
@click.option(
    "--us-state-rules/--no-us-state-rules",
    "us_state_rules",
    default=None,
    help="Apply the built-in US state rules (docs/compliance.md); on by default.",
)
@click.option(
    "--max-calls-per-number",
    metavar="COUNT/HOURS",
    help="At most COUNT calls to a number in HOURS hours, across lists, e.g. 3/24; none: no cap.",
)
@click.option(
    "--require-consent-for-mobile/--no-require-consent-for-mobile",
    default=None,
    help="Dial a mobile only with express written or prior express consent.",
)
@click.option(
    "--block-reassigned/--no-block-reassigned",
    default=None,
    help="Do not dial a number whose reassigned-number check says yes.",
)
@click.option(
    "--registry-max-age",
    metavar="DAYS",
    help="Dial +1 numbers only on a us-national registry copy at most DAYS old (31: the "
    "safe-harbor rule); 'off' removes it.",
)
@json_option
@pass_app
def set_(
    app: App,
    list_id: int,
    workspace: str,
    name: str | None,
    region: str | None,
    window: str | None,
    days: str | None,
    state_overrides: tuple[str, ...],
    holidays: tuple[str, ...],
    max_attempts: int | None,
    retry_minutes: int | None,
    default_timezone: str | None,
    queue_mode: str | None,
    phone_order: str | None,
    dial_invalid_numbers: bool | None,
    us_state_rules: bool | None,
    max_calls_per_number: str | None,
    require_consent_for_mobile: bool | None,
    block_reassigned: bool | None,
    registry_max_age: str | None,
    as_json: bool,
) -> None:
    """Change a list's settings; the calling window and compliance options change only
    what they name.

    Example: dialbook lists set 2 --window 09:00-20:00 --days mon-fri
    --state-override FL=08:00-20:00
    """
    caller = app.caller(workspace)
    given: dict[str, Any] = {
        key: value
        for key, value in (
            ("name", name),
            ("default_region", region),
            ("max_attempts", max_attempts),
            ("retry_minutes", retry_minutes),
            ("default_timezone", default_timezone),
            ("queue_mode", queue_mode),
            ("phone_order", phone_order),
            ("dial_invalid_numbers", dial_invalid_numbers),
            ("require_consent_for_mobile", require_consent_for_mobile),
            ("block_reassigned", block_reassigned),
        )
        if value is not None
    }
    if registry_max_age is not None:
        off = registry_max_age.strip().lower() in ("off", "none", "")
        if not off and not registry_max_age.strip().isdigit():
            raise click.BadParameter("a number of days, or off", param_hint="--registry-max-age")
        given["registry_max_age_days"] = None if off else int(registry_max_age)
    if window or days or state_overrides or holidays:
        current = app.read(list_service.get, workspace_id=caller.workspace_id, id=list_id)
        calling = msgspec.to_builtins(current.calling_window or CallingWindow())
        if window:
            calling["start"], calling["end"] = _hours(window, "--window")
        if days:
            calling["days"] = _days(days)
        for item in state_overrides:
            state, sep, hours = item.partition("=")
            if not sep:
                raise click.BadParameter(
                    f"write it as STATE=START-END (got {item!r})", param_hint="--state-override"
                )
            if hours.strip():
                start, end = _hours(hours, "--state-override")
                calling["state_overrides"][state.strip().upper()] = {"start": start, "end": end}
            else:
                calling["state_overrides"].pop(state.strip().upper(), None)
        if holidays:
            calling["holidays"] = sorted({*calling["holidays"], *holidays})
        given["calling_window"] = calling
    if us_state_rules is not None or max_calls_per_number is not None:
        current = app.read(list_service.get, workspace_id=caller.workspace_id, id=list_id)
        compliance = msgspec.to_builtins(current.compliance)
        if us_state_rules is not None:
            compliance["us_state_rules"] = us_state_rules
        if max_calls_per_number is not None:
            compliance["max_calls_per_number"] = _cap(max_calls_per_number)
        given["compliance"] = compliance
    if not given:
        raise click.UsageError("Name at least one setting to change (see --help).")
    try:
        data = msgspec.convert(given, ListUpdate)
    except msgspec.ValidationError as error:
        fail(InvalidInput(fields=[field_error(error, ListUpdate)]))
    lst = app.write(contact_service.update_list, caller=caller, id=list_id, data=data)
    _show(lst, as_json, "List updated")
