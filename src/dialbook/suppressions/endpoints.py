"""/v1/suppressions and /v1/suppression-lists: the workspace's do-not-call numbers."""

from __future__ import annotations

from dialbook.http.routing import Context, Router
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import (
    BulkResult,
    CheckQuery,
    CheckResult,
    Suppression,
    SuppressionBulk,
    SuppressionCreate,
    SuppressionListCreate,
    SuppressionListPage,
    SuppressionListRead,
    SuppressionPage,
    SuppressionQuery,
    SuppressionUpdate,
)

router = Router(tag="suppressions", prefix="/v1")


@router.route("POST", "/suppressions", scope="lists:manage", response=Suppression, status=201)
async def add_suppression(ctx: Context, body: SuppressionCreate) -> Suppression:
    """Add a number not to call (to the default suppression list unless one is named)."""
    return await ctx.db.write(suppression_service.add, caller=ctx.caller, data=body)


@router.route("POST", "/suppressions/bulk", scope="lists:manage", response=BulkResult)
async def add_suppressions(ctx: Context, body: SuppressionBulk) -> BulkResult:
    """Add up to 10,000 numbers at once, all or none."""
    return await ctx.db.write_long(
        suppression_service.add_many, caller=ctx.caller, entries=body.entries
    )


@router.route("GET", "/suppressions", scope="contacts:read", response=SuppressionPage)
async def list_suppressions(ctx: Context, query: SuppressionQuery) -> SuppressionPage:
    """Entries in force (or all, with include_expired), oldest first."""
    return await ctx.db.read(suppression_service.page, caller=ctx.caller, query=query)


@router.route("GET", "/suppressions/check", scope="contacts:read", response=CheckResult)
async def check_number(ctx: Context, query: CheckQuery) -> CheckResult:
    """Is this number (any format) suppressed now, and by which entries?"""
    return await ctx.db.read(suppression_service.check, caller=ctx.caller, number=query.number)


@router.route("GET", "/suppressions/{id:int}", scope="contacts:read", response=Suppression)
async def get_suppression(ctx: Context) -> Suppression:
    """Get one entry."""
    return await ctx.db.read(suppression_service.get, caller=ctx.caller, id=ctx.path("id"))


@router.route("PATCH", "/suppressions/{id:int}", scope="lists:manage", response=Suppression)
async def update_suppression(ctx: Context, body: SuppressionUpdate) -> Suppression:
    """Change an entry's reason or expiry."""
    return await ctx.db.write(
        suppression_service.update, caller=ctx.caller, id=ctx.path("id"), data=body
    )


@router.route("DELETE", "/suppressions/{id:int}", scope="lists:manage", status=204)
async def remove_suppression(ctx: Context) -> None:
    """Remove an entry."""
    await ctx.db.write(suppression_service.remove, caller=ctx.caller, id=ctx.path("id"))


@router.route(
    "POST", "/suppression-lists", scope="lists:manage", response=SuppressionListRead, status=201
)
async def create_suppression_list(ctx: Context, body: SuppressionListCreate) -> SuppressionListRead:
    """Create a named suppression list."""
    return await ctx.db.write(
        suppression_service.create_list, workspace_id=ctx.caller.workspace_id, name=body.name
    )


@router.route("GET", "/suppression-lists", scope="contacts:read", response=SuppressionListPage)
async def list_suppression_lists(ctx: Context) -> SuppressionListPage:
    """The workspace's suppression lists with their entry counts."""
    rows = await ctx.db.write(suppression_service.list_lists, workspace_id=ctx.caller.workspace_id)
    return SuppressionListPage(data=rows)


@router.route(
    "GET", "/suppression-lists/{id:int}", scope="contacts:read", response=SuppressionListRead
)
async def get_suppression_list(ctx: Context) -> SuppressionListRead:
    """Get a suppression list."""
    return await ctx.db.read(
        suppression_service.get_list, workspace_id=ctx.caller.workspace_id, id=ctx.path("id")
    )


@router.route("DELETE", "/suppression-lists/{id:int}", scope="lists:manage", status=204)
async def delete_suppression_list(ctx: Context) -> None:
    """Delete a suppression list and its entries (not the default one)."""
    await ctx.db.write_long(
        suppression_service.delete_list, workspace_id=ctx.caller.workspace_id, id=ctx.path("id")
    )
