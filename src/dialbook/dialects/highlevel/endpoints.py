"""HighLevel (LeadConnector) contacts API under /compat/highlevel.

A location is the caller's workspace (named by its id, its name or its ``highlevel``
alias); its contacts live in the workspace's default list, whose duplicate policy is the
location's "Allow Duplicate Contact" setting (key "none" allows duplicates).

Handlers take the decoded wire Structs (the router's BodyPolicy reads them), make one
``ctx.db`` call and return the answer. The functions named ``_op_*`` are what that call
runs: a few canonical service calls in one transaction (the location check, then the
operation), so nothing is half-written.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import msgspec
from starlette.requests import Request

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery, UpsertResult
from dialbook.db import Conn
from dialbook.dialects.highlevel import schemas as wire
from dialbook.dialects.highlevel import translate
from dialbook.dialects.highlevel.errors import NO_LOCATION_ACCESS, VersionHeaderError
from dialbook.dialects.highlevel.translate import LocationView
from dialbook.errors import DuplicateContact, Forbidden, InvalidInput, NotFound
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldCreate, FieldRead
from dialbook.http.body import BodyPolicy
from dialbook.http.routing import Context, Router
from dialbook.kit import cursors
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller

# Upsert and create look for an existing contact by email first, then by phone.
MATCH_ORDER = ("email", "phone")
COUNT_PAGE = 500


def check_version(request: Request) -> None:
    """HighLevel requires a published ``Version`` header on every call (401 otherwise)."""
    value = (request.headers.get("version") or "").strip()
    if not value:
        raise VersionHeaderError("version header was not found.")
    if value not in wire.VERSIONS:
        raise VersionHeaderError("version header is invalid")


def _invalid(unknown: list[str], error: msgspec.ValidationError | None, type_: Any) -> InvalidInput:
    """One line per problem, as HighLevel's class-validator writes them (422)."""
    messages = [f"property {name} should not exist" for name in unknown]
    if error is not None:
        messages.append(translate.describe(str(error)))
    return translate.problems(messages)


router = Router(
    tag="highlevel",
    prefix="/compat/highlevel",
    checks=[check_version],
    # Like HighLevel's whitelisting validator: every unknown member or parameter is named,
    # and an empty body is an empty object (so it lacks the required members).
    bodies=BodyPolicy(
        empty_is_object=True, refuse_unknown=True, refuse_unknown_params=True, invalid=_invalid
    ),
    headers=wire.VersionHeader,
)

Handler = Callable[..., Awaitable[Any]]


def route(method: str, path: str, *, scope: str, status: int = 200) -> Callable[[Handler], Handler]:
    """Declare ``path`` with and without a trailing slash (clients use both; OpenAPI shows
    the first)."""

    def decorate(handler: Handler) -> Handler:
        for variant in (path, path + "/"):
            router.route(method, variant, scope=scope, status=status)(handler)
        return handler

    return decorate


def _v3(ctx: Context) -> bool:
    return (ctx.request.headers.get("version") or "").strip() == "v3"


def _contact_id(ctx: Context) -> int:
    raw = ctx.path("contactId")
    found = translate.contact_id(raw)
    if found is None:
        raise NotFound(f"No contact with id {raw}.")
    return found


# --- transactions ------------------------------------------------------------------------


def _location(
    conn: Conn, *, caller: Caller, location_id: str | None, fields: bool = False
) -> tuple[LocationView, ListRead]:
    """The caller's location (403 when ``location_id`` names another) and its list; with
    ``fields``, its custom field definitions too."""
    workspace = workspace_service.get_workspace(conn, caller=caller, id=caller.workspace_id)
    if location_id is not None and not workspace.known_as(translate.PLATFORM, location_id):
        raise Forbidden(NO_LOCATION_ACCESS)
    default = list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=None)
    definitions = field_service.list_all(conn, workspace_id=caller.workspace_id) if fields else None
    return translate.location_view(workspace, default, definitions), default


def _described(
    conn: Conn, *, caller: Caller, loc: LocationView, contacts: Iterable[Contact | None]
) -> LocationView:
    """``loc`` with the custom field definitions when a contact to answer with has values."""
    if loc.fields_loaded or not any(c is not None and c.custom_fields for c in contacts):
        return loc
    definitions = field_service.list_all(conn, workspace_id=caller.workspace_id)
    return translate.with_fields(loc, definitions)


