"""Rules for contacts: normalization, duplicate policy, versions.

Every surface (native API, dialects, importer, CLI) ends here. Input arrives as "given"
fields in canonical names (see ``ContactCreate``); every field is checked and all problems
are reported together; nothing is written unless the whole contact is good.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from dialbook.contacts import normalize, prepared, repository
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
from dialbook.db import Conn, outbox
from dialbook.errors import (
    Conflict,
    DialbookError,
    DuplicateContact,
    FieldError,
    NotFound,
    VersionConflict,
    invalid,
)
from dialbook.events import service as event_service
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldRead
from dialbook.kit import clock, cursors
from dialbook.kit.structs import set_fields
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead, ListUpdate, PublishResult
from dialbook.normalize.emails import email_key
from dialbook.normalize.phones import PhoneError, parse_phone
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
    warnings: list[FieldError] | None = None,
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
        warnings=warnings,
        phone_order=lst.phone_order,
    )
    key = columns.pop("zone_key")
    columns["zone_id"] = None if key is None else repository.zone_id(conn, key=key)
    return columns


def _new_keys(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``after`` with only the duplicate-key values ``before`` did not hold: an update is
    refused for a duplicate it makes, never for one that was already there (an import told
    to create duplicates can leave two contacts with one phone)."""
    held = {p["number"] for p in before.get("phones") or ()}
    refs = {(r["provider"], r["id"]) for r in before.get("external_refs") or ()}
    return {
        **after,
        "phones": [p for p in after.get("phones") or () if p["number"] not in held],
        "email_key": None
        if after.get("email_key") == before.get("email_key")
        else after.get("email_key"),
        "external_refs": [
            r for r in after.get("external_refs") or () if (r["provider"], r["id"]) not in refs
        ],
    }


def _duplicate_keys(columns: dict[str, Any], key: str) -> list[str]:
    """The names of the locks that serialize writers of the same duplicate-key values."""
    return [f"{key}:{value}" for value in prepared.key_values(columns, key)]


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
    warnings: list[FieldError] | None = None,
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
    columns = _prepare(
        conn, caller=caller, lst=lst, given=given, existing=None, fields=fields, warnings=warnings
    )
    keys = list(match_on) if match_on is not None else _policy_keys(lst)
    match = find_match(conn, workspace_id=caller.workspace_id, lst=lst, columns=columns, keys=keys)
    if match is not None:
        raise DuplicateContact(
            existing_id=match.id, matching_field=match.field, existing_name=match.name or ""
        )
    return _insert(conn, caller=caller, lst=lst, columns=columns)


def _insert(conn: Conn, *, caller: Caller, lst: ListRead, columns: dict[str, Any]) -> Contact:
    values = _row_values(caller, lst, columns, clock.now())
    values["id"] = repository.insert_contact(conn, values=values)
    contact = repository.to_contact(values)
    _record(conn, caller, "contact.created", contact)
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
    warnings: list[FieldError] | None = None,
) -> Contact:
    """Apply a partial update; re-checks the duplicate policy when keys change."""
    if given is None:
        assert data is not None
        given = given_fields(data)
    existing = get(conn, caller=caller, id=id)
    return _update(
        conn,
        caller=caller,
        existing=existing,
        given=given,
        expected_version=expected_version,
        warnings=warnings,
    )


def _update(
    conn: Conn,
    *,
    caller: Caller,
    existing: Contact,
    given: dict[str, Any],
    expected_version: int | None = None,
    warnings: list[FieldError] | None = None,
) -> Contact:
    if expected_version is not None and expected_version != existing.version:
        raise VersionConflict(current_version=existing.version)
    list_id = given.get("list_id", existing.list_id)
    lst = list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=list_id)
    columns = _prepare(
        conn, caller=caller, lst=lst, given=given, existing=existing, warnings=warnings
    )
    keys = [
        k
        for k in _policy_keys(lst)
        if {"phone": "phones", "email": "email", "external_id": "external_refs"}[k] in given
        or "list_id" in given
    ]
    if keys:
        before = normalize.columns_of(existing)
        match = find_match(
            conn,
            workspace_id=caller.workspace_id,
            lst=lst,
            columns=_new_keys(before, {**before, **columns})
            if "list_id" not in given
            else {**before, **columns},
            keys=keys,
            exclude_id=existing.id,
        )
        if match is not None:
            raise DuplicateContact(
                existing_id=match.id, matching_field=match.field, existing_name=match.name or ""
            )
    return _write(conn, caller=caller, existing=existing, columns=columns)


