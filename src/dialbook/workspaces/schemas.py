"""Wire shapes for workspaces and API keys, and the authenticated caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

Scope = Literal["contacts:read", "contacts:write", "lists:manage", "queue:dial", "admin"]
SCOPES: tuple[Scope, ...] = (
    "contacts:read",
    "contacts:write",
    "lists:manage",
    "queue:dial",
    "admin",
)

Region = Annotated[str, Meta(pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")]
# An id given in a body or query string: what a signed 64-bit database integer holds.
Id = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Aliases = Annotated[
    dict[
        Annotated[str, Meta(pattern="^[a-z][a-z0-9_]{0,31}$")],
        Annotated[str, Meta(min_length=1, max_length=200)],
    ],
    Meta(
        max_length=20,
        description='Ids other platforms know this by, e.g. {"highlevel": "ve9EPM428h8vShlRW1KT"}',
    ),
]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: an API key of one workspace, with its scopes."""

    workspace_id: int
    key_id: int
    scopes: frozenset[str]
    default_region: str | None
    # What acts when no API key does (key_id 0): "cli", "import:<id>", "system", or
    # "user:<id>" (a console user).
    via: str = "api"

    @property
    def actor(self) -> str:
        """Who caused a change, as events name it: key:<id>, cli, import:<id>, system, user:<id>."""
        return f"key:{self.key_id}" if self.key_id else self.via

    @property
    def is_admin(self) -> bool:
        return "admin" in self.scopes

    def allows(self, scope: str) -> bool:
        return self.is_admin or scope in self.scopes


def system_caller(workspace_id: int, *, default_region: str | None = None) -> Caller:
    """dialbook itself acting in a workspace (a default list made on first use, a job)."""
    return Caller(
        workspace_id=workspace_id,
        key_id=0,
        scopes=frozenset({"admin"}),
        default_region=default_region,
        via="system",
    )


class WorkspaceCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    default_region: Region | None = None
    aliases: Aliases = {}


class WorkspaceUpdate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name | UnsetType = UNSET
    default_region: Region | None | UnsetType = UNSET
    aliases: Aliases | UnsetType = UNSET


class WorkspaceRead(Struct, kw_only=True):
    id: int
    name: str
    default_region: str | None
    aliases: dict[str, str] | None
    created_at: dt.datetime

    def known_as(self, platform: str, value: str) -> bool:
        """True when ``value`` names this workspace: its id, its name or its alias there."""
        return value in (str(self.id), self.name) or (self.aliases or {}).get(platform) == value


class KeyCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name = "api key"
    scopes: list[Scope] = field(
        default_factory=lambda: ["contacts:read", "contacts:write", "lists:manage", "queue:dial"]
    )
    workspace_id: Id | None = None


class KeyRead(Struct, kw_only=True):
    id: int
    workspace_id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class KeyCreated(KeyRead, kw_only=True):
    key: str  # shown once; only its hash is stored


class WorkspacePage(Struct):
    data: list[WorkspaceRead]


class KeyPage(Struct):
    data: list[KeyRead]
