"""Rules for lists: settings are checked here; every workspace has one default list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from dialbook.db import Conn, locks
from dialbook.errors import Conflict, NotFound, invalid
from dialbook.events import service as event_service
from dialbook.kit import clock, cursors
from dialbook.lists import repository
from dialbook.lists.schemas import (
    CallingWindow,
    ListCounts,
    ListCreate,
    ListPage,
    ListRead,
    ListStats,
    ListUpdate,
    ZoneTally,
)
from dialbook.normalize.phones import is_region
from dialbook.normalize.timezones import TimezoneError, normalize_timezone
from dialbook.workspaces.schemas import Caller, system_caller

DEFAULT_LIST = "Default"


def _columns(data: ListCreate | ListUpdate) -> dict[str, Any]:
    """Checked column values for the fields that are set on ``data``."""
    values: dict[str, Any] = {}
    for name in data.__struct_fields__:
        value = getattr(data, name)
        if value is msgspec.UNSET:
            continue
        if name == "name":
            value = value.strip()
            if not value:
                raise invalid("name", "must not be empty")
            values["name"] = value
        elif name == "default_region":
            if value is not None and not is_region(value):
                raise invalid("default_region", "is not an ISO 3166-1 alpha-2 region code")
            values["default_region"] = value.upper() if value else None
        elif name == "duplicate_policy":
            values["duplicate_key"] = value.key
            values["duplicate_scope"] = value.scope
        elif name == "default_timezone":
            values[name] = _zone(value)
        elif name == "calling_window":
            values["calling_window"] = None if value is None else _window(value)
        elif name == "compliance":
            values["compliance"] = msgspec.to_builtins(value)
        else:
            values[name] = value
    return values


def _zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize_timezone(value)
    except TimezoneError as error:
        raise invalid("default_timezone", f"{value!r} {error}") from None


def _window(window: CallingWindow) -> dict[str, Any]:
    if window.start >= window.end:
        raise invalid("calling_window.end", "must be later than start")
    for state, hours in window.state_overrides.items():
        if len(state) != 2 or not state.isalpha():
            raise invalid(f"calling_window.state_overrides.{state}", "is not a 2-letter state")
        if hours.start >= hours.end:
            raise invalid(f"calling_window.state_overrides.{state}.end", "must be after start")
    return msgspec.to_builtins(window)  # type: ignore[no-any-return]


def create(conn: Conn, *, caller: Caller, data: ListCreate, same_name_ok: bool = False) -> ListRead:
    """A new list; 409 when another list has its name (unless ``same_name_ok``: for a
    dialect whose platform allows repeated names)."""
    values = _columns(data)
    if not same_name_ok:
        _name_is_free(conn, workspace_id=caller.workspace_id, name=values["name"])
    now = clock.now()
    values.update(
        workspace_id=caller.workspace_id, is_default=False, created_at=now, updated_at=now
    )
    return _created(conn, caller, repository.insert_list(conn, values=values))


def _name_is_free(conn: Conn, *, workspace_id: int, name: str, list_id: int | None = None) -> None:
    """409 when another list of the workspace has this name (names are case-sensitive)."""
    locks.lock(conn, [f"list:{workspace_id}:{name}"])  # two creates of one name: one wins
    found = repository.find_by_name(conn, workspace_id=workspace_id, name=name)
    if found is not None and found.id != list_id:
        raise Conflict(f"A list named {name!r} already exists (id {found.id}); pick another name.")


def _created(conn: Conn, caller: Caller, lst: ListRead) -> ListRead:
    event_service.record(conn, caller, "list.created", list_id=lst.id, data=lst)
    return lst


def create_default(conn: Conn, *, workspace_id: int) -> ListRead:
    return create_with(conn, caller=system_caller(workspace_id), name=DEFAULT_LIST, is_default=True)


def create_with(
    conn: Conn,
    *,
    caller: Caller,
    name: str,
    is_default: bool = False,
    dialect_settings: dict[str, Any] | None = None,
    **settings: Any,
) -> ListRead:
    """Create a list from keyword settings (used by dialects and the CLI)."""
    try:
        data = msgspec.convert({"name": name, **settings}, ListCreate)
    except msgspec.ValidationError as error:
        raise invalid("list", str(error)) from None
    values = _columns(data)
    now = clock.now()
    values.update(
        workspace_id=caller.workspace_id,
        is_default=is_default,
        dialect_settings=dialect_settings,
        created_at=now,
        updated_at=now,
    )
    return _created(conn, caller, repository.insert_list(conn, values=values))


def get(conn: Conn, *, workspace_id: int, id: int, with_count: bool = True) -> ListRead:
    found = repository.get(conn, workspace_id=workspace_id, id=id)
    if found is None:
        raise NotFound(f"No list with id {id}.")
    if with_count:
        counts = repository.count_contacts(conn, workspace_id=workspace_id, list_ids=[id])
        found.contact_count = counts.get(id, 0)
    return found


def get_or_default(conn: Conn, *, workspace_id: int, id: int | None) -> ListRead:
    """The list ``id``, or the workspace's default list when ``id`` is None."""
    if id is not None:
        found = repository.get(conn, workspace_id=workspace_id, id=id)
        if found is None:
            raise invalid("list_id", f"no list with id {id}")
        return found
    default = repository.get_default(conn, workspace_id=workspace_id)
    return default or create_default(conn, workspace_id=workspace_id)


