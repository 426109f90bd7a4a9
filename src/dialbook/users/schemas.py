"""Console users, their roles and their sessions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from msgspec import Struct

from dialbook.workspaces.schemas import Scope

Role = Literal["admin", "manager", "agent"]
ROLES: tuple[Role, ...] = ("admin", "manager", "agent")

# What each role may do, in the API's scopes (the console checks the same ones). No role
# gets the API's `admin` scope: it reaches across workspaces, and a console user never
# leaves their own. A console admin manages the workspace's users besides.
ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    "admin": frozenset({"contacts:read", "contacts:write", "lists:manage", "queue:dial"}),
    "manager": frozenset({"contacts:read", "contacts:write", "lists:manage", "queue:dial"}),
    "agent": frozenset({"contacts:read", "queue:dial"}),
}

MIN_PASSWORD = 10


class UserRead(Struct, kw_only=True):
    id: int
    workspace_id: int
    email: str
    role: Role
    created_at: dt.datetime
    password_changed_at: dt.datetime
    disabled_at: dt.datetime | None


class SignedIn(Struct, kw_only=True):
    """A new session: the token goes into the cookie once and is stored only hashed."""

    user: UserRead
    token: str
    csrf_token: str


class Session(Struct, kw_only=True):
    """A live session, found from its cookie."""

    id: int
    user: UserRead
    csrf_token: str
    default_region: str | None  # the workspace's
