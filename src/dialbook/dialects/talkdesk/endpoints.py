"""/compat/talkdesk: Talkdesk's Record Lists API on the canonical services.

Handlers are short: each makes one ``ctx.db.read`` / ``ctx.db.write`` call of a use-case
function below (plain functions of a connection that combine canonical service calls and
the pure translations; no SQL). Talkdesk scopes map onto dialbook's: reading needs
``contacts:read``, writing records ``contacts:write``, creating or changing lists
``lists:manage``. Do-not-call lists are the workspace's suppression lists: reading them (and
querying numbers) needs ``contacts:read``, changing them ``lists:manage``, as on /v1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import msgspec
from starlette.responses import Response

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery
from dialbook.db import Conn
from dialbook.dialects.talkdesk import errors, translate
from dialbook.dialects.talkdesk.schemas import (
    MAX_BULK,
    BulkCreate,
    BulkCreated,
    BulkDeleted,
    BulkEmbedded,
    BulkUpdated,
    DeleteItem,
    DoNotCallList,
    DoNotCallListCreate,
    DoNotCallListCreated,
    DoNotCallListPage,
    EntriesCreated,
    EntriesDeleted,
    EntriesEmbedded,
    EntriesUpdated,
    Entry,
    EntryDeleteItem,
    EntryIn,
    EntryPage,
    EntryQuery,
    FailedEntries,
    FailedEntry,
    FailedRecord,
    FailedRecords,
    Link,
    PageQuery,
    PatchOp,
    Record,
    RecordError,
    RecordIn,
    RecordList,
    RecordListCreate,
    RecordListCreated,
    RecordListPage,
    RecordListQuery,
    RecordListUpdate,
    RecordPage,
    UpdatedEntriesEmbedded,
    UpdatedEntry,
)
from dialbook.errors import (
    Conflict,
    DialbookError,
    DuplicateContact,
    FieldError,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
)
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldRead
from dialbook.http.routing import Context, Router
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import (
    DuplicateKey,
    DuplicatePolicy,
    ListCreate,
    ListRead,
    ListUpdate,
)
from dialbook.normalize.fields import FieldType
from dialbook.normalize.phones import PhoneError, parse_phone
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import Suppression, SuppressionListRead, SuppressionQuery
from dialbook.workspaces.schemas import Caller

router = Router(tag="talkdesk", prefix=translate.PREFIX)

_E164 = re.compile(r"^\+\d{8,15}$")


def _base(ctx: Context) -> str:
    return str(ctx.request.base_url).rstrip("/") + translate.PREFIX


def _at_most(items: Sequence[object], name: str) -> None:
    if len(items) > MAX_BULK:
        raise PayloadTooLarge(
            f"At most {MAX_BULK} {name} per request; this one has {len(items)}.",
            fields=[FieldError(name, f"at most {MAX_BULK} per request")],
        )


# -- record lists -------------------------------------------------------------------------


@router.route("POST", "/record-lists", scope="lists:manage", status=201)
async def create_record_list(ctx: Context, body: RecordListCreate) -> RecordListCreated:
    """Create a record list (CSV upload is not offered: signed_url is null)."""
    return await ctx.db.write(_create_list, caller=ctx.caller, body=body, base=_base(ctx))


@router.route("GET", "/record-lists", scope="contacts:read")
async def list_record_lists(ctx: Context, query: RecordListQuery) -> RecordListPage:
    """The workspace's record lists, oldest first, page by page."""
    return await ctx.db.read(_list_page, caller=ctx.caller, query=query, base=_base(ctx))


@router.route("GET", "/record-lists/{id}", scope="contacts:read")
async def get_record_list(ctx: Context) -> RecordList:
    """A record list with its record count."""
    return await ctx.db.read(_get_list, caller=ctx.caller, ref=ctx.path("id"), base=_base(ctx))


@router.route("PATCH", "/record-lists/{id}", scope="lists:manage", optional_body=True)
async def update_record_list(ctx: Context, body: RecordListUpdate) -> RecordList:
    """Rename a record list or change its unique_identifier_type (an empty body is a no-op)."""
    return await ctx.db.write(
        _update_list, caller=ctx.caller, ref=ctx.path("id"), body=body, base=_base(ctx)
    )


# -- records (bulk routes first: "bulks" is not a record id) ------------------------------


@router.route("POST", "/record-lists/{id}/records/bulks", scope="contacts:write", status=201)
async def create_records(ctx: Context, body: BulkCreate) -> BulkCreated:
    """Create up to 100 records; bad ones are reported, good ones created."""
    _at_most(body.records, "records")
    return await ctx.db.write(
        _bulk_create, caller=ctx.caller, ref=ctx.path("id"), body=body, base=_base(ctx)
    )


