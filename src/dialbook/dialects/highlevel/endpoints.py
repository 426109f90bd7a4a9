"""HighLevel (LeadConnector) contacts API under /compat/highlevel.

A location is the caller's workspace (named by its id, its name or its ``highlevel``
alias); its contacts live in the workspace's default list, whose duplicate policy is the
location's "Allow Duplicate Contact" setting (key "none" allows duplicates).

Handlers take the decoded wire Structs (the router's BodyPolicy reads them), make one
``ctx.db`` call and return the answer. The call runs a use case of ``service.py``: a few canonical
service calls in one transaction (the location check, then the operation), so nothing is
half-written.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from starlette.requests import Request

from dialbook.dialects.highlevel import schemas as wire
from dialbook.dialects.highlevel import service, translate
from dialbook.dialects.highlevel.errors import VersionHeaderError
from dialbook.errors import InvalidInput, NotFound
from dialbook.http.body import BodyPolicy
from dialbook.http.routing import Context, Router


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


# --- contacts ----------------------------------------------------------------------------


@route("POST", "/contacts", scope="contacts:write", status=201)
async def create_contact(ctx: Context, body: wire.ContactCreateIn) -> wire.ContactBody:
    """Create a contact; 400 with the existing contact when the location disallows
    duplicates and one has the email (or else the phone)."""
    contact, loc = await ctx.db.write(service.create, caller=ctx.caller, data=body)
    return wire.ContactBody(contact=translate.contact_out(contact, loc, v3=_v3(ctx), iso_dob=True))


@route("POST", "/contacts/upsert", scope="contacts:write")
async def upsert_contact(ctx: Context, body: wire.ContactUpsertIn) -> wire.UpsertBody:
    """Update the contact with this email (else phone), or create one; tags are replaced."""
    result, loc = await ctx.db.write(service.upsert, caller=ctx.caller, data=body)
    out = translate.contact_out(result.contact, loc, v3=_v3(ctx))
    return wire.UpsertBody(new=result.created, contact=out, traceId=_trace())


@route("GET", "/contacts", scope="contacts:read")
async def list_contacts(ctx: Context, query: wire.ContactListQuery) -> wire.ContactListBody:
    """The location's contacts, oldest first, paged by startAfterId (limit <= 100)."""
    contacts, more, total, loc = await ctx.db.read(service.page, caller=ctx.caller, query=query)
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
    contact, loc = await ctx.db.read(service.duplicate, caller=ctx.caller, query=query)
    out = None if contact is None else translate.contact_out(contact, loc, v3=_v3(ctx))
    return wire.DuplicateBody(contact=out)


@route("GET", "/contacts/{contactId}", scope="contacts:read")
async def get_contact(ctx: Context) -> wire.ContactBody:
    """Get a contact."""
    contact, loc = await ctx.db.read(service.get, caller=ctx.caller, id=_contact_id(ctx))
    return wire.ContactBody(contact=translate.contact_out(contact, loc, v3=_v3(ctx)))


@route("PUT", "/contacts/{contactId}", scope="contacts:write")
async def update_contact(ctx: Context, body: wire.ContactUpdateIn) -> wire.UpdatedBody:
    """Change the fields sent; ``tags`` replaces all tags."""
    id = _contact_id(ctx)
    contact, loc = await ctx.db.write(service.update, caller=ctx.caller, id=id, data=body)
    out = translate.contact_out(contact, loc, v3=_v3(ctx))
    return wire.UpdatedBody(succeded=True, succeeded=True, contact=out)


@route("DELETE", "/contacts/{contactId}", scope="contacts:write")
async def delete_contact(ctx: Context) -> wire.DeletedBody:
    """Delete a contact."""
    await ctx.db.write(service.delete, caller=ctx.caller, id=_contact_id(ctx))
    return wire.DeletedBody(succeded=True, succeeded=True)


@route("POST", "/contacts/{contactId}/tags", scope="contacts:write", status=201)
async def add_tags(ctx: Context, body: wire.TagsIn) -> wire.TagsBody:
    """Add tags to a contact."""
    id = _contact_id(ctx)
    tags = await ctx.db.write(service.change_tags, caller=ctx.caller, id=id, add=body.tags)
    return wire.TagsBody(tags=tags)


@route("DELETE", "/contacts/{contactId}/tags", scope="contacts:write")
async def remove_tags(ctx: Context, body: wire.TagsIn) -> wire.TagsBody:
    """Remove tags from a contact."""
    id = _contact_id(ctx)
    tags = await ctx.db.write(service.change_tags, caller=ctx.caller, id=id, remove=body.tags)
    return wire.TagsBody(tags=tags)


def _trace() -> str:
    return str(uuid.uuid4())


# --- location custom fields and tags -----------------------------------------------------


@route("GET", "/locations/{locationId}/customFields", scope="contacts:read")
async def list_fields(ctx: Context, query: wire.FieldListQuery) -> wire.CustomFieldListBody:
    """The location's contact custom field definitions."""
    fields, loc = await ctx.db.read(
        service.fields, caller=ctx.caller, location_id=ctx.path("locationId")
    )
    shown = [] if query.model == "opportunity" else fields
    return wire.CustomFieldListBody(customFields=[translate.field_out(f, loc) for f in shown])


@route("POST", "/locations/{locationId}/customFields", scope="lists:manage", status=201)
async def create_field(ctx: Context, body: wire.CustomFieldCreateIn) -> wire.CustomFieldBody:
    """Define a contact custom field (its key comes from fieldKey, else from the name)."""
    data = translate.field_create(body)
    field, loc = await ctx.db.write(
        service.create_field, caller=ctx.caller, location_id=ctx.path("locationId"), data=data
    )
    return wire.CustomFieldBody(customField=translate.field_out(field, loc))


@route("GET", "/locations/{locationId}/tags", scope="contacts:read")
async def list_location_tags(ctx: Context, query: wire.NoQuery) -> wire.LocationTagListBody:
    """Tags created for the location and every tag on its contacts."""
    names, loc = await ctx.db.read(
        service.location_tags, caller=ctx.caller, location_id=ctx.path("locationId")
    )
    return wire.LocationTagListBody(tags=translate.location_tags(names, loc))


@route("POST", "/locations/{locationId}/tags", scope="lists:manage")
async def create_location_tag(ctx: Context, body: wire.TagCreateIn) -> wire.LocationTagBody:
    """Create a location tag (creating one that exists returns it)."""
    name = translate.tag_name(body)
    loc = await ctx.db.write(
        service.create_tag, caller=ctx.caller, location_id=ctx.path("locationId"), name=name
    )
    tag = translate.location_tags([name], loc)[0]
    return wire.LocationTagBody(tag=tag)
