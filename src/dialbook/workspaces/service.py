"""Rules for workspaces and API keys. Keys are stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import msgspec

from dialbook.db import Conn
from dialbook.errors import Conflict, Forbidden, NotFound, Unauthorized, invalid
from dialbook.kit import clock
from dialbook.normalize.phones import is_region
from dialbook.workspaces import repository
from dialbook.workspaces.schemas import (
    SCOPES,
    Caller,
    KeyCreated,
    KeyRead,
    WorkspaceCreate,
    WorkspaceRead,
    WorkspaceUpdate,
)

KEY_PREFIX = "dbk_"
DEFAULT_WORKSPACE = "default"


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _columns(conn: Conn, data: WorkspaceCreate | WorkspaceUpdate, id: int | None) -> dict[str, Any]:
    values = {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if getattr(data, name) is not msgspec.UNSET
    }
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise invalid("name", "must not be empty")
        same = repository.get_workspace_by_name(conn, name=values["name"])
        if same is not None and same.id != id:
            raise Conflict(f"A workspace named {values['name']!r} already exists.")
    region = values.get("default_region")
    if region is not None:
        if not is_region(region):
            raise invalid("default_region", "is not an ISO 3166-1 alpha-2 region code")
        values["default_region"] = region.upper()
    return values


def create(
    conn: Conn,
    *,
    name: str,
    default_region: str | None = None,
    aliases: dict[str, str] | None = None,
) -> WorkspaceRead:
    """The workspace row alone: onboarding.service.create_workspace is the use case (it
    also gives the workspace its default list)."""
    data = WorkspaceCreate(name=name, default_region=default_region, aliases=aliases or {})
    values = _columns(conn, data, None)
    return repository.insert_workspace(conn, values={**values, "created_at": clock.now()})


def update_workspace(
    conn: Conn, *, caller: Caller, id: int, data: WorkspaceUpdate
) -> WorkspaceRead:
    get_workspace(conn, caller=caller, id=id)
    values = _columns(conn, data, id)
    if not values:
        return get_workspace(conn, caller=caller, id=id)
    updated = repository.update_workspace(conn, id=id, values=values)
    assert updated is not None
    return updated


def get_workspace(conn: Conn, *, caller: Caller, id: int) -> WorkspaceRead:
    if id != caller.workspace_id and not caller.is_admin:
        raise NotFound("No such workspace.")
    workspace = repository.get_workspace(conn, id=id)
    if workspace is None:
        raise NotFound("No such workspace.")
    return workspace


def get_by_id(conn: Conn, *, id: int) -> WorkspaceRead:
    """Any workspace by id, for work done for it rather than by a caller of it (an import
    job, a new console user)."""
    workspace = repository.get_workspace(conn, id=id)
    if workspace is None:
        raise NotFound("No such workspace.")
    return workspace


def find_workspace(conn: Conn, *, name_or_id: str) -> WorkspaceRead:
    """For the CLI: a workspace by name, or by id when given digits."""
    workspace = repository.get_workspace_by_name(conn, name=name_or_id)
    if workspace is None and name_or_id.isdigit():
        workspace = repository.get_workspace(conn, id=int(name_or_id))
    if workspace is None:
        raise NotFound(f"No workspace named {name_or_id!r}.")
    return workspace


def all_ids(conn: Conn) -> list[int]:
    """Every workspace's id (background work that visits each, e.g. event retention)."""
    return [workspace.id for workspace in repository.list_workspaces(conn)]


def list_workspaces(conn: Conn, *, caller: Caller | None = None) -> list[WorkspaceRead]:
    """Admin keys (and the local CLI, caller None) see every workspace; others their own."""
    only = None if caller is None or caller.is_admin else caller.workspace_id
    return repository.list_workspaces(conn, only_id=only)


def create_key(
    conn: Conn, *, workspace_id: int, name: str = "api key", scopes: list[str] | None = None
) -> KeyCreated:
    # None: every scope but admin; an empty list is a key that may do nothing (not all).
    default = [s for s in SCOPES if s != "admin"]
    scopes = list(dict.fromkeys(default if scopes is None else scopes))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise invalid("scopes", f"unknown scope {unknown[0]!r}; known: {', '.join(SCOPES)}")
    if repository.get_workspace(conn, id=workspace_id) is None:
        raise NotFound("No such workspace.")
    secret = KEY_PREFIX + secrets.token_urlsafe(30)
    key = repository.insert_key(
        conn,
        workspace_id=workspace_id,
        name=name,
        prefix=secret[:12],
        key_hash=hash_key(secret),
        scopes=scopes,
        now=clock.now(),
    )
    return KeyCreated(**{f: getattr(key, f) for f in key.__struct_fields__}, key=secret)


def create_key_for(
    conn: Conn, *, caller: Caller, workspace_id: int | None, name: str, scopes: list[str]
) -> KeyCreated:
    """A key made over the API: admin only; never with more power than the caller."""
    target = workspace_id or caller.workspace_id
    if target != caller.workspace_id:
        raise Forbidden("Keys can only be created for the caller's own workspace.")
    beyond = [s for s in scopes if s in SCOPES and not caller.allows(s)]
    if beyond:
        raise invalid("scopes", f"{beyond[0]!r} is more than you may do yourself")
    return create_key(conn, workspace_id=target, name=name, scopes=scopes)


def list_keys(conn: Conn, *, workspace_id: int) -> list[KeyRead]:
    return repository.list_keys(conn, workspace_id=workspace_id)


def revoke_key(conn: Conn, *, workspace_id: int, key_id: int) -> KeyRead:
    key = repository.revoke_key(conn, workspace_id=workspace_id, key_id=key_id, now=clock.now())
    if key is None:
        raise NotFound("No such API key.")
    return key


def authenticate(conn: Conn, *, secret: str) -> Caller:
    found = repository.find_active_key(conn, key_hash=hash_key(secret))
    if found is None:
        raise Unauthorized("The API key is not valid or has been revoked.")
    key, region = found
    return Caller(
        workspace_id=key.workspace_id,
        key_id=key.id,
        scopes=frozenset(key.scopes),
        default_region=region,
    )


def touch_key(conn: Conn, *, key_id: int) -> None:
    repository.touch_key(conn, key_id=key_id, now=clock.now())


def any_workspace(conn: Conn) -> bool:
    return bool(repository.count_workspaces(conn))


def first_admin_key(conn: Conn) -> KeyCreated | None:
    """One admin key for the first workspace when no key exists yet (returned once: only
    its hash is kept); None when there is a key already."""
    if repository.count_keys(conn):
        return None
    workspace = repository.list_workspaces(conn)[0]
    return create_key(conn, workspace_id=workspace.id, name="bootstrap", scopes=["admin"])