def _wants_fields(data: wire.ContactFieldsIn) -> bool:
    return bool(data.customFields)


def _op_create(
    conn: Conn, *, caller: Caller, data: wire.ContactCreateIn
) -> tuple[Contact, LocationView]:
    loc, default = _location(
        conn, caller=caller, location_id=data.locationId, fields=_wants_fields(data)
    )
    contact = contact_service.create(
        conn,
        caller=caller,
        given=translate.create_given(data, loc),
        match_on=[] if loc.allows_duplicates else list(MATCH_ORDER),
        lst=default,
    )
    return contact, _described(conn, caller=caller, loc=loc, contacts=[contact])


def _op_upsert(
    conn: Conn, *, caller: Caller, data: wire.ContactUpsertIn
) -> tuple[UpsertResult, LocationView]:
    loc, default = _location(
        conn, caller=caller, location_id=data.locationId, fields=_wants_fields(data)
    )
    given = translate.update_given(data, loc)
    if data.createNewIfDuplicateAllowed and loc.allows_duplicates:
        contact = contact_service.create(conn, caller=caller, given=given, match_on=[], lst=default)
        loc = _described(conn, caller=caller, loc=loc, contacts=[contact])
        return UpsertResult(created=True, contact=contact), loc
    result, given = _upsert_matching_first(conn, caller=caller, given=given)
    if not result.created and "phones" in given:
        phones = translate.primary_phones(given["phones"], result.contact.phones)
        if phones is not None:
            contact = contact_service.update(
                conn, caller=caller, id=result.contact.id, given={"phones": phones}
            )
            result = UpsertResult(created=False, contact=contact, matched_on=result.matched_on)
    return result, _described(conn, caller=caller, loc=loc, contacts=[result.contact])


def _upsert_matching_first(
    conn: Conn, *, caller: Caller, given: dict[str, Any]
) -> tuple[UpsertResult, dict[str, Any]]:
    """HighLevel updates the contact matching the first field of its sequence and ignores
    a second field that belongs to another contact; so a value that would make the
    matched contact a duplicate of another is dropped and the upsert tried again (nothing
    is written before the duplicate check fails). Returns the fields that were applied."""
    fields = {"phone": "phones", "email": "email"}
    while True:
        try:
            result = contact_service.upsert(
                conn, caller=caller, given=given, match_on=list(MATCH_ORDER)
            )
            return result, given
        except DuplicateContact as duplicate:
            field = fields.get(duplicate.matching_field)
            if field is None or field not in given:
                raise
            given = {k: v for k, v in given.items() if k != field}


def _op_get(conn: Conn, *, caller: Caller, id: int) -> tuple[Contact, LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=None)
    contact = contact_service.get(conn, caller=caller, id=id)
    return contact, _described(conn, caller=caller, loc=loc, contacts=[contact])


def _op_update(
    conn: Conn, *, caller: Caller, id: int, data: wire.ContactUpdateIn
) -> tuple[Contact, LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=None, fields=_wants_fields(data))
    existing = contact_service.get(conn, caller=caller, id=id)
    given = translate.update_given(data, loc)
    if "phones" in given:
        phones = translate.primary_phones(given.pop("phones"), existing.phones)
        if phones is not None:
            given["phones"] = phones
    contact = contact_service.update(conn, caller=caller, id=id, given=given)
    return contact, _described(conn, caller=caller, loc=loc, contacts=[contact])


def _op_list(
    conn: Conn, *, caller: Caller, query: wire.ContactListQuery
) -> tuple[list[Contact], bool, int, LocationView]:
    loc, default = _location(conn, caller=caller, location_id=query.locationId)
    after = translate.start_after_id(query.startAfterId)
    text = query.query.strip() if query.query and query.query.strip() else None
    page = contact_service.page(
        conn,
        caller=caller,
        query=ContactQuery(
            list_id=default.id,
            q=text,
            cursor=None if after is None else cursors.encode(after),
            limit=query.limit,
        ),
    )
    total = _total(conn, caller, default, text)
    loc = _described(conn, caller=caller, loc=loc, contacts=page.data)
    return page.data, page.next_cursor is not None, total, loc