@router.route("PATCH", "/record-lists/{id}/records/bulks", scope="contacts:write")
async def update_records(ctx: Context, body: list[PatchOp]) -> BulkUpdated:
    """JSON Patch operations on /records/{record_id}; each record succeeds or fails alone."""
    _at_most(body, "body")
    return await ctx.db.write(
        _bulk_update, caller=ctx.caller, ref=ctx.path("id"), ops=body, base=_base(ctx)
    )


@router.route("DELETE", "/record-lists/{id}/records/bulks", scope="contacts:write")
async def delete_records(ctx: Context, body: list[DeleteItem]) -> BulkDeleted:
    """Delete records by id, by phone number or by external provider and id."""
    _at_most(body, "body")
    return await ctx.db.write(
        _bulk_delete, caller=ctx.caller, ref=ctx.path("id"), items=body, base=_base(ctx)
    )


@router.route("POST", "/record-lists/{id}/records", scope="contacts:write", status=201)
async def create_record(ctx: Context, body: RecordIn) -> Record:
    """Create a record; 409 when the list's unique_identifier_type finds a duplicate."""
    return await ctx.db.write(
        _create_record, caller=ctx.caller, ref=ctx.path("id"), record=body, base=_base(ctx)
    )


@router.route("GET", "/record-lists/{id}/records", scope="contacts:read")
async def list_records(ctx: Context, query: PageQuery) -> RecordPage:
    """The list's records, oldest first, page by page."""
    return await ctx.db.read(
        _record_page, caller=ctx.caller, ref=ctx.path("id"), query=query, base=_base(ctx)
    )


@router.route("GET", "/record-lists/{id}/records/{record_id}", scope="contacts:read")
async def get_record(ctx: Context) -> Record:
    """One record (not in Talkdesk's reference; seen in third-party clients)."""
    return await ctx.db.read(
        _get_record,
        caller=ctx.caller,
        ref=ctx.path("id"),
        record_ref=ctx.path("record_id"),
        base=_base(ctx),
    )


@router.route("PATCH", "/record-lists/{id}/records/{record_id}", scope="contacts:write")
async def update_record(ctx: Context, body: list[PatchOp]) -> Record:
    """Apply a JSON Patch (RFC 6902: add, replace, remove) to a record."""
    return await ctx.db.write(
        _patch_record,
        caller=ctx.caller,
        ref=ctx.path("id"),
        record_ref=ctx.path("record_id"),
        ops=body,
        base=_base(ctx),
    )


@router.route("DELETE", "/record-lists/{id}/records/{record_id}", scope="contacts:write")
async def delete_record(ctx: Context) -> Response:
    """Delete one record (not in Talkdesk's reference; seen in third-party clients)."""
    await ctx.db.write(
        _delete_record, caller=ctx.caller, ref=ctx.path("id"), record_ref=ctx.path("record_id")
    )
    return Response(status_code=204)


# -- do-not-call lists (entry routes on /entries before /entries/{entry_id}) ---------------


@router.route("GET", "/do-not-call-lists", scope="contacts:read")
async def list_dnc_lists(ctx: Context, query: PageQuery) -> DoNotCallListPage:
    """The workspace's do-not-call lists, the default one first, page by page."""
    # A write: the workspace's default suppression list is created on first use.
    return await ctx.db.write(_dncl_page, caller=ctx.caller, query=query, base=_base(ctx))


@router.route("POST", "/do-not-call-lists", scope="lists:manage", status=201)
async def create_dnc_list(ctx: Context, body: DoNotCallListCreate) -> DoNotCallListCreated:
    """Create a do-not-call list (CSV upload is not offered: signed_url is null)."""
    return await ctx.db.write(_create_dncl, caller=ctx.caller, body=body, base=_base(ctx))


@router.route("GET", "/do-not-call-lists/{id}", scope="contacts:read")
async def get_dnc_list(ctx: Context) -> DoNotCallList:
    """A do-not-call list with its entry count."""
    return await ctx.db.read(_get_dncl, caller=ctx.caller, ref=ctx.path("id"), base=_base(ctx))


@router.route("DELETE", "/do-not-call-lists/{id}", scope="lists:manage")
async def delete_dnc_list(ctx: Context) -> Response:
    """Delete a do-not-call list and its entries (not the workspace's default one: 409)."""
    await ctx.db.write(_delete_dncl, caller=ctx.caller, ref=ctx.path("id"))
    return Response(status_code=204)


@router.route("POST", "/do-not-call-lists/{id}/entries/queries", scope="contacts:read")
async def query_entries(ctx: Context, body: EntryQuery, query: PageQuery) -> EntryPage:
    """The list's entries in force for these phone numbers (any format)."""
    _at_most(body.phone_numbers, "phone_numbers")
    return await ctx.db.read(
        _query_entries,
        caller=ctx.caller,
        ref=ctx.path("id"),
        body=body,
        query=query,
        base=_base(ctx),
    )


