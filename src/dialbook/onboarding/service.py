from __future__ import annotations

from dialbook.db import Conn
from dialbook.lists import service as list_service
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import KeyCreated, WorkspaceRead

DEFAULT_WORKSPACE = workspace_service.DEFAULT_WORKSPACE


def create_workspace(
    conn: Conn,
    *,
    name: str,
    default_region: str | None = None,
    aliases: dict[str, str] | None = None,
) -> WorkspaceRead:
    """Create a workspace and its default list (where contacts without a list go)."""
    workspace = workspace_service.create(
        conn, name=name, default_region=default_region, aliases=aliases
    )
    list_service.create_default(conn, workspace_id=workspace.id)
    return workspace


def bootstrap(conn: Conn, *, default_region: str, with_key: bool = False) -> KeyCreated | None:
    """On an empty database, create the default workspace; with ``with_key``, also one admin
    key when no key exists yet (returned once: only its hash is kept)."""
    if not workspace_service.any_workspace(conn):
        create_workspace(conn, name=DEFAULT_WORKSPACE, default_region=default_region)
    return workspace_service.first_admin_key(conn) if with_key else None