def _write(
    conn: Conn,
    *,
    caller: Caller,
    existing: Contact,
    columns: dict[str, Any],
    type: str = "contact.updated",
    detail: dict[str, Any] | None = None,
) -> Contact:
    """Write ``columns`` over ``existing`` (bumping its version) and record the event; a
    write that changes nothing is skipped, unless ``detail`` says what happened."""
    if detail is None and _unchanged(existing, columns):
        return existing  # no new version, no event
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
    if changes or detail is not None:
        _record(conn, caller, type, updated, changes, detail)
    return updated


_UNTRACKED = frozenset({"id", "workspace_id", "created_at", "updated_at", "version"})


def _unchanged(existing: Contact, columns: dict[str, Any]) -> bool:
    """Whether writing ``columns`` would leave every field of the contact as it is (the
    queue's columns derive from the fields)."""
    if not columns:
        return True
    current = msgspec.to_builtins(existing)
    given = {k: v for k, v in columns.items() if k in current}
    return not diff(existing, repository.to_contact({**current, **given}))


_DNC_FIELDS = ("dnc", "dnd")


def diff(before: Contact, after: Contact) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field that differs (JSON values)."""
    old, new = msgspec.to_builtins(before), msgspec.to_builtins(after)
    return {k: [old[k], new[k]] for k in new if k not in _UNTRACKED and old[k] != new[k]}


def _record(
    conn: Conn,
    caller: Caller,
    type: str,
    contact: Contact,
    changes: dict[str, list[Any]] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """The contact's event (and contact.dnc_changed when its do-not-call state changed)."""
    data: Any = contact if detail is None else {**detail, "contact": contact}
    types = [(type, changes)]
    if changes and any(name in changes for name in _DNC_FIELDS):
        types.append(("contact.dnc_changed", {k: changes[k] for k in _DNC_FIELDS if k in changes}))
    event_service.record_many(
        conn,
        (
            event_service.row(
                caller,
                name,
                list_id=contact.list_id,
                contact_id=contact.id,
                version=contact.version,
                changes=changed,
                data=data,
            )
            for name, changed in types
        ),
    )


def history(
    conn: Conn, *, caller: Caller, id: int, cursor: str | None, limit: int
) -> ContactHistory:
    """The contact's events, oldest first (kept after a delete, until retention)."""
    after = cursors.after(cursor)
    rows = event_service.history(
        conn, caller=caller, contact_id=id, after_id=after, limit=limit + 1
    )
    if (
        not rows
        and after == 0
        and repository.get(conn, workspace_id=caller.workspace_id, id=id) is None
    ):
        raise NotFound(f"No contact with id {id}.")
    more = len(rows) > limit
    rows = list(rows[:limit])
    return ContactHistory(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)