def _total(conn: Conn, caller: Caller, default: ListRead, text: str | None) -> int:
    """How many contacts the listing has in all (``meta.total``; clients page until they
    have that many)."""
    if text is None:
        lst = list_service.get(conn, workspace_id=caller.workspace_id, id=default.id)
        return lst.contact_count or 0
    total, cursor = 0, None
    while True:
        page = contact_service.page(
            conn,
            caller=caller,
            query=ContactQuery(list_id=default.id, q=text, cursor=cursor, limit=COUNT_PAGE),
        )
        total += len(page.data)
        if page.next_cursor is None:
            return total
        cursor = page.next_cursor


def _op_duplicate(
    conn: Conn, *, caller: Caller, query: wire.DuplicateQuery
) -> tuple[Contact | None, LocationView]:
    """The contact an upsert with this email / number would update (email first)."""
    loc, default = _location(conn, caller=caller, location_id=query.locationId)
    list_id = default.id if default.duplicate_policy.scope == "list" else None
    email, number = (query.email or "").strip(), (query.number or "").strip()
    searches = [ContactQuery(list_id=list_id, email=email, limit=1)] if email else []
    searches += [ContactQuery(list_id=list_id, phone=number, limit=1)] if number else []
    for search in searches:
        page = contact_service.page(conn, caller=caller, query=search)
        if page.data:
            return page.data[0], _described(conn, caller=caller, loc=loc, contacts=page.data)
    return None, loc


def _op_fields(
    conn: Conn, *, caller: Caller, location_id: str
) -> tuple[list[FieldRead], LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=location_id)
    return field_service.list_all(conn, workspace_id=caller.workspace_id), loc


def _op_create_field(
    conn: Conn, *, caller: Caller, location_id: str, data: FieldCreate
) -> tuple[FieldRead, LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=location_id)
    return field_service.create(conn, workspace_id=caller.workspace_id, data=data), loc


def _op_location_tags(
    conn: Conn, *, caller: Caller, location_id: str
) -> tuple[list[str], LocationView]:
    loc, default = _location(conn, caller=caller, location_id=location_id)
    in_use = contact_service.tags_in_use(conn, caller=caller)
    return [*translate.registered_tags(default.dialect_settings), *in_use], loc


def _op_create_tag(conn: Conn, *, caller: Caller, location_id: str, name: str) -> LocationView:
    loc, default = _location(conn, caller=caller, location_id=location_id)
    settings = translate.with_registered_tag(default.dialect_settings, name)
    if settings is not None:
        list_service.set_dialect_settings(conn, caller=caller, id=default.id, settings=settings)
    return loc


# --- contacts ----------------------------------------------------------------------------


@route("POST", "/contacts", scope="contacts:write", status=201)
async def create_contact(ctx: Context, body: wire.ContactCreateIn) -> wire.ContactBody:
    """Create a contact; 400 with the existing contact when the location disallows
    duplicates and one has the email (or else the phone)."""
    contact, loc = await ctx.db.write(_op_create, caller=ctx.caller, data=body)
    return wire.ContactBody(contact=translate.contact_out(contact, loc, v3=_v3(ctx), iso_dob=True))


@route("POST", "/contacts/upsert", scope="contacts:write")
async def upsert_contact(ctx: Context, body: wire.ContactUpsertIn) -> wire.UpsertBody:
    """Update the contact with this email (else phone), or create one; tags are replaced."""
    result, loc = await ctx.db.write(_op_upsert, caller=ctx.caller, data=body)
    out = translate.contact_out(result.contact, loc, v3=_v3(ctx))
    return wire.UpsertBody(new=result.created, contact=out, traceId=_trace())


@route("GET", "/contacts", scope="contacts:read")
async def list_contacts(ctx: Context, query: wire.ContactListQuery) -> wire.ContactListBody:
    """The location's contacts, oldest first, paged by startAfterId (limit <= 100)."""
    contacts, more, total, loc = await ctx.db.read(_op_list, caller=ctx.caller, query=query)
    base = str(ctx.request.url.replace(query=""))
    return translate.list_body(
        contacts,
        loc,
        total=total,
        more=more,
        next_url=lambda params: translate.url_with(base, params),
        limit=query.limit,
        v3=_v3(ctx),
    )


@route("GET", "/contacts/search/duplicate", scope="contacts:read")
async def find_duplicate(ctx: Context, query: wire.DuplicateQuery) -> wire.DuplicateBody:
    """The contact that has this email, else this number; ``{"contact": null}`` if none."""
    if not (query.email or "").strip() and not (query.number or "").strip():
        raise translate.problems(["number or email should not be empty"])
    contact, loc = await ctx.db.read(_op_duplicate, caller=ctx.caller, query=query)
    out = None if contact is None else translate.contact_out(contact, loc, v3=_v3(ctx))
    return wire.DuplicateBody(contact=out)