@router.route("GET", "/do-not-call-lists/{id}/entries", scope="contacts:read")
async def list_entries(ctx: Context, query: PageQuery) -> EntryPage:
    """The list's entries (expired ones too), oldest first, page by page."""
    return await ctx.db.read(
        _entry_page, caller=ctx.caller, ref=ctx.path("id"), query=query, base=_base(ctx)
    )


@router.route("POST", "/do-not-call-lists/{id}/entries", scope="lists:manage", status=201)
async def create_entries(ctx: Context, body: EntryIn | list[Any]) -> Entry | EntriesCreated:
    """Add a number (or a list of up to 100, all or none); a listed number is refreshed."""
    if isinstance(body, list):
        _at_most(body, "body")
    return await ctx.db.write(
        _create_entries, caller=ctx.caller, ref=ctx.path("id"), body=body, base=_base(ctx)
    )


@router.route("PATCH", "/do-not-call-lists/{id}/entries", scope="lists:manage")
async def update_entries(ctx: Context, body: list[PatchOp]) -> EntriesUpdated:
    """JSON Patch operations on /{entry_id}/expiration_date or /reason; each entry alone."""
    _at_most(body, "body")
    return await ctx.db.write(
        _update_entries, caller=ctx.caller, ref=ctx.path("id"), ops=body, base=_base(ctx)
    )


@router.route("DELETE", "/do-not-call-lists/{id}/entries", scope="lists:manage")
async def delete_entries(ctx: Context, body: list[EntryDeleteItem]) -> EntriesDeleted:
    """Delete entries by id (or by phone number)."""
    _at_most(body, "body")
    return await ctx.db.write(
        _delete_entries, caller=ctx.caller, ref=ctx.path("id"), items=body, base=_base(ctx)
    )


@router.route("GET", "/do-not-call-lists/{id}/entries/{entry_id}", scope="contacts:read")
async def get_entry(ctx: Context) -> Entry:
    """One entry (not in Talkdesk's reference: where an entry's _links.self points)."""
    return await ctx.db.read(
        _get_entry,
        caller=ctx.caller,
        ref=ctx.path("id"),
        entry_ref=ctx.path("entry_id"),
        base=_base(ctx),
    )


@router.route("PATCH", "/do-not-call-lists/{id}/entries/{entry_id}", scope="lists:manage")
async def update_entry(ctx: Context, body: list[PatchOp]) -> Entry:
    """Apply a JSON Patch (add, replace, remove) to an entry's expiration_date or reason."""
    return await ctx.db.write(
        _patch_entry,
        caller=ctx.caller,
        ref=ctx.path("id"),
        entry_ref=ctx.path("entry_id"),
        ops=body,
        base=_base(ctx),
    )


@router.route("DELETE", "/do-not-call-lists/{id}/entries/{entry_id}", scope="lists:manage")
async def delete_entry(ctx: Context) -> Response:
    """Delete one entry (not in Talkdesk's reference, which deletes in bulk)."""
    await ctx.db.write(
        _delete_entry, caller=ctx.caller, ref=ctx.path("id"), entry_ref=ctx.path("entry_id")
    )
    return Response(status_code=204)


# -- use cases: one transaction each --------------------------------------------------------


def _list(conn: Conn, *, caller: Caller, ref: str, count: bool = False) -> ListRead:
    """A record list by our id or its Talkdesk alias."""
    try:
        if translate.list_ref_is_absurd(ref):
            raise NotFound()
        found = list_service.find(
            conn, workspace_id=caller.workspace_id, platform="talkdesk", ref=ref
        )
        if count:
            found = list_service.get(conn, workspace_id=caller.workspace_id, id=found.id)
    except NotFound:
        raise NotFound(f"No record list with id {ref}.") from None
    return found


def _record(conn: Conn, *, caller: Caller, lst: ListRead, ref: str) -> Contact:
    """A record of ``lst``; records of other lists are as unknown as missing ones."""
    contact_id = translate.parse_id(ref)
    if contact_id is not None:
        try:
            contact = contact_service.get(conn, caller=caller, id=contact_id)
        except NotFound:
            pass
        else:
            if contact.list_id == lst.id:
                return contact
    raise NotFound(f"No record with id {ref} in record list {lst.id}.")


def _create_list(
    conn: Conn, *, caller: Caller, body: RecordListCreate, base: str
) -> RecordListCreated:
    policy = DuplicatePolicy(key=translate.duplicate_key(body.unique_identifier_type))
    data = ListCreate(name=body.name, duplicate_policy=policy)
    # Talkdesk documents no conflict on a record list's name: repeated names stay allowed.
    lst = list_service.create(conn, caller=caller, data=data, same_name_ok=True)
    return translate.record_list_created(lst, base)


def _get_list(conn: Conn, *, caller: Caller, ref: str, base: str) -> RecordList:
    return translate.record_list_out(_list(conn, caller=caller, ref=ref, count=True), base)


