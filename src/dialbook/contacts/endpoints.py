"""/v1/contacts."""

from __future__ import annotations

import json

from starlette.responses import Response

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import (
    Contact,
    ContactCreate,
    ContactHistory,
    ContactPage,
    ContactQuery,
    ContactUpdate,
    HistoryQuery,
    TagsChange,
    TagsRead,
    UpsertResult,
)
from dialbook.errors import FieldError, invalid
from dialbook.http.routing import Context, Router, json_response

router = Router(tag="contacts", prefix="/v1")


def _etag(contact: Contact) -> dict[str, str]:
    return {"ETag": f'"{contact.version}"'}


def _headers(contact: Contact, warnings: list[FieldError]) -> dict[str, str]:
    """The ETag, and the values kept as given or ignored (an unknown state, an unusable
    time zone) as ``Dialbook-Warnings``: a JSON array of {name, detail}, like error fields."""
    headers = _etag(contact)
    if warnings:
        unique = list(dict.fromkeys((w.name, w.detail) for w in warnings))
        body = [{"name": name, "detail": detail} for name, detail in unique]
        headers["Dialbook-Warnings"] = json.dumps(body, ensure_ascii=True)  # header-safe
    return headers


def _if_match(ctx: Context) -> int | None:
    header = ctx.request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise invalid("If-Match", 'must be a version number such as "3"')
    return int(value)


@router.route("POST", "/contacts", scope="contacts:write", response=Contact, status=201)
async def create_contact(ctx: Context, body: ContactCreate) -> Response:
    """Create a contact; 409 with the existing id when the list's duplicate policy finds one."""
    warnings: list[FieldError] = []
    contact = await ctx.db.write(
        contact_service.create, caller=ctx.caller, data=body, warnings=warnings
    )
    return json_response(contact, 201, _headers(contact, warnings))


@router.route("GET", "/contacts", scope="contacts:read", response=ContactPage)
async def list_contacts(ctx: Context, query: ContactQuery) -> ContactPage:
    """Filter and page through contacts (oldest first); phones match in any format."""
    return await ctx.db.read(contact_service.page, caller=ctx.caller, query=query)


@router.route(
    "POST",
    "/contacts/upsert",
    scope="contacts:write",
    response=UpsertResult,
    also={201: UpsertResult},
)
async def upsert_contact(ctx: Context, body: ContactUpdate) -> Response:
    """Update the contact the list's duplicate policy matches, or create it (201)."""
    warnings: list[FieldError] = []
    result = await ctx.db.write(
        contact_service.upsert,
        caller=ctx.caller,
        given=contact_service.given_fields(body),
        warnings=warnings,
    )
    status = 201 if result.created else 200
    return json_response(result, status, _headers(result.contact, warnings))


@router.route("GET", "/contacts/{id:int}", scope="contacts:read", response=Contact)
async def get_contact(ctx: Context) -> Response:
    """Get a contact."""
    contact = await ctx.db.read(contact_service.get, caller=ctx.caller, id=ctx.path("id"))
    return json_response(contact, 200, _etag(contact))


@router.route("PATCH", "/contacts/{id:int}", scope="contacts:write", response=Contact)
async def update_contact(ctx: Context, body: ContactUpdate) -> Response:
    """Change some fields (null clears one); send If-Match to refuse lost updates."""
    warnings: list[FieldError] = []
    contact = await ctx.db.write(
        contact_service.update,
        caller=ctx.caller,
        id=ctx.path("id"),
        data=body,
        expected_version=_if_match(ctx),
        warnings=warnings,
    )
    return json_response(contact, 200, _headers(contact, warnings))


@router.route("DELETE", "/contacts/{id:int}", scope="contacts:write", status=204)
async def delete_contact(ctx: Context) -> None:
    """Delete a contact."""
    await ctx.db.write(contact_service.delete, caller=ctx.caller, id=ctx.path("id"))


@router.route("POST", "/contacts/{id:int}/tags", scope="contacts:write", response=TagsRead)
async def add_tags(ctx: Context, body: TagsChange) -> TagsRead:
    """Add tags to a contact."""
    contact = await ctx.db.write(
        contact_service.change_tags, caller=ctx.caller, id=ctx.path("id"), add=body.tags
    )
    return TagsRead(tags=contact.tags)


@router.route("DELETE", "/contacts/{id:int}/tags", scope="contacts:write", response=TagsRead)
async def remove_tags(ctx: Context, body: TagsChange) -> TagsRead:
    """Remove tags from a contact."""
    contact = await ctx.db.write(
        contact_service.change_tags, caller=ctx.caller, id=ctx.path("id"), remove=body.tags
    )
    return TagsRead(tags=contact.tags)


@router.route("GET", "/contacts/{id:int}/history", scope="contacts:read", response=ContactHistory)
async def contact_history(ctx: Context, query: HistoryQuery) -> ContactHistory:
    """Which API key changed the contact, when, and what changed (oldest first)."""
    return await ctx.db.read(
        contact_service.history,
        caller=ctx.caller,
        id=ctx.path("id"),
        cursor=query.cursor,
        limit=query.limit,
    )
