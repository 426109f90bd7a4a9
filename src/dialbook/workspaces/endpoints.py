"""/v1/workspaces and /v1/keys."""

from __future__ import annotations

from dialbook.http.routing import Context, Router
from dialbook.onboarding import service as onboarding
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import (
    KeyCreate,
    KeyCreated,
    KeyPage,
    KeyRead,
    WorkspaceCreate,
    WorkspacePage,
    WorkspaceRead,
    WorkspaceUpdate,
)

router = Router(tag="workspaces", prefix="/v1")


@router.route("GET", "/workspaces", scope=None, response=WorkspacePage)
async def list_workspaces(ctx: Context) -> WorkspacePage:
    """The workspaces this key can see: its own, or all for admin keys."""
    rows = await ctx.db.read(workspace_service.list_workspaces, caller=ctx.caller)
    return WorkspacePage(data=rows)


@router.route("POST", "/workspaces", scope="admin", response=WorkspaceRead, status=201)
async def create_workspace(ctx: Context, body: WorkspaceCreate) -> WorkspaceRead:
    """Create a workspace (with its default list)."""
    return await ctx.db.write(
        onboarding.create_workspace,
        name=body.name,
        default_region=body.default_region,
        aliases=body.aliases,
    )


@router.route("GET", "/workspaces/{id:int}", scope=None, response=WorkspaceRead)
async def get_workspace(ctx: Context) -> WorkspaceRead:
    """Get a workspace."""
    return await ctx.db.read(workspace_service.get_workspace, caller=ctx.caller, id=ctx.path("id"))


@router.route("PATCH", "/workspaces/{id:int}", scope="admin", response=WorkspaceRead)
async def update_workspace(ctx: Context, body: WorkspaceUpdate) -> WorkspaceRead:
    """Rename a workspace, or change its default region or platform aliases."""
    return await ctx.db.write(
        workspace_service.update_workspace, caller=ctx.caller, id=ctx.path("id"), data=body
    )


@router.route("GET", "/keys", scope="admin", response=KeyPage)
async def list_keys(ctx: Context) -> KeyPage:
    """The workspace's API keys (never the secrets)."""
    rows = await ctx.db.read(workspace_service.list_keys, workspace_id=ctx.caller.workspace_id)
    return KeyPage(data=rows)


@router.route("POST", "/keys", scope="admin", response=KeyCreated, status=201)
async def create_key(ctx: Context, body: KeyCreate) -> KeyCreated:
    """Create an API key; the secret is in this response only."""
    return await ctx.db.write(
        workspace_service.create_key_for,
        caller=ctx.caller,
        workspace_id=body.workspace_id,
        name=body.name,
        scopes=list(body.scopes),
    )


@router.route("DELETE", "/keys/{id:int}", scope="admin", response=KeyRead)
async def revoke_key(ctx: Context) -> KeyRead:
    """Revoke an API key."""
    key = await ctx.db.write(
        workspace_service.revoke_key, workspace_id=ctx.caller.workspace_id, key_id=ctx.path("id")
    )
    ctx.services.keys.forget()
    return key