def _update_list(
    conn: Conn, *, caller: Caller, ref: str, body: RecordListUpdate, base: str
) -> RecordList:
    lst = _list(conn, caller=caller, ref=ref)
    data = ListUpdate(name=body.name)
    if not isinstance(body.unique_identifier_type, msgspec.UnsetType):
        data.duplicate_policy = DuplicatePolicy(
            key=translate.duplicate_key(body.unique_identifier_type)
        )
    list_service.update(conn, caller=caller, id=lst.id, data=data)
    return translate.record_list_out(
        list_service.get(conn, workspace_id=caller.workspace_id, id=lst.id), base
    )


def _list_page(conn: Conn, *, caller: Caller, query: RecordListQuery, base: str) -> RecordListPage:
    lists: list[ListRead] = []
    cursor: str | None = None
    if query.status is None or query.status.upper() == translate.LIST_STATUS:
        while True:
            batch = list_service.page(
                conn, workspace_id=caller.workspace_id, cursor=cursor, limit=500, name=query.name
            )
            lists += batch.data
            if batch.next_cursor is None:
                break
            cursor = batch.next_cursor
    start = (query.page - 1) * query.per_page
    return translate.record_list_page(
        lists[start : start + query.per_page],
        total=len(lists),
        page=query.page,
        per_page=query.per_page,
        base=base,
        name=query.name,
        status=query.status,
    )


def _slice(conn: Conn, *, caller: Caller, list_id: int, offset: int, limit: int) -> list[Contact]:
    """Records ``offset`` .. ``offset + limit`` of a list, oldest first."""
    rows: list[Contact] = []
    cursor: str | None = None
    seen = 0
    while seen < offset + limit:
        query = ContactQuery(list_id=list_id, cursor=cursor, limit=min(500, offset + limit - seen))
        batch = contact_service.page(conn, caller=caller, query=query)
        for contact in batch.data:
            if seen >= offset:
                rows.append(contact)
            seen += 1
        if batch.next_cursor is None:
            break
        cursor = batch.next_cursor
    return rows


def _record_page(
    conn: Conn, *, caller: Caller, ref: str, query: PageQuery, base: str
) -> RecordPage:
    lst = _list(conn, caller=caller, ref=ref, count=True)
    offset = (query.page - 1) * query.per_page
    total = lst.contact_count or 0
    contacts = (
        _slice(conn, caller=caller, list_id=lst.id, offset=offset, limit=query.per_page)
        if offset < total
        else []
    )
    return translate.record_page(
        contacts, total=total, page=query.page, per_page=query.per_page, base=base, list_id=lst.id
    )


def _define_fields(
    conn: Conn, *, caller: Caller, inbound: translate.Inbound
) -> list[FieldRead] | None:
    """Workspace custom fields for the extra_data keys that are not contact fields; the
    workspace's definitions when there are any."""
    wanted: dict[str, FieldType] = {label: "string" for label in inbound.custom_labels().values()}
    if not wanted:
        return None
    return field_service.define_labels(conn, workspace_id=caller.workspace_id, wanted=wanted)


def _insert(conn: Conn, *, caller: Caller, lst: ListRead, record: RecordIn) -> Contact:
    inbound = translate.record_to_given(
        record, external_required=lst.duplicate_policy.key == "external_id"
    )
    data = translate.to_create(inbound, list_id=lst.id)
    fields = _define_fields(conn, caller=caller, inbound=inbound)
    try:
        return contact_service.create(conn, caller=caller, data=data, lst=lst, fields=fields)
    except (InvalidInput, DuplicateContact) as error:
        raise errors.renamed(error, inbound.names) from None


def _create_record(conn: Conn, *, caller: Caller, ref: str, record: RecordIn, base: str) -> Record:
    lst = _list(conn, caller=caller, ref=ref)
    return translate.record_out(_insert(conn, caller=caller, lst=lst, record=record), base)


def _get_record(conn: Conn, *, caller: Caller, ref: str, record_ref: str, base: str) -> Record:
    lst = _list(conn, caller=caller, ref=ref)
    return translate.record_out(_record(conn, caller=caller, lst=lst, ref=record_ref), base)


def _change(
    conn: Conn,
    *,
    caller: Caller,
    lst: ListRead,
    contact: Contact,
    before: dict[str, object],
    after: dict[str, object],
) -> Contact:
    """Write what differs between two wire forms of ``contact`` through the canonical update."""
    inbound = translate.record_changes(
        before, after, contact, external_required=lst.duplicate_policy.key == "external_id"
    )
    data = translate.to_update(inbound)
    _define_fields(conn, caller=caller, inbound=inbound)
    try:
        return contact_service.update(conn, caller=caller, id=contact.id, data=data)
    except (InvalidInput, DuplicateContact) as error:
        raise errors.renamed(error, inbound.names) from None


