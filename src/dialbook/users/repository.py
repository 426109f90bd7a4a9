"""All SQL for console users and their sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select, update

from dialbook.db import Conn
from dialbook.db.tables import console_sessions, users, workspaces
from dialbook.kit.rows import AnyRow, as_dict, to_struct
from dialbook.users.schemas import Session, UserRead

_USER_COLUMNS = tuple(c for c in users.c if c.name != "password_hash")


def _user(row: AnyRow) -> UserRead:
    return to_struct(row, UserRead)


def insert_user(conn: Conn, *, values: dict[str, Any]) -> UserRead:
    return _user(conn.execute(insert(users).values(**values).returning(*_USER_COLUMNS)).one())


def find_by_email(conn: Conn, *, email: str) -> tuple[UserRead, str] | None:
    """The user with this (lower-cased) email and their password hash."""
    row = conn.execute(
        select(*_USER_COLUMNS, users.c.password_hash).where(users.c.email == email)
    ).one_or_none()
    if row is None:
        return None
    data = as_dict(row)
    return UserRead(**{k: v for k, v in data.items() if k != "password_hash"}), str(
        data["password_hash"]
    )


def any_users(conn: Conn) -> bool:
    return conn.execute(select(users.c.id).limit(1)).first() is not None


def list_users(conn: Conn, *, workspace_id: int) -> list[UserRead]:
    rows = conn.execute(
        select(*_USER_COLUMNS).where(users.c.workspace_id == workspace_id).order_by(users.c.id)
    )
    return [_user(row) for row in rows]


def get_user(conn: Conn, *, workspace_id: int, id: int) -> UserRead | None:
    row = conn.execute(
        select(*_USER_COLUMNS).where(users.c.workspace_id == workspace_id, users.c.id == id)
    ).one_or_none()
    return None if row is None else _user(row)


def update_user(
    conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any]
) -> UserRead | None:
    row = conn.execute(
        update(users)
        .where(users.c.workspace_id == workspace_id, users.c.id == id)
        .values(**values)
        .returning(*_USER_COLUMNS)
    ).one_or_none()
    return None if row is None else _user(row)


def insert_session(
    conn: Conn,
    *,
    workspace_id: int,
    user_id: int,
    token_hash: str,
    csrf_token: str,
    now: dt.datetime,
) -> None:
    conn.execute(
        insert(console_sessions).values(
            workspace_id=workspace_id,
            user_id=user_id,
            token_hash=token_hash,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
        )
    )


def find_session(
    conn: Conn, *, workspace_id: int, token_hash: str
) -> tuple[Session, dt.datetime] | None:
    """The session with this token, its enabled user and when it was last used."""
    row = conn.execute(
        select(
            console_sessions.c.id.label("session_id"),
            console_sessions.c.csrf_token,
            console_sessions.c.last_seen_at,
            workspaces.c.default_region,
            *_USER_COLUMNS,
        )
        .join(users, users.c.id == console_sessions.c.user_id)
        .join(workspaces, workspaces.c.id == console_sessions.c.workspace_id)
        .where(
            console_sessions.c.workspace_id == workspace_id,
            console_sessions.c.token_hash == token_hash,
            users.c.workspace_id == workspace_id,
            users.c.disabled_at.is_(None),
        )
    ).one_or_none()
    if row is None:
        return None
    data = as_dict(row)
    session = Session(
        id=data.pop("session_id"),
        csrf_token=data.pop("csrf_token"),
        default_region=data.pop("default_region"),
        user=UserRead(**{k: v for k, v in data.items() if k != "last_seen_at"}),
    )
    return session, data["last_seen_at"]


def touch_session(conn: Conn, *, workspace_id: int, id: int, now: dt.datetime) -> None:
    conn.execute(
        update(console_sessions)
        .where(console_sessions.c.workspace_id == workspace_id, console_sessions.c.id == id)
        .values(last_seen_at=now)
    )


def delete_session(conn: Conn, *, workspace_id: int, token_hash: str) -> None:
    conn.execute(
        delete(console_sessions).where(
            console_sessions.c.workspace_id == workspace_id,
            console_sessions.c.token_hash == token_hash,
        )
    )


def delete_sessions_of(conn: Conn, *, workspace_id: int, user_id: int) -> None:
    conn.execute(
        delete(console_sessions).where(
            console_sessions.c.workspace_id == workspace_id,
            console_sessions.c.user_id == user_id,
        )
    )


def delete_idle_sessions(
    conn: Conn, *, workspace_id: int, user_id: int, before: dt.datetime
) -> None:
    conn.execute(
        delete(console_sessions).where(
            console_sessions.c.workspace_id == workspace_id,
            console_sessions.c.user_id == user_id,
            console_sessions.c.last_seen_at < before,
        )
    )
