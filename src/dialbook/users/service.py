"""Rules for console users and sessions. Passwords are stored only as argon2id hashes;
session tokens only as SHA-256 (a stolen database signs no one in)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

import argon2

from dialbook.db import Conn
from dialbook.errors import Conflict, NotFound, Unauthorized, invalid
from dialbook.kit import clock
from dialbook.normalize.emails import EmailError, normalize_email
from dialbook.users import repository
from dialbook.users.schemas import (
    MIN_PASSWORD,
    ROLE_SCOPES,
    ROLES,
    Session,
    SignedIn,
    UserRead,
)
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller

# A session's last-used time is written at most this often (not on every page).
TOUCH_EVERY = dt.timedelta(seconds=60)

_hasher = argon2.PasswordHasher()


class WrongPassword(Unauthorized):
    def default_detail(self) -> str:
        return "Wrong email or password."


@functools.cache
def _decoy_hash() -> str:
    # Checked against when the email is unknown, so an answer takes as long either way.
    return _hasher.hash(secrets.token_hex(16))


def _email(raw: str) -> str:
    try:
        return normalize_email(raw).lower()
    except EmailError as error:
        raise invalid("email", f"{raw!r} {error}") from None


def _password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise invalid("password", f"must be at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(conn: Conn, *, workspace_id: int, email: str, role: str, password: str) -> UserRead:
    if role not in ROLES:
        raise invalid("role", f"must be one of {', '.join(ROLES)}")
    address = _email(email)
    if repository.find_by_email(conn, email=address) is not None:
        raise Conflict(f"A user with the email {address!r} already exists.")
    workspace_service.get_by_id(conn, id=workspace_id)  # it exists
    now = clock.now()
    return repository.insert_user(
        conn,
        values={
            "workspace_id": workspace_id,
            "email": address,
            "role": role,
            "password_hash": _password_hash(password),
            "created_at": now,
            "password_changed_at": now,
        },
    )


def any_users(conn: Conn) -> bool:
    """Whether anyone can sign in to the console yet (`dialbook serve` says how otherwise)."""
    return repository.any_users(conn)


def list_users(conn: Conn, *, workspace_id: int) -> list[UserRead]:
    return repository.list_users(conn, workspace_id=workspace_id)


def get_by_email(conn: Conn, *, email: str) -> UserRead:
    found = repository.find_by_email(conn, email=_email(email))
    if found is None:
        raise NotFound(f"No user with the email {email.strip()!r}.")
    return found[0]


def get(conn: Conn, *, workspace_id: int, id: int) -> UserRead:
    found = repository.get_user(conn, workspace_id=workspace_id, id=id)
    if found is None:
        raise NotFound(f"No user with id {id}.")
    return found


def disable_in(conn: Conn, *, workspace_id: int, id: int, by: int) -> UserRead:
    """A workspace's admin disables one of its users (never themselves: someone must be
    left to sign in)."""
    if id == by:
        raise Conflict("You cannot disable yourself.")
    return disable(conn, email=get(conn, workspace_id=workspace_id, id=id).email)


def set_role_in(conn: Conn, *, workspace_id: int, id: int, role: str, by: int) -> UserRead:
    """A workspace's admin gives one of its users another role (never themselves: the
    last admin could otherwise leave no one to manage users). Their sessions carry on with
    the new role from their next page."""
    get(conn, workspace_id=workspace_id, id=id)
    if id == by:
        raise Conflict("You cannot change your own role.")
    if role not in ROLES:
        raise invalid("role", f"must be one of {', '.join(ROLES)}")
    updated = repository.update_user(conn, workspace_id=workspace_id, id=id, values={"role": role})
    assert updated is not None
    return updated


def change_password(conn: Conn, *, user: UserRead, password: str, idle: dt.timedelta) -> SignedIn:
    """A signed-in user's new password (they proved the current one): every session of
    theirs ends, and the browser that changed it gets a new one."""
    set_password(conn, email=user.email, password=password)
    return start_session(conn, user=user, idle=idle)


def disable(conn: Conn, *, email: str) -> UserRead:
    """Stop a user signing in; their open sessions end at once."""
    user = get_by_email(conn, email=email)
    updated = repository.update_user(
        conn,
        workspace_id=user.workspace_id,
        id=user.id,
        values={"disabled_at": user.disabled_at or clock.now()},
    )
    repository.delete_sessions_of(conn, workspace_id=user.workspace_id, user_id=user.id)
    assert updated is not None
    return updated


def set_password(conn: Conn, *, email: str, password: str) -> UserRead:
    """A new password (and enabled again); every session signed in with the old one ends."""
    user = get_by_email(conn, email=email)
    updated = repository.update_user(
        conn,
        workspace_id=user.workspace_id,
        id=user.id,
        values={
            "password_hash": _password_hash(password),
            "password_changed_at": clock.now(),
            "disabled_at": None,
        },
    )
    repository.delete_sessions_of(conn, workspace_id=user.workspace_id, user_id=user.id)
    assert updated is not None
    return updated


def check_password(conn: Conn, *, email: str, password: str) -> UserRead:
    """The enabled user with this email and password, or WrongPassword (whichever was wrong)."""
    address = email.strip().lower()
    # A NUL names no one (PostgreSQL cannot even compare it): checked against the decoy.
    found = None if "\x00" in address else repository.find_by_email(conn, email=address)
    user, stored = found if found is not None else (None, _decoy_hash())
    try:
        _hasher.verify(stored, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        raise WrongPassword() from None
    if user is None or user.disabled_at is not None:
        raise WrongPassword()
    return user


def start_session(
    conn: Conn, *, user: UserRead, idle: dt.timedelta, replaces: str | None = None
) -> SignedIn:
    """A new session for a user who just proved their password. The token is new at every
    sign-in (a session id planted before sign-in is worth nothing after it); the session
    the browser held before, and the user's sessions idle past ``idle``, are removed."""
    now = clock.now()
    if replaces:
        repository.delete_session(
            conn, workspace_id=user.workspace_id, token_hash=hash_token(replaces)
        )
    repository.delete_idle_sessions(
        conn, workspace_id=user.workspace_id, user_id=user.id, before=now - idle
    )
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    repository.insert_session(
        conn,
        workspace_id=user.workspace_id,
        user_id=user.id,
        token_hash=hash_token(token),
        csrf_token=csrf_token,
        now=now,
    )
    return SignedIn(user=user, token=token, csrf_token=csrf_token)


def resume(
    conn: Conn, *, workspace_id: int, token: str, idle: dt.timedelta
) -> tuple[Session, bool] | None:
    """The live session with this token and whether its last-used time is due a write;
    None when there is none, its user is disabled, or it has been idle past ``idle``."""
    found = repository.find_session(conn, workspace_id=workspace_id, token_hash=hash_token(token))
    if found is None:
        return None
    session, last_seen = found
    idle_for = clock.now() - last_seen
    if idle_for > idle:
        return None
    return session, idle_for >= TOUCH_EVERY


def touch(conn: Conn, *, session: Session) -> None:
    repository.touch_session(
        conn, workspace_id=session.user.workspace_id, id=session.id, now=clock.now()
    )


def end_session(conn: Conn, *, workspace_id: int, token: str) -> None:
    repository.delete_session(conn, workspace_id=workspace_id, token_hash=hash_token(token))


def caller_for(session: Session) -> Caller:
    """The user as the services know callers: their role's scopes in their workspace."""
    user = session.user
    return Caller(
        workspace_id=user.workspace_id,
        key_id=0,
        scopes=frozenset(ROLE_SCOPES[user.role]),
        default_region=session.default_region,
        via=f"user:{user.id}",
    )