def _patch_record(
    conn: Conn, *, caller: Caller, ref: str, record_ref: str, ops: list[PatchOp], base: str
) -> Record:
    lst = _list(conn, caller=caller, ref=ref)
    contact = _record(conn, caller=caller, lst=lst, ref=record_ref)
    before = translate.record_doc(contact, base)
    after = translate.apply_patch(before, ops)  # a bad patch document: 400
    try:
        changed = _change(conn, caller=caller, lst=lst, contact=contact, before=before, after=after)
    except InvalidInput as error:  # a patch that leaves an invalid record: 422
        raise errors.unprocessable(error) from None
    return translate.record_out(changed, base)


def _delete_record(conn: Conn, *, caller: Caller, ref: str, record_ref: str) -> None:
    lst = _list(conn, caller=caller, ref=ref)
    contact = _record(conn, caller=caller, lst=lst, ref=record_ref)
    contact_service.delete(conn, caller=caller, id=contact.id)


def _bulk_create(
    conn: Conn, *, caller: Caller, ref: str, body: BulkCreate, base: str
) -> BulkCreated:
    lst = _list(conn, caller=caller, ref=ref)
    created: list[Record] = []
    failed: list[RecordError] = []
    for index, item in enumerate(body.records):
        try:
            record = translate.decode_record(item)
            with conn.begin_nested():  # a record that fails leaves nothing behind
                contact = _insert(conn, caller=caller, lst=lst, record=record)
        except DialbookError as error:
            failed.append(errors.record_error(error, index=index))
        else:
            created.append(translate.record_out(contact, base))
    return BulkCreated(
        record_list_id=str(lst.id),
        has_errors=bool(failed),
        total_created=len(created),
        total_errors=len(failed),
        links=_bulk_links(base, lst),
        embedded=BulkEmbedded(records=created, errors=failed),
    )


def _bulk_update(
    conn: Conn, *, caller: Caller, ref: str, ops: list[PatchOp], base: str
) -> BulkUpdated:
    lst = _list(conn, caller=caller, ref=ref)
    groups = translate.group_bulk_ops(ops)  # a malformed path fails the request: 400
    updated: list[Record] = []
    failed: list[RecordError] = []
    for group in groups:
        try:
            with conn.begin_nested():
                contact = _record(conn, caller=caller, lst=lst, ref=group.record_ref)
                before = translate.record_doc(contact, base)
                after = translate.apply_record_ops(before, group)
                changed = _change(
                    conn, caller=caller, lst=lst, contact=contact, before=before, after=after
                )
        except DialbookError as error:
            failed.append(errors.record_error(error, index=group.ops[0][0], id=group.record_ref))
        else:
            updated.append(translate.record_out(changed, base))
    return BulkUpdated(
        record_list_id=str(lst.id),
        has_errors=bool(failed),
        total_created=len(updated),
        total_updated=len(updated),
        total_errors=len(failed),
        links=_bulk_links(base, lst),
        embedded=BulkEmbedded(records=updated, errors=failed),
    )


def _bulk_links(base: str, lst: ListRead) -> dict[str, Link]:
    href = translate.list_href(base, lst.id)
    return {"self": Link(f"{href}/records/bulks"), "record_list": Link(href)}


def _bulk_delete(
    conn: Conn, *, caller: Caller, ref: str, items: list[DeleteItem], base: str
) -> BulkDeleted:
    lst = _list(conn, caller=caller, ref=ref)
    translate.check_delete_items(items)  # a malformed item fails the request: 400
    deleted = 0
    failed: list[FailedRecord] = []
    for item in items:
        try:
            count = _delete_matching(conn, caller=caller, lst=lst, item=item)
        except DialbookError as error:
            failed.append(_failed(item, base, lst, _reason(error)))
            continue
        if count == 0:
            failed.append(_failed(item, base, lst, "No such record in this record list."))
        deleted += count
    return BulkDeleted(
        record_list_id=str(lst.id),
        has_errors=bool(failed),
        total_deleted=deleted,
        total_errors=len(failed),
        links=_bulk_links(base, lst),
        embedded=FailedRecords(failed_records=failed),
    )


