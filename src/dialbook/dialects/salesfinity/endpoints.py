"""Salesfinity's API under /compat/salesfinity: contact lists, contacts, custom fields, team.

Each handler runs one use case of ``service.py`` in one transaction; the use case answers in
canonical terms and the handler builds the wire body (``translate``) after the transaction.
"""

from __future__ import annotations

from dialbook.dialects.salesfinity import service, translate
from dialbook.dialects.salesfinity.schemas import (
    AddedContact,
    ContactIn,
    ContactOut,
    CreatedList,
    CsvListDetailPage,
    CsvListsPage,
    CsvListsQuery,
    CustomFieldsOut,
    ListContactsQuery,
    ListCreateIn,
    ListOut,
    ListsPage,
    ListsQuery,
    MergeIn,
    TeamOut,
)
from dialbook.http.routing import Context, Router

router = Router(tag="salesfinity", prefix=f"/compat/{translate.PLATFORM}")

# -- handlers ---------------------------------------------------------------------------


@router.route("POST", "/v1/contact-lists", scope="lists:manage", status=201)
async def post_list(ctx: Context, body: ListCreateIn) -> CreatedList:
    """Create a list, with up to 2,000 contacts: all of them, or nothing when one is bad."""
    created = await ctx.db.write(service.create_list, caller=ctx.caller, body=body)
    return translate.created_list_out(created.lst, created.warnings)


@router.route("GET", "/v1/contact-lists", scope="contacts:read")
async def get_lists(ctx: Context, query: ListsQuery) -> ListsPage:
    """All lists of the workspace, a page at a time."""
    found = await ctx.db.read(service.lists_page, caller=ctx.caller, query=query)
    return translate.lists_page_out(
        found.lists, total=found.total, page=query.page, limit=query.limit
    )


@router.route("GET", "/v1/contact-lists/csv", scope="contacts:read")
async def get_csv_lists(ctx: Context, query: CsvListsQuery) -> CsvListsPage:
    """The lists, searched by name and owner, a page at a time."""
    found = await ctx.db.read(service.csv_lists_page, caller=ctx.caller, query=query)
    return translate.csv_lists_page_out(
        found.lists, total=found.total, page=query.page, limit=query.limit
    )


@router.route("GET", "/v1/contact-lists/csv/{id}", scope="contacts:read")
async def get_csv_list(ctx: Context, query: ListContactsQuery) -> CsvListDetailPage:
    """One list with a page of its contacts."""
    found = await ctx.db.read(
        service.list_detail, caller=ctx.caller, ref=ctx.path("id"), query=query
    )
    return translate.list_detail_out(
        found.lst,
        found.contacts,
        found.fields,
        total=found.total,
        page=query.page,
        limit=query.limit,
    )


@router.route("DELETE", "/v1/contact-lists/csv/{id}", scope="lists:manage")
async def delete_csv_list(ctx: Context) -> ListOut:
    """Delete a list and its contacts."""
    deleted = await ctx.db.write_long(service.delete_list, caller=ctx.caller, ref=ctx.path("id"))
    return translate.list_out(deleted)


@router.route("POST", "/v1/contact-lists/csv/{id}/reimport", scope="lists:manage", status=201)
async def post_reimport(ctx: Context) -> ListOut:
    """Hand the list's waiting contacts to the dial queue."""
    lst = await ctx.db.write_long(service.reimport, caller=ctx.caller, ref=ctx.path("id"))
    return translate.list_out(lst)


@router.route("POST", "/v1/contact-lists/{id}", scope="contacts:write", status=201)
async def post_contact(ctx: Context, body: ContactIn) -> AddedContact:
    """Add a contact to a list (it waits for reimport on lists made here)."""
    added = await ctx.db.write(
        service.add_contact, caller=ctx.caller, ref=ctx.path("id"), body=body
    )
    return translate.added_contact_out(added.contact, added.fields, added.warnings)


@router.route("POST", "/v1/contact-lists/{id}/merge", scope="lists:manage", status=201)
async def post_merge(ctx: Context, body: MergeIn) -> ListOut:
    """Copy the contacts of up to 20 lists into this one; optionally delete those lists."""
    lst = await ctx.db.write_long(service.merge, caller=ctx.caller, ref=ctx.path("id"), body=body)
    return translate.list_out(lst)


@router.route("DELETE", "/v1/contact-lists/{id}/contacts/{contact_id}", scope="contacts:write")
async def delete_contact(ctx: Context) -> ContactOut:
    """Remove a contact from a list (and so from the dial queue)."""
    removed = await ctx.db.write(
        service.remove_contact,
        caller=ctx.caller,
        ref=ctx.path("id"),
        contact_ref=ctx.path("contact_id"),
    )
    return translate.contact_out(removed.contact, removed.fields)


@router.route("GET", "/v1/custom-fields", scope="contacts:read")
async def get_custom_fields(ctx: Context) -> list[CustomFieldsOut]:
    """The workspace's custom field definitions, as one mapping record."""
    workspace, fields = await ctx.db.read(service.custom_fields, caller=ctx.caller)
    return [translate.custom_fields_doc(workspace, fields)]


@router.route("GET", "/v1/team", scope="contacts:read")
async def get_team(ctx: Context) -> TeamOut:
    """The workspace as a team; its API keys as members."""
    workspace, keys = await ctx.db.read(service.team, caller=ctx.caller)
    return translate.team_out(workspace, keys)
