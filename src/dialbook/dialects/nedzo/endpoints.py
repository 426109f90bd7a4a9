"""Nedzo's routes under /compat/nedzo (auth: ``Authorization: Bearer <key>``).

The seed's legacy routes (``/v1/contact/``, ``/v1/contact-list/{id}``) and the current API
(``/v1/contacts``) as Nedzo's docs and its n8n node use it. Bodies of the current API are
read strictly: unknown members are a 400 naming every one of them.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from starlette.responses import Response

from dialbook.dialects.nedzo import schemas as wire
from dialbook.dialects.nedzo import service
from dialbook.dialects.nedzo.errors import BadRequest
from dialbook.errors import FieldError, InvalidInput, MalformedRequest
from dialbook.http.body import field_error, refuse_nul
from dialbook.http.routing import Context, Router, json_response

T = TypeVar("T")

router = Router(tag="nedzo", prefix="/compat/nedzo")


def _strict(raw: bytes, type_: type[T]) -> T:
    """Decode a JSON object, rejecting (400) every member ``type_`` does not know."""
    if not raw.strip():
        raise MalformedRequest("The request body is empty; send a JSON object.")
    try:
        data: Any = msgspec.json.decode(raw)
    # Not UTF-8, or nested deeper than msgspec's recursion guard: not JSON we can read.
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as error:
        raise MalformedRequest(f"The request body is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise BadRequest(fields=[FieldError("body", "must be a JSON object")])
    known = set(getattr(type_, "__struct_encode_fields__", ()))
    unknown = [str(k) for k in data if k not in known]
    if unknown:
        raise BadRequest(
            f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            fields=[FieldError(k, "is not a known field") for k in unknown],
        )
    try:
        decoded = msgspec.convert(data, type_)
    except msgspec.ValidationError as error:
        raise InvalidInput(fields=[field_error(error, type_)]) from None
    refuse_nul(raw, decoded)
    return decoded


# -- legacy (the seed) --------------------------------------------------------------------


@router.route("POST", "/v1/contact/", scope="contacts:write", status=201)
@router.route("POST", "/v1/contact", scope="contacts:write", status=201)
async def create_legacy(ctx: Context, body: wire.LegacyContactIn) -> wire.LegacyContactEnvelope:
    """Create a contact (the seed's API), in the list contact_list_id names."""
    return await ctx.db.write(service.create_legacy, caller=ctx.caller, body=body)


@router.route("PATCH", "/v1/contact/{id}", scope="contacts:write")
async def update_legacy(ctx: Context, body: wire.LegacyContactPatch) -> wire.LegacyContactEnvelope:
    """Change some fields of a contact (null clears one)."""
    return await ctx.db.write(
        service.update_legacy, caller=ctx.caller, ref=ctx.path("id"), body=body
    )


@router.route("PATCH", "/v1/contact-list/{id}", scope="lists:manage")
async def update_contact_list(
    ctx: Context, body: wire.ContactListPatch
) -> wire.ContactListEnvelope:
    """Rename a list, set its campaign, move contacts into it."""
    return await ctx.db.write(
        service.update_contact_list, caller=ctx.caller, ref=ctx.path("id"), body=body
    )


# -- current ------------------------------------------------------------------------------


@router.route("POST", "/v1/contacts", scope="contacts:write", status=201, raw_body=True)
async def create_contact(ctx: Context, body: bytes) -> wire.Contact:
    """Create a contact."""
    data = _strict(body, wire.ContactIn)
    return await ctx.db.write(service.create, caller=ctx.caller, body=data)


@router.route("GET", "/v1/contacts", scope="contacts:read")
async def list_contacts(ctx: Context, query: wire.ContactQuery) -> list[wire.Contact]:
    """Page through contacts, oldest first (limit, offset); a bare JSON array."""
    return await ctx.db.read(service.page, caller=ctx.caller, query=query)


@router.route("POST", "/v1/contacts/upsert", scope="contacts:write", raw_body=True)
async def upsert_contact(ctx: Context, body: bytes) -> Response:
    """Update the contact matching phone (then email), or create it (201)."""
    data = _strict(body, wire.UpsertIn)
    created, contact = await ctx.db.write(service.upsert, caller=ctx.caller, body=data)
    return json_response(contact, 201 if created else 200)


@router.route("GET", "/v1/contacts/{id}", scope="contacts:read")
async def get_contact(ctx: Context) -> wire.Contact:
    """Get a contact."""
    return await ctx.db.read(service.get, caller=ctx.caller, ref=ctx.path("id"))


@router.route("PATCH", "/v1/contacts/{id}", scope="contacts:write", raw_body=True)
async def update_contact(ctx: Context, body: bytes) -> wire.Contact:
    """Change some fields of a contact; tags are added, customFields merge."""
    data = _strict(body, wire.ContactPatch)
    return await ctx.db.write(service.update, caller=ctx.caller, ref=ctx.path("id"), body=data)


@router.route("DELETE", "/v1/contacts/{id}", scope="contacts:write", status=204)
async def delete_contact(ctx: Context) -> None:
    """Delete a contact (204, empty body)."""
    await ctx.db.write(service.delete, caller=ctx.caller, ref=ctx.path("id"))


@router.route("GET", "/v1/workspaces", scope="contacts:read")
async def list_workspaces(ctx: Context) -> list[wire.Workspace]:
    """The key's workspace, as the n8n node's workspace picker reads it."""
    return await ctx.db.read(service.workspaces, caller=ctx.caller)
