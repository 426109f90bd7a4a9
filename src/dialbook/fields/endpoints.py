"""/v1/custom-fields."""

from __future__ import annotations

from dialbook.fields import service as field_service
from dialbook.fields.schemas import (
    FieldBulkDelete,
    FieldCreate,
    FieldPage,
    FieldQuery,
    FieldRead,
    FieldsDeleted,
    FieldUpdate,
)
from dialbook.http.routing import Context, Router

router = Router(tag="custom-fields", prefix="/v1")


@router.route("POST", "/custom-fields", scope="lists:manage", response=FieldRead, status=201)
async def create_field(ctx: Context, body: FieldCreate) -> FieldRead:
    """Define a custom field."""
    return await ctx.db.write(field_service.create, workspace_id=ctx.caller.workspace_id, data=body)


@router.route("GET", "/custom-fields", scope="contacts:read", response=FieldPage)
async def list_fields(ctx: Context, query: FieldQuery) -> FieldPage:
    """The workspace's custom field definitions, oldest first, a page at a time."""
    return await ctx.db.read(
        field_service.page,
        workspace_id=ctx.caller.workspace_id,
        cursor=query.cursor,
        limit=query.limit,
    )


@router.route("POST", "/custom-fields/bulk-delete", scope="lists:manage", response=FieldsDeleted)
async def delete_fields(ctx: Context, body: FieldBulkDelete) -> FieldsDeleted:
    """Delete definitions by `ids`, by `keys`, and/or every one no contact uses
    (`unused: true`); stored values stay on contacts."""
    return await ctx.db.write(
        field_service.delete_many, workspace_id=ctx.caller.workspace_id, which=body
    )


@router.route("GET", "/custom-fields/{id:int}", scope="contacts:read", response=FieldRead)
async def get_field(ctx: Context) -> FieldRead:
    """Get a custom field definition."""
    return await ctx.db.read(
        field_service.get, workspace_id=ctx.caller.workspace_id, id=ctx.path("id")
    )


@router.route("PATCH", "/custom-fields/{id:int}", scope="lists:manage", response=FieldRead)
async def update_field(ctx: Context, body: FieldUpdate) -> FieldRead:
    """Change a definition's label or options (its key and type are fixed)."""
    return await ctx.db.write(
        field_service.update, workspace_id=ctx.caller.workspace_id, id=ctx.path("id"), data=body
    )


@router.route("DELETE", "/custom-fields/{id:int}", scope="lists:manage", status=204)
async def delete_field(ctx: Context) -> None:
    """Delete a definition (stored values stay on contacts)."""
    await ctx.db.write(
        field_service.delete, workspace_id=ctx.caller.workspace_id, id=ctx.path("id")
    )