def _delete_matching(conn: Conn, *, caller: Caller, lst: ListRead, item: DeleteItem) -> int:
    """Delete the records ``item`` names; how many there were."""
    if item.id is not None:
        try:
            contact = _record(conn, caller=caller, lst=lst, ref=str(item.id))
        except NotFound:
            return 0
        contact_service.delete(conn, caller=caller, id=contact.id)
        return 1
    if item.phone_number is not None:
        try:
            e164 = parse_phone(
                item.phone_number, [lst.default_region, caller.default_region]
            ).number
        except PhoneError as error:
            # A number written in E.164 whose length is impossible is refused on the way in,
            # but it names no record (or one stored before it was refused): look it up.
            e164 = re.sub(r"[\s().-]", "", item.phone_number)
            if not _E164.match(e164):
                raise InvalidInput(fields=[FieldError("phone_number", str(error))]) from None
        columns: dict[str, object] = {"phones": [{"number": e164}]}
        key: DuplicateKey = "phone"
    else:
        columns = {"external_refs": [{"provider": item.external_provider, "id": item.external_id}]}
        key = "external_id"
    # Look in this list only, whatever the list's duplicate policy says.
    scoped = msgspec.structs.replace(lst, duplicate_policy=DuplicatePolicy(key=key, scope="list"))
    count = 0
    while True:
        match = contact_service.find_match(
            conn, workspace_id=caller.workspace_id, lst=scoped, columns=columns, keys=[key]
        )
        if match is None:
            return count
        contact_service.delete(conn, caller=caller, id=match.id)
        count += 1


def _reason(error: DialbookError) -> str:
    body = errors.body_of(error)
    return "; ".join(f"{f.name} {f.description}" for f in body.fields) or body.description


def _failed(item: DeleteItem, base: str, lst: ListRead, description: str) -> FailedRecord:
    record_id = None if item.id is None else str(item.id)
    contact_id = translate.parse_id(record_id) if record_id is not None else None
    return FailedRecord(
        id=record_id,
        phone_number=item.phone_number,
        external_provider=item.external_provider,
        external_id=item.external_id,
        description=description,
        links=(
            {"self": Link(translate.record_href(base, lst.id, contact_id))}
            if contact_id is not None
            else None
        ),
    )


# -- do-not-call lists: use cases -----------------------------------------------------------


def _dncl(conn: Conn, *, caller: Caller, ref: str, count: bool = False) -> SuppressionListRead:
    """A do-not-call list (a suppression list of the caller's workspace) by our id."""
    list_id = translate.parse_id(ref)
    try:
        if list_id is None:
            raise NotFound()
        return suppression_service.get_list(
            conn, workspace_id=caller.workspace_id, id=list_id, with_count=count
        )
    except NotFound:
        raise NotFound(f"No do-not-call list with id {ref}.") from None


def _entry(conn: Conn, *, caller: Caller, dncl: SuppressionListRead, ref: str) -> Suppression:
    """An entry of ``dncl``; entries of other lists are as unknown as missing ones."""
    entry_id = translate.parse_id(ref)
    if entry_id is not None:
        try:
            entry = suppression_service.get(conn, caller=caller, id=entry_id)
        except NotFound:
            pass
        else:
            if entry.suppression_list_id == dncl.id:
                return entry
    raise NotFound(f"No entry with id {ref} in do-not-call list {dncl.id}.")


def _entry_for_number(
    conn: Conn, *, caller: Caller, list_id: int, number: str, in_force: bool
) -> Suppression | None:
    """The list's entry for an E.164 number (only if in force now, with ``in_force``)."""
    query = SuppressionQuery(
        suppression_list_id=list_id, number=number, include_expired=not in_force, limit=1
    )
    found = suppression_service.page(conn, caller=caller, query=query).data
    return found[0] if found else None


def _dncl_page(conn: Conn, *, caller: Caller, query: PageQuery, base: str) -> DoNotCallListPage:
    lists = suppression_service.list_lists(conn, workspace_id=caller.workspace_id)
    start = (query.page - 1) * query.per_page
    return translate.dncl_page(
        lists[start : start + query.per_page],
        total=len(lists),
        page=query.page,
        per_page=query.per_page,
        base=base,
    )


def _create_dncl(
    conn: Conn, *, caller: Caller, body: DoNotCallListCreate, base: str
) -> DoNotCallListCreated:
    name = body.name.strip()
    if not name:
        raise InvalidInput(fields=[FieldError("name", "must not be blank")])
    created = suppression_service.create_list(conn, workspace_id=caller.workspace_id, name=name)
    return translate.dncl_created(created, base)


def _get_dncl(conn: Conn, *, caller: Caller, ref: str, base: str) -> DoNotCallList:
    return translate.dncl_out(_dncl(conn, caller=caller, ref=ref, count=True), base)


def _delete_dncl(conn: Conn, *, caller: Caller, ref: str) -> None:
    dncl = _dncl(conn, caller=caller, ref=ref)
    try:
        suppression_service.delete_list(conn, workspace_id=caller.workspace_id, id=dncl.id)
    except Conflict:
        raise errors.DefaultDoNotCallList(
            f"Do-not-call list {dncl.id} is the workspace's default list and cannot be "
            "deleted; delete its entries instead.",
        ) from None


