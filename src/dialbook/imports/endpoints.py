"""/v1/lists/{id}/imports, /v1/imports/{id}, /v1/lists/{id}/export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from starlette.responses import Response, StreamingResponse

from dialbook.http.body import decode_query, save_upload
from dialbook.http.routing import Context, Router, json_response
from dialbook.imports import export as exporter
from dialbook.imports import service as import_service
from dialbook.imports.jobs import Jobs
from dialbook.imports.schemas import (
    DryRun,
    ExportQuery,
    ImportList,
    ImportOptions,
    ImportRead,
    UndoResult,
)

router = Router(tag="imports", prefix="/v1")

# What a lead file may be sent as: the file itself (CSV, or any file the reader knows by its
# name or content: Excel, JSON Lines), or a multipart form with a ``file`` field.
UPLOADS = ("text/csv", "application/octet-stream", "multipart/form-data")


def _options(ctx: Context) -> ImportOptions:
    params: dict[str, Any] = {}
    for name, value in ctx.request.query_params.multi_items():
        if name == "map":
            params.setdefault("map", []).append(value)
        elif name != "dry_run":
            params[name] = value
    return decode_query(params, ImportOptions)


@router.route(
    "POST",
    "/lists/{id:int}/imports",
    scope="contacts:write",
    response=ImportRead,
    status=202,
    also={200: DryRun},  # dry_run=true
    content=UPLOADS,  # streamed to a file by the handler (up to max_upload_bytes)
)
async def start_import(ctx: Context) -> Response:
    """Upload a lead file (multipart field `file`, or the raw body) and import it in the
    background; options go in the query string. With `dry_run=true`, only check it."""
    options = _options(ctx)
    directory = ctx.services.settings.data_dir / "imports"
    path, name = await save_upload(
        ctx.request, directory, limit=ctx.services.settings.max_upload_bytes
    )
    if name and not options.filename:
        options.filename = name
    if ctx.request.query_params.get("dry_run") in ("1", "true", "yes"):
        try:
            report: DryRun = await ctx.db.read(
                import_service.dry_run,
                caller=ctx.caller,
                list_id=ctx.path("id"),
                path=path,
                options=options,
            )
        finally:
            path.unlink(missing_ok=True)
        return json_response(report, 200)
    if options.filename is None:
        options.filename = "upload"
    suffix = Path(options.filename).suffix.lower()
    if suffix:
        path = path.rename(path.with_suffix(suffix))
    job = await ctx.db.write(
        import_service.create_job,
        caller=ctx.caller,
        list_id=ctx.path("id"),
        path=path,
        options=options,
    )
    ctx.services.workers.get(Jobs).submit(ctx.caller.workspace_id, job.id)
    return json_response(job, 202, {"Location": f"/v1/imports/{job.id}"})


@router.route("GET", "/imports/{id:int}", scope="contacts:read", response=ImportRead)
async def get_import(ctx: Context) -> ImportRead:
    """Status, counts and progress of an import."""
    return await ctx.db.read(import_service.get_job, caller=ctx.caller, id=ctx.path("id"))


@router.route("GET", "/imports/{id:int}/rejects", scope="contacts:read")
async def import_rejects(ctx: Context) -> Response:
    """The rejected rows as CSV: line, reasons per field, then the row as it was."""
    return await _csv(ctx, import_service.rejects_csv, "rejects")


@router.route("POST", "/imports/{id:int}/undo", scope="contacts:write", response=UndoResult)
async def undo_import(ctx: Context) -> UndoResult:
    """Delete the contacts the import created (409 while it runs, or once undone)."""
    return await ctx.db.write_long(import_service.undo, caller=ctx.caller, id=ctx.path("id"))


@router.route("GET", "/lists/{id:int}/imports", scope="contacts:read", response=ImportList)
async def list_imports(ctx: Context) -> ImportList:
    """The list's imports, newest first (the latest 100)."""
    found = await ctx.db.read(
        import_service.list_jobs, caller=ctx.caller, list_id=ctx.path("id"), limit=100
    )
    return ImportList(data=found)


@router.route("GET", "/imports/{id:int}/warnings", scope="contacts:read")
async def import_warnings(ctx: Context) -> Response:
    """The rows imported with a warning (a value kept as given or ignored) as CSV: line,
    then each warning."""
    return await _csv(ctx, import_service.warnings_csv, "warnings")


async def _csv(ctx: Context, rows: Callable[..., Iterator[str]], name: str) -> Response:
    id = ctx.path("id")
    await ctx.db.read(import_service.get_job, caller=ctx.caller, id=id)
    return StreamingResponse(
        rows(ctx.db, caller=ctx.caller, id=id),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="import-{id}-{name}.csv"'},
    )


@router.route("GET", "/lists/{id:int}/export", scope="contacts:read")
async def export_list(ctx: Context, query: ExportQuery) -> Response:
    """Every contact of the list, streamed as CSV or JSON Lines."""
    from dialbook.lists import service as list_service

    await ctx.db.read(
        list_service.get, workspace_id=ctx.caller.workspace_id, id=ctx.path("id"), with_count=False
    )
    media = "text/csv" if query.format == "csv" else "application/x-ndjson"
    return StreamingResponse(
        exporter.export(ctx.db, caller=ctx.caller, list_id=ctx.path("id"), format=query.format),
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="list-{ctx.path("id")}.{query.format}"'
        },
    )
