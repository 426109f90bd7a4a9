"""/compat/talkdesk: Talkdesk's Record Lists API on the canonical services.

Handlers are short: each makes one ``ctx.db.read`` / ``ctx.db.write`` call of a use case in
``service.py``, which answers in canonical terms; the handler then builds the wire body and
its links (``translate``) from the request's base URL, after the transaction.

Talkdesk scopes map onto dialbook's: reading needs ``contacts:read``, writing records
``contacts:write``, creating or changing lists ``lists:manage``. Do-not-call lists are the
workspace's suppression lists: reading them (and querying numbers) needs ``contacts:read``,
changing them ``lists:manage``, as on /v1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.responses import Response

from dialbook.dialects.talkdesk import errors, service, translate
from dialbook.dialects.talkdesk.schemas import (
    MAX_BULK,
    BulkCreate,
    BulkCreated,
    BulkDeleted,
    BulkUpdated,
    DeleteItem,
    DoNotCallList,
    DoNotCallListCreate,
    DoNotCallListCreated,
    DoNotCallListPage,
    EntriesCreated,
    EntriesDeleted,
    EntriesUpdated,
    Entry,
    EntryDeleteItem,
    EntryIn,
    EntryPage,
    EntryQuery,
    PageQuery,
    PatchOp,
    Record,
    RecordIn,
    RecordList,
    RecordListCreate,
    RecordListCreated,
    RecordListPage,
    RecordListQuery,
    RecordListUpdate,
    RecordPage,
)
from dialbook.errors import FieldError, PayloadTooLarge
from dialbook.http.routing import Context, Router

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
    lst = await ctx.db.write(service.create_list, caller=ctx.caller, body=body)
    return translate.record_list_created(lst, _base(ctx))


@router.route("GET", "/record-lists", scope="contacts:read")
async def list_record_lists(ctx: Context, query: RecordListQuery) -> RecordListPage:
    """The workspace's record lists, oldest first, page by page."""
    found = await ctx.db.read(service.list_page, caller=ctx.caller, query=query)
    return translate.record_list_page(
        found.items,
        total=found.total,
        page=query.page,
        per_page=query.per_page,
        base=_base(ctx),
        name=query.name,
        status=query.status,
    )


@router.route("GET", "/record-lists/{id}", scope="contacts:read")
async def get_record_list(ctx: Context) -> RecordList:
    """A record list with its record count."""
    lst = await ctx.db.read(service.get_list, caller=ctx.caller, ref=ctx.path("id"))
    return translate.record_list_out(lst, _base(ctx))


@router.route("PATCH", "/record-lists/{id}", scope="lists:manage", optional_body=True)
async def update_record_list(ctx: Context, body: RecordListUpdate) -> RecordList:
    """Rename a record list or change its unique_identifier_type (an empty body is a no-op)."""
    lst = await ctx.db.write(service.update_list, caller=ctx.caller, ref=ctx.path("id"), body=body)
    return translate.record_list_out(lst, _base(ctx))


# -- records (bulk routes first: "bulks" is not a record id) ------------------------------


@router.route("POST", "/record-lists/{id}/records/bulks", scope="contacts:write", status=201)
async def create_records(ctx: Context, body: BulkCreate) -> BulkCreated:
    """Create up to 100 records; bad ones are reported, good ones created."""
    _at_most(body.records, "records")
    result = await ctx.db.write_long(
        service.create_records, caller=ctx.caller, ref=ctx.path("id"), body=body
    )
    return translate.bulk_created(result, _base(ctx), errors.record_error)


@router.route("PATCH", "/record-lists/{id}/records/bulks", scope="contacts:write")
async def update_records(ctx: Context, body: list[PatchOp]) -> BulkUpdated:
    """JSON Patch operations on /records/{record_id}; each record succeeds or fails alone."""
    _at_most(body, "body")
    result = await ctx.db.write_long(
        service.update_records, caller=ctx.caller, ref=ctx.path("id"), ops=body
    )
    return translate.bulk_updated(result, _base(ctx), errors.record_error)


@router.route("DELETE", "/record-lists/{id}/records/bulks", scope="contacts:write")
async def delete_records(ctx: Context, body: list[DeleteItem]) -> BulkDeleted:
    """Delete records by id, by phone number or by external provider and id."""
    _at_most(body, "body")
    result = await ctx.db.write_long(
        service.delete_records, caller=ctx.caller, ref=ctx.path("id"), items=body
    )
    return translate.bulk_deleted(result, _base(ctx), errors.reason)


