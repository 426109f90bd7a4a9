"""/compat/talkdesk: Talkdesk's Record Lists API on the canonical services.

Handlers are short: each makes one ``ctx.db.read`` / ``ctx.db.write`` call of a use-case
function below (plain functions of a connection that combine canonical service calls and
the pure translations; no SQL). Talkdesk scopes map onto dialbook's: reading needs
``contacts:read``, writing records ``contacts:write``, creating or changing lists
``lists:manage``.
"""

from __future__ import annotations

from collections.abc import Sequence

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
)
from dialbook.errors import (
    DialbookError,
    DuplicateContact,
    FieldError,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
)
from dialbook.fields import service as field_service
from dialbook.http.body import decode_json
from dialbook.http.routing import Context, Router
from dialbook.lists import service as list_service
from dialbook.lists.schemas import (
    DuplicateKey,
    DuplicatePolicy,
    ListCreate,
    ListRead,
    ListUpdate,
)
from dialbook.normalize.phones import PhoneError, parse_phone
from dialbook.workspaces.schemas import Caller

router = Router(tag="talkdesk", prefix=translate.PREFIX)


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


@router.route("PATCH", "/record-lists/{id}", scope="lists:manage", raw_body=True)
async def update_record_list(ctx: Context, body: bytes) -> RecordList:
    """Rename a record list or change its unique_identifier_type (an empty body is a no-op)."""
    changes = decode_json(body, RecordListUpdate) if body.strip() else RecordListUpdate()
    return await ctx.db.write(
        _update_list, caller=ctx.caller, ref=ctx.path("id"), body=changes, base=_base(ctx)
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
    lst = list_service.create(conn, workspace_id=caller.workspace_id, data=data)
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
    list_service.update(conn, workspace_id=caller.workspace_id, id=lst.id, data=data)
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


def _define_fields(conn: Conn, *, caller: Caller, inbound: translate.Inbound) -> None:
    """Workspace custom fields for the extra_data keys that are not contact fields."""
    for label in inbound.custom_labels().values():
        field_service.define_by_label(
            conn, workspace_id=caller.workspace_id, label=label, type="string"
        )


def _insert(conn: Conn, *, caller: Caller, lst: ListRead, record: RecordIn) -> Contact:
    inbound = translate.record_to_given(
        record, external_required=lst.duplicate_policy.key == "external_id"
    )
    data = translate.to_create(inbound, list_id=lst.id)
    _define_fields(conn, caller=caller, inbound=inbound)
    try:
        return contact_service.create(conn, caller=caller, data=data)
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
            number = parse_phone(item.phone_number, [lst.default_region, caller.default_region])
        except PhoneError as error:
            raise InvalidInput(fields=[FieldError("phone_number", str(error))]) from None
        columns: dict[str, object] = {"phones": [{"number": number.number}]}
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
