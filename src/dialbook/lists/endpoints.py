"""/v1/lists."""

from __future__ import annotations

from dialbook.contacts import service as contact_service
from dialbook.http.routing import Context, Router
from dialbook.lists import service as list_service
from dialbook.lists.schemas import (
    ListCreate,
    ListPage,
    ListQuery,
    ListRead,
    ListUpdate,
    PublishResult,
)

router = Router(tag="lists", prefix="/v1")


@router.route("POST", "/lists", scope="lists:manage", response=ListRead, status=201)
async def create_list(ctx: Context, body: ListCreate) -> ListRead:
    """Create a list."""
    return await ctx.db.write(list_service.create, caller=ctx.caller, data=body)


@router.route("GET", "/lists", scope="contacts:read", response=ListPage)
async def list_lists(ctx: Context, query: ListQuery) -> ListPage:
    """The workspace's lists, oldest first, with their contact counts."""
    return await ctx.db.read(
        list_service.page,
        workspace_id=ctx.caller.workspace_id,
        cursor=query.cursor,
        limit=query.limit,
        name=query.name,
    )


@router.route("GET", "/lists/{id:int}", scope="contacts:read", response=ListRead)
async def get_list(ctx: Context) -> ListRead:
    """Get a list."""
    return await ctx.db.read(
        list_service.get, workspace_id=ctx.caller.workspace_id, id=ctx.path("id")
    )


@router.route("PATCH", "/lists/{id:int}", scope="lists:manage", response=ListRead)
async def update_list(ctx: Context, body: ListUpdate) -> ListRead:
    """Rename a list or change its settings."""
    return await ctx.db.write_long(
        contact_service.update_list, caller=ctx.caller, id=ctx.path("id"), data=body
    )


@router.route("DELETE", "/lists/{id:int}", scope="lists:manage", status=204)
async def delete_list(ctx: Context) -> None:
    """Delete a list and its contacts."""
    await ctx.db.write_long(contact_service.delete_list, caller=ctx.caller, id=ctx.path("id"))


@router.route("POST", "/lists/{id:int}/publish", scope="lists:manage", response=PublishResult)
async def publish_list(ctx: Context) -> PublishResult:
    """Hand the list's held contacts to the dial queue (for lists with queue_mode on_publish)."""
    return await ctx.db.write_long(
        contact_service.publish_list, caller=ctx.caller, id=ctx.path("id")
    )
