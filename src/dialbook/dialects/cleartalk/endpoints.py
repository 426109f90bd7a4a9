"""ClearTalk's routes under /compat/cleartalk (auth: ``x-api-key``, or a Bearer token)."""

from __future__ import annotations

from dialbook.dialects.cleartalk import service, translate
from dialbook.dialects.cleartalk.schemas import BulkIn, BulkOut, ContactIn, ContactOut
from dialbook.http.routing import Context, Router

router = Router(tag="cleartalk", prefix="/compat/cleartalk")


@router.route("POST", "/contacts", scope="contacts:write", response=ContactOut, status=201)
async def create_contact(ctx: Context, body: ContactIn) -> ContactOut:
    """Create a contact in the list named by listName (the list is created on first use)."""
    created = await ctx.db.write(service.create_contact, caller=ctx.caller, body=body)
    return translate.created_out(created)


@router.route("POST", "/contacts/create-bulk", scope="contacts:write", response=BulkOut, status=201)
async def create_bulk(ctx: Context, body: BulkIn) -> BulkOut:
    """Create many contacts in one list: all of them, or none when any item is bad."""
    list_name, head, created = await ctx.db.write_long(
        service.create_bulk, caller=ctx.caller, body=body
    )
    return translate.bulk_out(list_name, head, created)
