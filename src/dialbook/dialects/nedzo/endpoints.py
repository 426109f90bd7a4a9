"""Nedzo's routes under /compat/nedzo (auth: ``Authorization: Bearer <key>``).

The seed's legacy routes (``/v1/contact/``, ``/v1/contact-list/{id}``) and the current API
(``/v1/contacts``) as Nedzo's docs and its n8n node use it. Bodies of the current API are
read strictly: unknown members are a 400 naming every one of them.

Each handler makes one ``ctx.db`` call of a use case in ``service.py``, which answers in
canonical terms; the handler builds the wire body (``translate``) after the transaction.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from dialbook.dialects.nedzo import schemas as wire
from dialbook.dialects.nedzo import service, translate
from dialbook.dialects.nedzo.errors import BadRequest
from dialbook.errors import DialbookError, FieldError
from dialbook.http.body import BodyPolicy, invalid_fields
from dialbook.http.routing import Context, Router, json_response


def _invalid(
    unknown: list[str], error: msgspec.ValidationError | None, type_: Any
) -> DialbookError:
    """Unknown members are a 400 naming every one of them; other bad values a 422."""
    if unknown:
        return BadRequest(
            f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            fields=[FieldError(k, "is not a known field") for k in unknown],
        )
    return invalid_fields([], error, type_)


# The seed's API ignores members it does not know; the current one refuses them.
legacy = Router(tag="nedzo", prefix="/compat/nedzo")
router = Router(
    tag="nedzo",
    prefix="/compat/nedzo",
    bodies=BodyPolicy(refuse_unknown=True, invalid=_invalid),
)


# -- legacy (the seed) --------------------------------------------------------------------


@legacy.route("POST", "/v1/contact/", scope="contacts:write", status=201)
@legacy.route("POST", "/v1/contact", scope="contacts:write", status=201)
async def create_legacy(ctx: Context, body: wire.LegacyContactIn) -> wire.LegacyContactEnvelope:
    """Create a contact (the seed's API), in the list contact_list_id names."""
    saved = await ctx.db.write(service.create_legacy, caller=ctx.caller, body=body)
    return translate.contact_envelope(
        saved.contact, lst=saved.lst, fields=saved.fields, created=True
    )


@legacy.route("PATCH", "/v1/contact/{id}", scope="contacts:write")
async def update_legacy(ctx: Context, body: wire.LegacyContactPatch) -> wire.LegacyContactEnvelope:
    """Change some fields of a contact (null clears one)."""
    saved = await ctx.db.write(
        service.update_legacy, caller=ctx.caller, ref=ctx.path("id"), body=body
    )
    return translate.contact_envelope(
        saved.contact, lst=saved.lst, fields=saved.fields, created=False
    )


@legacy.route("PATCH", "/v1/contact-list/{id}", scope="lists:manage")
async def update_contact_list(
    ctx: Context, body: wire.ContactListPatch
) -> wire.ContactListEnvelope:
    """Rename a list, set its campaign, move contacts into it."""
    changed = await ctx.db.write_long(
        service.update_contact_list, caller=ctx.caller, ref=ctx.path("id"), body=body
    )
    return translate.contact_list_envelope(changed.lst, moved=changed.moved, fields=changed.fields)


# -- current ------------------------------------------------------------------------------


@router.route("POST", "/v1/contacts", scope="contacts:write", status=201)
async def create_contact(ctx: Context, body: wire.ContactIn) -> wire.Contact:
    """Create a contact."""
    saved = await ctx.db.write(service.create, caller=ctx.caller, body=body)
    return translate.current_out(saved.contact, labels=saved.labels)


@router.route("GET", "/v1/contacts", scope="contacts:read")
async def list_contacts(ctx: Context, query: wire.ContactQuery) -> list[wire.Contact]:
    """Page through contacts, oldest first (limit, offset); a bare JSON array."""
    found, labels = await ctx.db.read(service.page, caller=ctx.caller, query=query)
    return [translate.current_out(c, labels=labels) for c in found]


@router.route(
    "POST",
    "/v1/contacts/upsert",
    scope="contacts:write",
    response=wire.Contact,
    also={201: wire.Contact},
)
async def upsert_contact(ctx: Context, body: wire.UpsertIn) -> Response:
    """Update the contact matching phone (then email), or create it (201)."""
    saved = await ctx.db.write(service.upsert, caller=ctx.caller, body=body)
    contact = translate.current_out(saved.contact, labels=saved.labels)
    return json_response(contact, 201 if saved.created else 200)


@router.route("GET", "/v1/contacts/{id}", scope="contacts:read")
async def get_contact(ctx: Context) -> wire.Contact:
    """Get a contact."""
    found = await ctx.db.read(service.get, caller=ctx.caller, ref=ctx.path("id"))
    return translate.current_out(found.contact, labels=found.labels)


@router.route("PATCH", "/v1/contacts/{id}", scope="contacts:write")
async def update_contact(ctx: Context, body: wire.ContactPatch) -> wire.Contact:
    """Change some fields of a contact; tags are added, customFields merge."""
    saved = await ctx.db.write(service.update, caller=ctx.caller, ref=ctx.path("id"), body=body)
    return translate.current_out(saved.contact, labels=saved.labels)


@router.route("DELETE", "/v1/contacts/{id}", scope="contacts:write", status=204)
async def delete_contact(ctx: Context) -> None:
    """Delete a contact (204, empty body)."""
    await ctx.db.write(service.delete, caller=ctx.caller, ref=ctx.path("id"))


@router.route("GET", "/v1/workspaces", scope="contacts:read")
async def list_workspaces(ctx: Context) -> list[wire.Workspace]:
    """The key's workspace, as the n8n node's workspace picker reads it."""
    workspace = await ctx.db.read(service.workspace, caller=ctx.caller)
    return [translate.workspace_out(workspace)]