@router.route("POST", "/record-lists/{id}/records", scope="contacts:write", status=201)
async def create_record(ctx: Context, body: RecordIn) -> Record:
    """Create a record; 409 when the list's unique_identifier_type finds a duplicate."""
    contact = await ctx.db.write(
        service.create_record, caller=ctx.caller, ref=ctx.path("id"), record=body
    )
    return translate.record_out(contact, _base(ctx))


@router.route("GET", "/record-lists/{id}/records", scope="contacts:read")
async def list_records(ctx: Context, query: PageQuery) -> RecordPage:
    """The list's records, oldest first, page by page."""
    lst, found = await ctx.db.read(
        service.record_page, caller=ctx.caller, ref=ctx.path("id"), query=query
    )
    return translate.record_page(
        found.items,
        total=found.total,
        page=query.page,
        per_page=query.per_page,
        base=_base(ctx),
        list_id=lst.id,
    )


@router.route("GET", "/record-lists/{id}/records/{record_id}", scope="contacts:read")
async def get_record(ctx: Context) -> Record:
    """One record (not in Talkdesk's reference; seen in third-party clients)."""
    contact = await ctx.db.read(
        service.get_record, caller=ctx.caller, ref=ctx.path("id"), record_ref=ctx.path("record_id")
    )
    return translate.record_out(contact, _base(ctx))


@router.route("PATCH", "/record-lists/{id}/records/{record_id}", scope="contacts:write")
async def update_record(ctx: Context, body: list[PatchOp]) -> Record:
    """Apply a JSON Patch (RFC 6902: add, replace, remove) to a record."""
    contact = await ctx.db.write(
        service.patch_record,
        caller=ctx.caller,
        ref=ctx.path("id"),
        record_ref=ctx.path("record_id"),
        ops=body,
    )
    return translate.record_out(contact, _base(ctx))


@router.route("DELETE", "/record-lists/{id}/records/{record_id}", scope="contacts:write")
async def delete_record(ctx: Context) -> Response:
    """Delete one record (not in Talkdesk's reference; seen in third-party clients)."""
    await ctx.db.write(
        service.delete_record,
        caller=ctx.caller,
        ref=ctx.path("id"),
        record_ref=ctx.path("record_id"),
    )
    return Response(status_code=204)


# -- do-not-call lists (entry routes on /entries before /entries/{entry_id}) ---------------


@router.route("GET", "/do-not-call-lists", scope="contacts:read")
async def list_dnc_lists(ctx: Context, query: PageQuery) -> DoNotCallListPage:
    """The workspace's do-not-call lists, the default one first, page by page."""
    # A write: the workspace's default suppression list is created on first use.
    found = await ctx.db.write(service.dncl_page, caller=ctx.caller, query=query)
    return translate.dncl_page(
        found.items, total=found.total, page=query.page, per_page=query.per_page, base=_base(ctx)
    )


@router.route("POST", "/do-not-call-lists", scope="lists:manage", status=201)
async def create_dnc_list(ctx: Context, body: DoNotCallListCreate) -> DoNotCallListCreated:
    """Create a do-not-call list (CSV upload is not offered: signed_url is null)."""
    dncl = await ctx.db.write(service.create_dncl, caller=ctx.caller, body=body)
    return translate.dncl_created(dncl, _base(ctx))


@router.route("GET", "/do-not-call-lists/{id}", scope="contacts:read")
async def get_dnc_list(ctx: Context) -> DoNotCallList:
    """A do-not-call list with its entry count."""
    dncl = await ctx.db.read(service.get_dncl, caller=ctx.caller, ref=ctx.path("id"))
    return translate.dncl_out(dncl, _base(ctx))


@router.route("DELETE", "/do-not-call-lists/{id}", scope="lists:manage")
async def delete_dnc_list(ctx: Context) -> Response:
    """Delete a do-not-call list and its entries (not the workspace's default one: 409)."""
    await ctx.db.write_long(service.delete_dncl, caller=ctx.caller, ref=ctx.path("id"))
    return Response(status_code=204)