def upsert(
    conn: Conn,
    *,
    caller: Caller,
    given: dict[str, Any],
    match_on: Sequence[str] | None = None,
    preserve_existing: bool = False,
    add_tags: bool = False,
    warnings: list[FieldError] | None = None,
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
    columns = _prepare(conn, caller=caller, lst=lst, given=given, existing=None, warnings=warnings)
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
    existing = get(conn, caller=caller, id=id)
    repository.delete_contact(conn, workspace_id=caller.workspace_id, id=id)
    _record(conn, caller, "contact.deleted", existing)


def delete_many(conn: Conn, *, caller: Caller, ids: Sequence[int]) -> int:
    """Delete those of ``ids`` that exist (a contact.deleted each); how many."""
    found = repository.get_many(conn, workspace_id=caller.workspace_id, ids=ids)
    if not found:
        return 0
    repository.delete_many(conn, workspace_id=caller.workspace_id, ids=list(found))
    for contact in found.values():
        _record(conn, caller, "contact.deleted", contact)
    outbox.flush(conn)
    return len(found)


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


def _filters(conn: Conn, *, caller: Caller, query: ContactQuery) -> repository.Filters:
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
    return repository.Filters(
        list_id=query.list_id,
        tag=query.tag.strip() if query.tag else None,
        phone=phone,
        email_key=email_key(query.email) if query.email else None,
        text_query=query.q,
        updated_since=query.updated_since,
        external_id=query.external_id.strip() if query.external_id else None,
        status=query.status,
    )


def page(
    conn: Conn, *, caller: Caller, query: ContactQuery, offset: int | None = None
) -> ContactPage:
    """A page of the contacts ``query`` filters, oldest first: after ``query.cursor``, or,
    with ``offset``, that many skipped (the cursor is then ignored)."""
    filters = _filters(conn, caller=caller, query=query)
    rows = repository.page(
        conn,
        workspace_id=caller.workspace_id,
        filters=filters,
        limit=query.limit + 1,
        after_id=0 if offset is not None else cursors.after(query.cursor),
        offset=offset or 0,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return ContactPage(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)


def list_page(
    conn: Conn, *, caller: Caller, list_id: int, after_id: int, limit: int
) -> list[Contact]:
    """The list's contacts after ``after_id``, by id (export walks a whole list)."""
    return repository.page(
        conn,
        workspace_id=caller.workspace_id,
        after_id=after_id,
        limit=limit,
        filters=repository.Filters(list_id=list_id),
    )


def max_phones(conn: Conn, *, caller: Caller, list_id: int) -> int:
    """The most phones any contact of the list has (export's phone columns)."""
    return repository.max_phones(conn, workspace_id=caller.workspace_id, list_id=list_id)


def count(conn: Conn, *, caller: Caller, query: ContactQuery) -> int:
    """How many contacts ``query`` filters (its cursor and limit aside)."""
    filters = _filters(conn, caller=caller, query=query)
    return repository.count(conn, workspace_id=caller.workspace_id, filters=filters)


# -- writes of many contacts: publish, list delete, outcomes, imports ---------------------

CHUNK = 1000


def publish_list(conn: Conn, *, caller: Caller, id: int) -> PublishResult:
    """Hand the list's held contacts to the dial queue (Salesfinity's "reimport"): each a
    new version and a contact.updated event, then one list.published."""
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=id, with_count=False)
    now = clock.now()
    published = after = 0
    while ids := repository.ids_in_list(
        conn,
        workspace_id=caller.workspace_id,
        list_id=id,
        after_id=after,
        limit=CHUNK,
        status="held",
    ):
        before = repository.get_many(conn, workspace_id=caller.workspace_id, ids=ids)
        repository.release_held(conn, workspace_id=caller.workspace_id, ids=ids, now=now)
        after_write = repository.get_many(conn, workspace_id=caller.workspace_id, ids=ids)
        for contact_id in ids:
            old, new = before[contact_id], after_write[contact_id]
            _record(conn, caller, "contact.updated", new, diff(old, new))
        outbox.flush(conn)  # bounded memory for a large list
        published += len(ids)
        after = ids[-1]
    data = {"list_id": lst.id, "published": published}
    event_service.record(conn, caller, "list.published", list_id=lst.id, data=data)
    return PublishResult(list_id=id, published=published)


def update_list(conn: Conn, *, caller: Caller, id: int, data: ListUpdate) -> ListRead:
    """Change a list's settings (``lists.service.update``). A new ``phone_order`` changes
    which number each contact is dialed on next: worked out again for every contact of the
    list, so a claim keeps reading it from the row."""
    before = list_service.get(conn, workspace_id=caller.workspace_id, id=id, with_count=False)
    lst = list_service.update(conn, caller=caller, id=id, data=data)
    if lst.phone_order == before.phone_order:
        return lst
    after = 0
    while ids := repository.ids_in_list(
        conn, workspace_id=caller.workspace_id, list_id=id, after_id=after, limit=CHUNK
    ):
        found = repository.get_many(conn, workspace_id=caller.workspace_id, ids=ids)
        dials = [
            (contact_id, normalize.dial_columns(msgspec.to_builtins(c.phones), lst.phone_order))
            for contact_id, c in found.items()
        ]
        repository.set_dial_columns(conn, workspace_id=caller.workspace_id, columns=dials)
        after = ids[-1]
    return lst


def delete_list(conn: Conn, *, caller: Caller, id: int) -> None:
    """Delete a list and every contact in it (a contact.deleted each, then list.deleted).
    The default list stays."""
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=id, with_count=False)
    if lst.is_default:
        raise Conflict("The workspace's default list cannot be deleted.")
    deleted = 0
    while ids := repository.ids_in_list(
        conn, workspace_id=caller.workspace_id, list_id=id, after_id=0, limit=CHUNK
    ):
        deleted += delete_many(conn, caller=caller, ids=ids)
    list_service.remove(conn, caller=caller, lst=lst, contacts_deleted=deleted)


def set_queue_state(
    conn: Conn,
    *,
    caller: Caller,
    id: int,
    values: dict[str, Any],
    type: str,
    detail: dict[str, Any],
) -> Contact:
    """Write the queue's columns of a contact (an outcome): a new version, and an event
    whose data carries ``detail`` (the outcome, its notes) beside the contact."""
    existing = get(conn, caller=caller, id=id)
    return _write(conn, caller=caller, existing=existing, columns=values, type=type, detail=detail)


@dataclass(slots=True)
class BatchOutcome:
    action: str  # created | updated | skipped | rejected
    id: int | None = None
    error: DialbookError | None = None
    twin: int | None = None  # a duplicate of this earlier row of the batch


def row_format(conn: Conn) -> prepared.RowFormat:
    """How new contacts are made ready for this connection's inserts (by the importer's
    workers: contacts/prepared.py)."""
    return repository.row_format(conn)