@route("GET", "/contacts/{contactId}", scope="contacts:read")
async def get_contact(ctx: Context) -> wire.ContactBody:
    """Get a contact."""
    contact, loc = await ctx.db.read(_op_get, caller=ctx.caller, id=_contact_id(ctx))
    return wire.ContactBody(contact=translate.contact_out(contact, loc, v3=_v3(ctx)))


@route("PUT", "/contacts/{contactId}", scope="contacts:write")
async def update_contact(ctx: Context, body: wire.ContactUpdateIn) -> wire.UpdatedBody:
    """Change the fields sent; ``tags`` replaces all tags."""
    id = _contact_id(ctx)
    contact, loc = await ctx.db.write(_op_update, caller=ctx.caller, id=id, data=body)
    out = translate.contact_out(contact, loc, v3=_v3(ctx))
    return wire.UpdatedBody(succeded=True, succeeded=True, contact=out)


@route("DELETE", "/contacts/{contactId}", scope="contacts:write")
async def delete_contact(ctx: Context) -> wire.DeletedBody:
    """Delete a contact."""
    await ctx.db.write(contact_service.delete, caller=ctx.caller, id=_contact_id(ctx))
    return wire.DeletedBody(succeded=True, succeeded=True)


@route("POST", "/contacts/{contactId}/tags", scope="contacts:write", status=201)
async def add_tags(ctx: Context, body: wire.TagsIn) -> wire.TagsBody:
    """Add tags to a contact."""
    id = _contact_id(ctx)
    contact = await ctx.db.write(
        contact_service.change_tags, caller=ctx.caller, id=id, add=body.tags
    )
    return wire.TagsBody(tags=contact.tags)


@route("DELETE", "/contacts/{contactId}/tags", scope="contacts:write")
async def remove_tags(ctx: Context, body: wire.TagsIn) -> wire.TagsBody:
    """Remove tags from a contact."""
    id = _contact_id(ctx)
    contact = await ctx.db.write(
        contact_service.change_tags, caller=ctx.caller, id=id, remove=body.tags
    )
    return wire.TagsBody(tags=contact.tags)


def _trace() -> str:
    return str(uuid.uuid4())


# --- location custom fields and tags -----------------------------------------------------


@route("GET", "/locations/{locationId}/customFields", scope="contacts:read")
async def list_fields(ctx: Context, query: wire.FieldListQuery) -> wire.CustomFieldListBody:
    """The location's contact custom field definitions."""
    fields, loc = await ctx.db.read(
        _op_fields, caller=ctx.caller, location_id=ctx.path("locationId")
    )
    shown = [] if query.model == "opportunity" else fields
    return wire.CustomFieldListBody(customFields=[translate.field_out(f, loc) for f in shown])


@route("POST", "/locations/{locationId}/customFields", scope="lists:manage", status=201)
async def create_field(ctx: Context, body: wire.CustomFieldCreateIn) -> wire.CustomFieldBody:
    """Define a contact custom field (its key comes from fieldKey, else from the name)."""
    data = translate.field_create(body)
    field, loc = await ctx.db.write(
        _op_create_field, caller=ctx.caller, location_id=ctx.path("locationId"), data=data
    )
    return wire.CustomFieldBody(customField=translate.field_out(field, loc))


@route("GET", "/locations/{locationId}/tags", scope="contacts:read")
async def list_location_tags(ctx: Context, query: wire.NoQuery) -> wire.LocationTagListBody:
    """Tags created for the location and every tag on its contacts."""
    names, loc = await ctx.db.read(
        _op_location_tags, caller=ctx.caller, location_id=ctx.path("locationId")
    )
    return wire.LocationTagListBody(tags=translate.location_tags(names, loc))


@route("POST", "/locations/{locationId}/tags", scope="lists:manage")
async def create_location_tag(ctx: Context, body: wire.TagCreateIn) -> wire.LocationTagBody:
    """Create a location tag (creating one that exists returns it)."""
    name = translate.tag_name(body)
    loc = await ctx.db.write(
        _op_create_tag, caller=ctx.caller, location_id=ctx.path("locationId"), name=name
    )
    tag = translate.location_tags([name], loc)[0]
    return wire.LocationTagBody(tag=tag)
