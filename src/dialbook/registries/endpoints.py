"""/v1/dnc-registries: the workspace's copies of do-not-call registries."""

from __future__ import annotations

from dialbook.http.body import save_upload
from dialbook.http.routing import Context, Router
from dialbook.registries import service as registry_service
from dialbook.registries.schemas import (
    RegistryImport,
    RegistryImportQuery,
    RegistryPage,
    RegistryRead,
)

router = Router(tag="dnc-registries", prefix="/v1")


@router.route("GET", "/dnc-registries", scope="contacts:read", response=RegistryPage)
async def list_registries(ctx: Context) -> RegistryPage:
    """The registries imported in this workspace, with their as-of dates and sizes."""
    return await ctx.db.read(registry_service.page, caller=ctx.caller)


@router.route("GET", "/dnc-registries/{name}", scope="contacts:read", response=RegistryRead)
async def get_registry(ctx: Context) -> RegistryRead:
    """One registry's copy: its as-of date and size."""
    return await ctx.db.read(registry_service.get, caller=ctx.caller, name=ctx.path("name"))


@router.route(
    "POST", "/dnc-registries/{name}/imports", scope="lists:manage", response=RegistryImport
)
async def import_registry(ctx: Context, query: RegistryImportQuery) -> RegistryImport:
    """Load a registry file (the raw body or a multipart field `file`; plain or zipped): a
    full list replaces the copy, a change list (`changes=true`) applies its additions and
    deletions. `as_of` is the date the file is current as of (default: today, UTC)."""
    name = registry_service.check_name(ctx.path("name"))
    path, filename = await save_upload(
        ctx.request,
        ctx.services.settings.data_dir / "registries",
        limit=ctx.services.settings.max_upload_bytes,
    )
    try:
        return await ctx.db.write_long(
            registry_service.import_file,
            caller=ctx.caller,
            name=name,
            path=path,
            as_of=query.as_of,
            changes=query.changes,
            label=filename or "body",
        )
    finally:
        path.unlink(missing_ok=True)