@router.route("POST", "/do-not-call-lists/{id}/entries/queries", scope="contacts:read")
async def query_entries(ctx: Context, body: EntryQuery, query: PageQuery) -> EntryPage:
    """The list's entries in force for these phone numbers (any format)."""
    _at_most(body.phone_numbers, "phone_numbers")
    dncl, found = await ctx.db.read(
        service.query_entries, caller=ctx.caller, ref=ctx.path("id"), body=body, query=query
    )
    base = _base(ctx)
    return translate.entry_page(
        found.items,
        total=found.total,
        page=query.page,
        per_page=query.per_page,
        href=f"{translate.dncl_href(base, dncl.id)}/entries/queries",
        base=base,
    )


@router.route("GET", "/do-not-call-lists/{id}/entries", scope="contacts:read")
async def list_entries(ctx: Context, query: PageQuery) -> EntryPage:
    """The list's entries (expired ones too), oldest first, page by page."""
    dncl, found = await ctx.db.read(
        service.entry_page, caller=ctx.caller, ref=ctx.path("id"), query=query
    )
    base = _base(ctx)
    return translate.entry_page(
        found.items,
        total=found.total,
        page=query.page,
        per_page=query.per_page,
        href=f"{translate.dncl_href(base, dncl.id)}/entries",
        base=base,
    )


@router.route("POST", "/do-not-call-lists/{id}/entries", scope="lists:manage", status=201)
async def create_entries(ctx: Context, body: EntryIn | list[Any]) -> Entry | EntriesCreated:
    """Add a number (or a list of up to 100, all or none); a listed number is refreshed."""
    if isinstance(body, list):
        _at_most(body, "body")
    result = await ctx.db.write_long(
        service.create_entries, caller=ctx.caller, ref=ctx.path("id"), body=body
    )
    if isinstance(body, EntryIn):
        return translate.entry_out(result.entries[0], _base(ctx))
    return translate.entries_created(result, _base(ctx))


@router.route("PATCH", "/do-not-call-lists/{id}/entries", scope="lists:manage")
async def update_entries(ctx: Context, body: list[PatchOp]) -> EntriesUpdated:
    """JSON Patch operations on /{entry_id}/expiration_date or /reason; each entry alone."""
    _at_most(body, "body")
    dncl, results = await ctx.db.write_long(
        service.update_entries, caller=ctx.caller, ref=ctx.path("id"), ops=body
    )
    return translate.entries_updated(dncl, results, _base(ctx))


@router.route("DELETE", "/do-not-call-lists/{id}/entries", scope="lists:manage")
async def delete_entries(ctx: Context, body: list[EntryDeleteItem]) -> EntriesDeleted:
    """Delete entries by id (or by phone number)."""
    _at_most(body, "body")
    result = await ctx.db.write_long(
        service.delete_entries, caller=ctx.caller, ref=ctx.path("id"), items=body
    )
    return translate.entries_deleted(result, _base(ctx), errors.reason)


@router.route("GET", "/do-not-call-lists/{id}/entries/{entry_id}", scope="contacts:read")
async def get_entry(ctx: Context) -> Entry:
    """One entry (not in Talkdesk's reference: where an entry's _links.self points)."""
    entry = await ctx.db.read(
        service.get_entry, caller=ctx.caller, ref=ctx.path("id"), entry_ref=ctx.path("entry_id")
    )
    return translate.entry_out(entry, _base(ctx))


@router.route("PATCH", "/do-not-call-lists/{id}/entries/{entry_id}", scope="lists:manage")
async def update_entry(ctx: Context, body: list[PatchOp]) -> Entry:
    """Apply a JSON Patch (add, replace, remove) to an entry's expiration_date or reason."""
    entry = await ctx.db.write(
        service.patch_entry,
        caller=ctx.caller,
        ref=ctx.path("id"),
        entry_ref=ctx.path("entry_id"),
        ops=body,
    )
    return translate.entry_out(entry, _base(ctx))


@router.route("DELETE", "/do-not-call-lists/{id}/entries/{entry_id}", scope="lists:manage")
async def delete_entry(ctx: Context) -> Response:
    """Delete one entry (not in Talkdesk's reference, which deletes in bulk)."""
    await ctx.db.write(
        service.delete_entry, caller=ctx.caller, ref=ctx.path("id"), entry_ref=ctx.path("entry_id")
    )
    return Response(status_code=204)