def find_or_create(conn: Conn, *, caller: Caller, name: str, **settings: Any) -> ListRead:
    """The oldest list named ``name``, created on first use (ClearTalk's listName)."""
    workspace_id = caller.workspace_id
    locks.lock(conn, [f"list:{workspace_id}:{name.strip()}"])  # two first uses create one
    found = repository.find_by_name(conn, workspace_id=workspace_id, name=name.strip())
    return found or create_with(conn, caller=caller, name=name, **settings)


def find(conn: Conn, *, workspace_id: int, platform: str, ref: str) -> ListRead:
    """The list a platform's id names: our id, or an alias set for that platform."""
    found = repository.find_by_alias(conn, workspace_id=workspace_id, platform=platform, alias=ref)
    if found is None and ref.isascii() and ref.isdigit() and len(ref) < 19:
        found = repository.get(conn, workspace_id=workspace_id, id=int(ref))
    if found is None:
        raise NotFound(f"No list with id {ref}.")
    return found


def page(
    conn: Conn,
    *,
    workspace_id: int,
    cursor: str | None,
    limit: int,
    name: str | None = None,
    offset: int | None = None,
    with_counts: bool = True,
) -> ListPage:
    """A page of lists, oldest first: after ``cursor``, or, with ``offset``, that many
    skipped (the cursor is then ignored). Without ``with_counts`` their ``contact_count``
    is None (counting reads every contact of each list)."""
    rows = repository.page(
        conn,
        workspace_id=workspace_id,
        after_id=0 if offset is not None else cursors.after(cursor),
        offset=offset or 0,
        limit=limit + 1,
        name=name,
        with_counts=with_counts,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return ListPage(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)


def count(conn: Conn, *, workspace_id: int, name: str | None = None) -> int:
    """How many lists the workspace has (whose name contains ``name``)."""
    return repository.count(conn, workspace_id=workspace_id, name=name)


def stats(conn: Conn, *, workspace_id: int, ids: Iterable[int] | None) -> dict[int, ListStats]:
    """Each list's contacts by status and attempts made (lists without contacts: zeros).
    With ``ids`` None: every list of the workspace that has contacts."""
    found = {id: ListStats(list_id=id, by_status={}, attempts=0) for id in ids or ()}
    for list_id, status, count, attempts in repository.status_counts(
        conn, workspace_id=workspace_id, list_ids=None if ids is None else found
    ):
        counted = found.setdefault(list_id, ListStats(list_id=list_id, by_status={}, attempts=0))
        counted.by_status[status] = count
        counted.attempts += attempts
    return found


def counts(conn: Conn, *, workspace_id: int, id: int) -> ListCounts:
    """The list's contacts, by status and by calling zone, and attempts: exact, counted
    in one index-only pass over the list (about 0.1 µs a contact: ~100 ms for 1M)."""
    stats = ListStats(list_id=id, by_status={}, attempts=0)
    zones: dict[int | None, int] = {}
    for status, zone, n, attempts in repository.tallies(
        conn, workspace_id=workspace_id, list_id=id
    ):
        stats.by_status[status] = stats.by_status.get(status, 0) + n
        stats.attempts += attempts
        zones[zone] = zones.get(zone, 0) + n
    tallies = [ZoneTally(zone_id=zone, contacts=n) for zone, n in zones.items()]
    tallies.sort(key=lambda t: (-t.contacts, t.zone_id or 0))
    return ListCounts(contacts=sum(zones.values()), stats=stats, zones=tallies)


def update(conn: Conn, *, caller: Caller, id: int, data: ListUpdate) -> ListRead:
    values = _columns(data)
    if not values:
        return get(conn, workspace_id=caller.workspace_id, id=id)
    if "name" in values:
        _name_is_free(conn, workspace_id=caller.workspace_id, name=values["name"], list_id=id)
    return _update(conn, caller, id, values)


def _update(conn: Conn, caller: Caller, id: int, values: dict[str, Any]) -> ListRead:
    before = repository.get(conn, workspace_id=caller.workspace_id, id=id)
    found = repository.update_list(
        conn, workspace_id=caller.workspace_id, id=id, values=values, now=clock.now()
    )
    if before is None or found is None:
        raise NotFound(f"No list with id {id}.")
    old, new = msgspec.to_builtins(before), msgspec.to_builtins(found)
    changes = {k: [old[k], v] for k, v in new.items() if k != "updated_at" and old.get(k) != v}
    if changes:
        event_service.record(conn, caller, "list.updated", list_id=id, changes=changes, data=found)
    return found


def set_dialect_settings(
    conn: Conn, *, caller: Caller, id: int, settings: dict[str, Any]
) -> ListRead:
    return _update(conn, caller, id, {"dialect_settings": settings})


def remove(conn: Conn, *, caller: Caller, lst: ListRead, contacts_deleted: int) -> None:
    """Delete the list row (contacts.service.delete_list has removed its contacts)."""
    if lst.is_default:
        raise Conflict("The workspace's default list cannot be deleted.")
    repository.delete_list(conn, workspace_id=caller.workspace_id, id=lst.id)
    data = {**msgspec.to_builtins(lst), "contacts_deleted": contacts_deleted}
    event_service.record(conn, caller, "list.deleted", list_id=lst.id, data=data)