def _entry_slice(
    conn: Conn, *, caller: Caller, list_id: int, offset: int, limit: int
) -> list[Suppression]:
    """Entries ``offset`` .. ``offset + limit`` of a list (expired ones too), oldest first."""
    rows: list[Suppression] = []
    cursor: str | None = None
    seen = 0
    while seen < offset + limit:
        query = SuppressionQuery(
            suppression_list_id=list_id,
            include_expired=True,
            cursor=cursor,
            limit=min(1000, offset + limit - seen),
        )
        batch = suppression_service.page(conn, caller=caller, query=query)
        for entry in batch.data:
            if seen >= offset:
                rows.append(entry)
            seen += 1
        if batch.next_cursor is None:
            break
        cursor = batch.next_cursor
    return rows


def _entry_page(conn: Conn, *, caller: Caller, ref: str, query: PageQuery, base: str) -> EntryPage:
    dncl = _dncl(conn, caller=caller, ref=ref, count=True)
    offset = (query.page - 1) * query.per_page
    total = dncl.entry_count or 0
    entries = (
        _entry_slice(conn, caller=caller, list_id=dncl.id, offset=offset, limit=query.per_page)
        if offset < total
        else []
    )
    return translate.entry_page(
        entries,
        total=total,
        page=query.page,
        per_page=query.per_page,
        href=f"{translate.dncl_href(base, dncl.id)}/entries",
        base=base,
    )


def _create_entries(
    conn: Conn, *, caller: Caller, ref: str, body: EntryIn | list[Any], base: str
) -> Entry | EntriesCreated:
    """All the entries or none: every bad one is named (``[i].phone_number``)."""
    dncl = _dncl(conn, caller=caller, ref=ref)
    items, problems = translate.entries_in(body)
    today = clock.now().date()
    checked = []
    for prefix, item in items:
        try:
            number = suppression_service.normalize_number(
                item.phone_number, caller, field=f"{prefix}phone_number"
            )
        except InvalidInput as error:
            problems += error.fields
            continue
        expiry = item.expiration_date
        problem = None if expiry is None else translate.expiration_problem(expiry, today)
        if problem is not None:
            problems.append(FieldError(f"{prefix}expiration_date", problem))
            continue
        checked.append(translate.to_suppression(item, number=number, list_id=dncl.id))
    if problems:
        raise InvalidInput(fields=problems)
    stored: dict[int, Suppression] = {}
    created = updated = 0
    for data in checked:
        known = _entry_for_number(
            conn, caller=caller, list_id=dncl.id, number=data.number, in_force=False
        )
        entry = suppression_service.add(conn, caller=caller, data=data, source="dialect")
        stored[entry.id] = entry
        if known is None:
            created += 1
        else:
            updated += 1
    if isinstance(body, EntryIn):
        return translate.entry_out(next(iter(stored.values())), base)
    href = translate.dncl_href(base, dncl.id)
    return EntriesCreated(
        do_not_call_list_id=str(dncl.id),
        total_created=created,
        total_updated=updated,
        links={"self": Link(f"{href}/entries"), "do_not_call_list": Link(href)},
        embedded=EntriesEmbedded(entries=[translate.entry_out(e, base) for e in stored.values()]),
    )


def _get_entry(conn: Conn, *, caller: Caller, ref: str, entry_ref: str, base: str) -> Entry:
    dncl = _dncl(conn, caller=caller, ref=ref)
    return translate.entry_out(_entry(conn, caller=caller, dncl=dncl, ref=entry_ref), base)


def _patch_entry(
    conn: Conn, *, caller: Caller, ref: str, entry_ref: str, ops: list[PatchOp], base: str
) -> Entry:
    dncl = _dncl(conn, caller=caller, ref=ref)
    entry = _entry(conn, caller=caller, dncl=dncl, ref=entry_ref)
    changes = translate.entry_changes(list(enumerate(ops)))  # a bad patch document: 400
    try:
        data = translate.entry_update(changes, today=clock.now().date())
    except InvalidInput as error:  # a patch that leaves an invalid entry: 422
        raise errors.unprocessable_entry(error) from None
    changed = suppression_service.update(conn, caller=caller, id=entry.id, data=data)
    return translate.entry_out(changed, base)


def _update_entries(
    conn: Conn, *, caller: Caller, ref: str, ops: list[PatchOp], base: str
) -> EntriesUpdated:
    dncl = _dncl(conn, caller=caller, ref=ref)
    groups = translate.group_entry_ops(ops)  # a malformed path fails the request: 400
    today = clock.now().date()
    results = [
        _update_one(conn, caller=caller, dncl=dncl, group=group, today=today, base=base)
        for group in groups
    ]
    failed = sum(1 for r in results if r.errors or r.un_allowed_patch is not None)
    href = translate.dncl_href(base, dncl.id)
    return EntriesUpdated(
        do_not_call_list_id=str(dncl.id),
        has_errors=bool(failed),
        total_errors=failed,
        total_updated=len(results) - failed,
        links={"self": Link(f"{href}/entries"), "do_not_call_list": Link(href)},
        embedded=UpdatedEntriesEmbedded(entries=results),
    )