def batch_target(lst: ListRead, *, on_duplicate: str) -> prepared.Target:
    """What every new contact of a batch into ``lst`` shares (contacts/prepared.py)."""
    key = lst.duplicate_policy.key
    return prepared.Target(
        workspace_id=lst.workspace_id,
        list_id=lst.id,
        status="queued" if lst.queue_mode == "immediate" else "held",
        duplicate_key="none" if on_duplicate == "create" else key,
        keep_given=on_duplicate == "update",
    )


def write_batch(
    conn: Conn,
    *,
    caller: Caller,
    lst: ListRead,
    rows: Sequence[prepared.NewContact],
    on_duplicate: str,
) -> list[BatchOutcome]:
    """Create many contacts of one list at once (the importer's chunks), made ready by
    contacts/prepared.py with :func:`batch_target` and :func:`row_format`.

    The duplicate keys of the whole batch are locked and looked up in one query per key
    kind; a row matching an existing contact (the oldest, as :func:`upsert` picks) or an
    earlier row of the batch is updated (``on_duplicate="update"``: its given fields),
    skipped ("skip") or created anyway ("create"). New contacts go in with one insert and
    their contact.created events in one batch.
    """
    now = clock.now()
    key = lst.duplicate_policy.key
    check = on_duplicate != "create" and key != "none"
    existing: dict[Any, int] = {}
    if check:
        repository.lock_keys(
            conn,
            workspace_id=caller.workspace_id,
            keys=[f"{key}:{v}" for row in rows for v in row.keys],
        )
        existing = repository.existing_keys(
            conn,
            workspace_id=caller.workspace_id,
            list_id=lst.id if lst.duplicate_policy.scope == "list" else None,
            key=key,
            values=[v for row in rows for v in row.keys],
        )
    zones = repository.zone_ids(conn, keys=(r.zone_key for r in rows if r.zone_key is not None))
    outcomes: list[BatchOutcome] = []
    fresh: list[prepared.NewContact] = []
    in_batch: dict[Any, int] = {}  # key value -> position in ``outcomes``
    for row in rows:
        if check:
            matches = [existing[v] for v in row.keys if v in existing]
            twin = next((in_batch[v] for v in row.keys if v in in_batch), None)
            if matches or twin is not None:
                outcomes.append(BatchOutcome("duplicate", min(matches, default=None), twin=twin))
                continue
            for v in row.keys:
                in_batch[v] = len(outcomes)
        outcomes.append(BatchOutcome("created"))
        fresh.append(row)
    ids = repository.insert_prepared(
        conn,
        workspace_id=caller.workspace_id,
        rows=fresh,
        zone_ids=[None if row.zone_key is None else zones[row.zone_key] for row in fresh],
        now=now,
    )
    created = iter(ids)
    for outcome in outcomes:
        if outcome.action == "created":
            outcome.id = next(created)
    at = prepared.json_time(now)
    copy = row_format(conn).driver == "copy"
    event_service.record_prepared(
        conn,
        caller,
        "contact.created",
        at=now,
        list_id=lst.id,
        version=1,
        payloads=[(i, prepared.event_data(row, i, at)) for i, row in zip(ids, fresh, strict=True)],
        copy=copy,
    )
    for row, outcome in zip(rows, outcomes, strict=True):
        if outcome.action != "duplicate":
            continue
        target = outcome.id if outcome.twin is None else outcomes[outcome.twin].id
        assert target is not None
        if on_duplicate == "skip":
            outcome.action, outcome.id = "skipped", target
            continue
        try:
            with outbox.savepoint(conn):
                update(conn, caller=caller, id=target, given=row.given or {})
            outcome.action, outcome.id = "updated", target
        except DialbookError as error:
            outcome.action, outcome.error = "rejected", error
    return outcomes


def _row_values(
    caller: Caller, lst: ListRead, columns: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """Every column of a new contact of ``lst`` from its normalized ``columns``."""
    return {
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


def analyze(conn: Conn) -> None:
    """Refresh the planner's statistics of the contact tables (after big loads)."""
    repository.analyze(conn)


def refresh_statistics(conn: Conn) -> list[str]:
    """Analyze the contact tables that have outgrown their planner statistics; their names.

    Autovacuum analyzes a table only on its next pass (a minute apart by default) and after
    a tenth of it changed; until then a fresh database's tables look empty to the planner,
    which then checks every new phone's and tag's foreign key through any index that
    starts with ``workspace_id`` (its cost ties with the primary key's) and reads the whole
    workspace each time: a create slows with every contact before it."""
    grown = repository.outgrown_statistics(conn)
    if grown:
        repository.analyze(conn, tables=grown)
    return grown


def get_many(conn: Conn, *, caller: Caller, ids: Sequence[int]) -> dict[int, Contact]:
    """The caller's contacts by id, in one query (the dial queue's hot path)."""
    return repository.get_many(conn, workspace_id=caller.workspace_id, ids=ids)
