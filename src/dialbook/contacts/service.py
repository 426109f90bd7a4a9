"""Rules for contacts: normalization, duplicate policy, versions.

Every surface (native API, dialects, importer, CLI) ends here. Input arrives as "given"
fields in canonical names (see ``ContactCreate``); every field is checked and all problems
are reported together; nothing is written unless the whole contact is good.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from dialbook.contacts import normalize, repository
from dialbook.contacts.repository import Match
from dialbook.contacts.schemas import (
    Contact,
    ContactCreate,
    ContactHistory,
    ContactPage,
    ContactQuery,
    ContactUpdate,
    UpsertResult,
)
from dialbook.db import Conn
from dialbook.errors import (
    DuplicateContact,
    NotFound,
    VersionConflict,
    invalid,
)
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldRead
from dialbook.kit import clock, cursors
from dialbook.kit.structs import set_fields
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.normalize.emails import email_key
from dialbook.normalize.phones import PhoneError, parse_phone
from dialbook.queue import repository as queue_repository
from dialbook.workspaces.schemas import Caller


def given_fields(data: ContactCreate | ContactUpdate) -> dict[str, Any]:
    """The fields a request set: all of a create, only the present ones of an update."""
    return set_fields(data)


def _prepare(
    conn: Conn,
    *,
    caller: Caller,
    lst: ListRead,
    given: dict[str, Any],
    existing: Contact | None,
    fields: Sequence[FieldRead] | None = None,
) -> dict[str, Any]:
    if fields is not None:
        definitions = field_service.as_definitions(fields)
    elif given.get("custom_fields"):
        definitions = field_service.definitions(conn, workspace_id=caller.workspace_id)
    else:
        definitions = {}
    columns = normalize.build(
        given,
        regions=[lst.default_region, caller.default_region],
        definitions=definitions,
        existing=existing,
        list_default_timezone=lst.default_timezone,
    )
    key = columns.pop("zone_key")
    columns["zone_id"] = None if key is None else queue_repository.zone_id(conn, key=key)
    return columns


def _duplicate_keys(columns: dict[str, Any], key: str) -> list[str]:
    if key == "phone":
        return [f"phone:{p['number']}" for p in columns.get("phones") or ()]
    if key == "email":
        return [f"email:{columns['email_key']}"] if columns.get("email_key") else []
    if key == "external_id":
        return [f"ext:{r['provider']}:{r['id']}" for r in columns.get("external_refs") or ()]
    return []


def find_match(
    conn: Conn,
    *,
    workspace_id: int,
    lst: ListRead,
    columns: dict[str, Any],
    keys: Sequence[str],
    exclude_id: int | None = None,
) -> Match | None:
    """The first existing contact sharing one of ``keys`` with ``columns``, in list order."""
    list_id = lst.id if lst.duplicate_policy.scope == "list" else None
    repository.lock_keys(
        conn,
        workspace_id=workspace_id,
        keys=[k for key in keys for k in _duplicate_keys(columns, key)],
    )
    for key in keys:
        match: Match | None = None
        if key == "phone" and columns.get("phones"):
            match = repository.find_by_phone(
                conn,
                workspace_id=workspace_id,
                numbers=[p["number"] for p in columns["phones"]],
                list_id=list_id,
                exclude_id=exclude_id,
            )
        elif key == "email" and columns.get("email_key"):
            match = repository.find_by_email(
                conn,
                workspace_id=workspace_id,
                email_key=columns["email_key"],
                list_id=list_id,
                exclude_id=exclude_id,
            )
        elif key == "external_id" and columns.get("external_refs"):
            match = repository.find_by_external_id(
                conn,
                workspace_id=workspace_id,
                refs=[(r["provider"], r["id"]) for r in columns["external_refs"]],
                list_id=list_id,
                exclude_id=exclude_id,
            )
        if match is not None:
            return match
    return None


def _policy_keys(lst: ListRead) -> list[str]:
    key = lst.duplicate_policy.key
    return [] if key == "none" else [key]


def create(
    conn: Conn,
    *,
    caller: Caller,
    data: ContactCreate | None = None,
    given: dict[str, Any] | None = None,
    match_on: Sequence[str] | None = None,
    lst: ListRead | None = None,
    fields: Sequence[FieldRead] | None = None,
) -> Contact:
    """Create a contact from ``data`` (or from ``given`` canonical fields).

    Raises DuplicateContact when another contact shares a key: the list's duplicate policy
    decides which, unless ``match_on`` names the keys to check, in order (``[]``: none).
    A caller that has already read the list (of the caller's workspace) or the workspace's
    custom field definitions in this transaction passes them, and they are not read again.
    """
    if given is None:
        assert data is not None, "pass data or given"
        given = given_fields(data)
    if lst is None:
        lst = list_service.get_or_default(
            conn, workspace_id=caller.workspace_id, id=given.get("list_id")
        )
    assert lst.workspace_id == caller.workspace_id
    assert given.get("list_id") in (None, lst.id)
    columns = _prepare(conn, caller=caller, lst=lst, given=given, existing=None, fields=fields)
    keys = list(match_on) if match_on is not None else _policy_keys(lst)
    match = find_match(conn, workspace_id=caller.workspace_id, lst=lst, columns=columns, keys=keys)
    if match is not None:
        raise DuplicateContact(
            existing_id=match.id, matching_field=match.field, existing_name=match.name or ""
        )
    return _insert(conn, caller=caller, lst=lst, columns=columns)


def _insert(conn: Conn, *, caller: Caller, lst: ListRead, columns: dict[str, Any]) -> Contact:
    now = clock.now()
    values = {
        **normalize.defaults(),
        **columns,
        "status": "queued" if lst.queue_mode == "immediate" else "held",
        "due_at": now,
        "workspace_id": caller.workspace_id,
        "list_id": lst.id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    values["id"] = repository.insert_contact(conn, values=values)
    contact = repository.to_contact(values)
    record_event(conn, caller, contact.id, "create", None, now)
    return contact


def get(conn: Conn, *, caller: Caller, id: int) -> Contact:
    found = repository.get(conn, workspace_id=caller.workspace_id, id=id)
    if found is None:
        raise NotFound(f"No contact with id {id}.")
    return found


def update(
    conn: Conn,
    *,
    caller: Caller,
    id: int,
    data: ContactUpdate | None = None,
    given: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Contact:
    """Apply a partial update; re-checks the duplicate policy when keys change."""
    if given is None:
        assert data is not None
        given = given_fields(data)
    existing = get(conn, caller=caller, id=id)
    return _update(
        conn, caller=caller, existing=existing, given=given, expected_version=expected_version
    )


def _update(
    conn: Conn,
    *,
    caller: Caller,
    existing: Contact,
    given: dict[str, Any],
    expected_version: int | None = None,
) -> Contact:
    if expected_version is not None and expected_version != existing.version:
        raise VersionConflict(current_version=existing.version)
    list_id = given.get("list_id", existing.list_id)
    lst = list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=list_id)
    columns = _prepare(conn, caller=caller, lst=lst, given=given, existing=existing)
    keys = [
        k
        for k in _policy_keys(lst)
        if {"phone": "phones", "email": "email", "external_id": "external_refs"}[k] in given
        or "list_id" in given
    ]
    if keys:
        merged = {**normalize.columns_of(existing), **columns}
        match = find_match(
            conn,
            workspace_id=caller.workspace_id,
            lst=lst,
            columns=merged,
            keys=keys,
            exclude_id=existing.id,
        )
        if match is not None:
            raise DuplicateContact(
                existing_id=match.id, matching_field=match.field, existing_name=match.name or ""
            )
    if not columns:
        return existing
    columns["updated_at"] = clock.now()
    if not repository.update_contact(
        conn,
        workspace_id=caller.workspace_id,
        id=existing.id,
        values=columns,
        version=existing.version,
    ):
        current = get(conn, caller=caller, id=existing.id)
        raise VersionConflict(current_version=current.version)
    updated = get(conn, caller=caller, id=existing.id)
    changes = diff(existing, updated)
    if changes:
        record_event(conn, caller, existing.id, "update", changes, columns["updated_at"])
    return updated


_UNTRACKED = frozenset({"id", "workspace_id", "created_at", "updated_at", "version"})


def diff(before: Contact, after: Contact) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field that differs (JSON values)."""
    old, new = msgspec.to_builtins(before), msgspec.to_builtins(after)
    return {k: [old[k], new[k]] for k in new if k not in _UNTRACKED and old[k] != new[k]}


def record_event(
    conn: Conn,
    caller: Caller,
    contact_id: int,
    action: str,
    changes: dict[str, list[Any]] | None,
    at: dt.datetime,
) -> None:
    repository.insert_events(
        conn,
        rows=[
            {
                "workspace_id": caller.workspace_id,
                "contact_id": contact_id,
                "key_id": caller.key_id or None,
                "action": action,
                "changes": changes,
                "at": at,
            }
        ],
    )


def history(
    conn: Conn, *, caller: Caller, id: int, cursor: str | None, limit: int
) -> ContactHistory:
    """Who changed the contact, when and how, oldest first (kept after a delete)."""
    after = cursors.after(cursor)
    rows = repository.events(
        conn, workspace_id=caller.workspace_id, contact_id=id, after_id=after, limit=limit + 1
    )
    if (
        not rows
        and after == 0
        and repository.get(conn, workspace_id=caller.workspace_id, id=id) is None
    ):
        raise NotFound(f"No contact with id {id}.")
    more = len(rows) > limit
    rows = rows[:limit]
    return ContactHistory(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)


def upsert(
    conn: Conn,
    *,
    caller: Caller,
    given: dict[str, Any],
    match_on: Sequence[str] | None = None,
    preserve_existing: bool = False,
    add_tags: bool = False,
) -> UpsertResult:
    """Update the contact that matches ``given`` (by the list's policy unless ``match_on``
    names the keys to try, in order), or create one.

    On a match, phones are added to the contact's own; ``preserve_existing`` only fills
    fields that are empty on the match; ``add_tags`` adds the given tags instead of
    replacing them.
    """
    lst = list_service.get_or_default(
        conn, workspace_id=caller.workspace_id, id=given.get("list_id")
    )
    columns = _prepare(conn, caller=caller, lst=lst, given=given, existing=None)
    keys = list(match_on) if match_on is not None else _policy_keys(lst)
    match = find_match(conn, workspace_id=caller.workspace_id, lst=lst, columns=columns, keys=keys)
    if match is None:
        contact = _insert(conn, caller=caller, lst=lst, columns=columns)
        return UpsertResult(created=True, contact=contact)
    existing = get(conn, caller=caller, id=match.id)
    changes = dict(given)
    changes.pop("list_id", None)
    if preserve_existing:
        changes = {k: v for k, v in changes.items() if _is_empty(getattr(existing, k, None))}
    if add_tags and "tags" in changes:
        changes["tags"] = [*existing.tags, *changes["tags"]]
    if "phones" in changes:  # a match keeps its numbers; new ones are added after them
        changes["phones"] = [*existing.phones, *changes["phones"]]
    contact = _update(conn, caller=caller, existing=existing, given=changes)
    return UpsertResult(created=False, contact=contact, matched_on=match.field)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def delete(conn: Conn, *, caller: Caller, id: int) -> None:
    if not repository.delete_contact(conn, workspace_id=caller.workspace_id, id=id):
        raise NotFound(f"No contact with id {id}.")
    record_event(conn, caller, id, "delete", None, clock.now())


def change_tags(
    conn: Conn, *, caller: Caller, id: int, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> Contact:
    existing = get(conn, caller=caller, id=id)
    removed = set(normalize.clean_tags(remove))
    tags = [t for t in normalize.clean_tags([*existing.tags, *add]) if t not in removed]
    if tags == existing.tags:
        return existing
    return _update(conn, caller=caller, existing=existing, given={"tags": tags})


def tags_in_use(conn: Conn, *, caller: Caller) -> list[str]:
    """Every tag on the workspace's contacts, each once, sorted."""
    return repository.distinct_tags(conn, workspace_id=caller.workspace_id)


def page(conn: Conn, *, caller: Caller, query: ContactQuery) -> ContactPage:
    after = cursors.after(query.cursor)
    phone = None
    if query.phone:
        lst = (
            list_service.get(
                conn, workspace_id=caller.workspace_id, id=query.list_id, with_count=False
            )
            if query.list_id is not None
            else None
        )
        regions = [lst.default_region if lst else None, caller.default_region]
        try:
            phone = parse_phone(query.phone, regions).number
        except PhoneError as error:
            raise invalid("phone", f"{query.phone!r} {error}") from None
    rows = repository.page(
        conn,
        workspace_id=caller.workspace_id,
        after_id=after,
        limit=query.limit + 1,
        list_id=query.list_id,
        tag=query.tag.strip() if query.tag else None,
        phone=phone,
        email_key=email_key(query.email) if query.email else None,
        text_query=query.q,
        updated_since=query.updated_since,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return ContactPage(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)