def _update_one(
    conn: Conn,
    *,
    caller: Caller,
    dncl: SuppressionListRead,
    group: translate.EntryOps,
    today: dt.date,
    base: str,
) -> UpdatedEntry:
    """One entry of a multiple-entry update: changed, or left alone with its errors."""
    try:
        entry = _entry(conn, caller=caller, dncl=dncl, ref=group.entry_ref)
    except NotFound:
        return UpdatedEntry(
            id=group.entry_ref, do_not_call_list_id=str(dncl.id), errors=["ENTRY_NOT_FOUND"]
        )
    refused = next((op for _, op in group.ops if not translate.entry_op_allowed(op)), None)
    if refused is not None:
        return translate.updated_entry(entry, base, un_allowed_patch=refused)
    try:
        data = translate.entry_update(translate.entry_changes(group.ops), today=today)
    except InvalidInput as error:
        return translate.updated_entry(entry, base, error=error)
    changed = suppression_service.update(conn, caller=caller, id=entry.id, data=data)
    return translate.updated_entry(changed, base)


def _delete_entry(conn: Conn, *, caller: Caller, ref: str, entry_ref: str) -> None:
    dncl = _dncl(conn, caller=caller, ref=ref)
    entry = _entry(conn, caller=caller, dncl=dncl, ref=entry_ref)
    suppression_service.remove(conn, caller=caller, id=entry.id)


def _delete_entries(
    conn: Conn, *, caller: Caller, ref: str, items: list[EntryDeleteItem], base: str
) -> EntriesDeleted:
    dncl = _dncl(conn, caller=caller, ref=ref)
    translate.check_entry_delete_items(items)  # a malformed item fails the request: 400
    ids: list[int] = []
    failed: list[FailedEntry] = []
    for item in items:
        if item.id is not None:
            try:
                ids.append(_entry(conn, caller=caller, dncl=dncl, ref=str(item.id)).id)
            except NotFound:
                failed.append(_failed_entry(base, dncl, id=str(item.id)))
            continue
        assert item.phone_number is not None
        try:
            number = suppression_service.normalize_number(item.phone_number, caller)
        except InvalidInput as error:
            failed.append(
                _failed_entry(
                    base, dncl, phone_number=item.phone_number, description=_reason(error)
                )
            )
            continue
        found = _entry_for_number(
            conn, caller=caller, list_id=dncl.id, number=number, in_force=False
        )
        if found is None:
            failed.append(_failed_entry(base, dncl, phone_number=item.phone_number))
        else:
            ids.append(found.id)
    deleted = suppression_service.delete(conn, caller=caller, ids=list(dict.fromkeys(ids)))
    href = translate.dncl_href(base, dncl.id)
    return EntriesDeleted(
        id=str(dncl.id),
        has_errors=bool(failed),
        total_deleted=deleted,
        total_errors=len(failed),
        links={
            "self": Link(f"{href}/entries"),
            "record_list": Link(href),  # so named by Talkdesk's schema
            "do_not_call_list": Link(href),
        },
        embedded=FailedEntries(failed_records=failed),
    )


def _failed_entry(
    base: str,
    dncl: SuppressionListRead,
    *,
    id: str | None = None,
    phone_number: str | None = None,
    description: str = "No such entry in this do-not-call list.",
) -> FailedEntry:
    entry_id = translate.parse_id(id) if id is not None else None
    return FailedEntry(
        id=id,
        phone_number=phone_number,
        description=description,
        links=(
            {"self": Link(translate.entry_href(base, dncl.id, entry_id))}
            if entry_id is not None
            else None
        ),
    )


def _query_entries(
    conn: Conn, *, caller: Caller, ref: str, body: EntryQuery, query: PageQuery, base: str
) -> EntryPage:
    """The list's entries in force now for the numbers asked (each number once, in the order
    asked). A ``timezone`` is checked but does not narrow the answer: see the docs."""
    dncl = _dncl(conn, caller=caller, ref=ref)
    problems = translate.check_timezones(body.phone_numbers)
    numbers: list[str] = []
    for index, item in enumerate(body.phone_numbers):
        try:
            numbers.append(
                suppression_service.normalize_number(
                    item.phone_number, caller, field=f"phone_numbers[{index}].phone_number"
                )
            )
        except InvalidInput as error:
            problems += error.fields
    if problems:
        raise InvalidInput(fields=problems)
    found = [
        entry
        for number in dict.fromkeys(numbers)
        if (
            entry := _entry_for_number(
                conn, caller=caller, list_id=dncl.id, number=number, in_force=True
            )
        )
        is not None
    ]
    start = (query.page - 1) * query.per_page
    return translate.entry_page(
        found[start : start + query.per_page],
        total=len(found),
        page=query.page,
        per_page=query.per_page,
        href=f"{translate.dncl_href(base, dncl.id)}/entries/queries",
        base=base,
    )
