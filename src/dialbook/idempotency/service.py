"""Rules for Idempotency-Key.

The first POST with a key runs and, when it succeeds, its response is kept for 24 hours.
The same key with the same method, path and body replays that response and changes
nothing; with a different request it is refused (422); while the first is still running,
a retry is refused (409). A failed request keeps nothing, so it may be retried with the
same key. Keys belong to the workspace of the API key that sent them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from dialbook.db import Conn, locks
from dialbook.errors import Conflict, FieldError, InvalidInput
from dialbook.idempotency import repository
from dialbook.kit import clock

TTL = dt.timedelta(hours=24)
MAX_KEY = 255


@dataclass(frozen=True, slots=True)
class Stored:
    status: int
    headers: dict[str, str]
    body: bytes


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode()):
        digest.update(part + b"\0")
    digest.update(body)
    return digest.hexdigest()


def begin(conn: Conn, *, workspace_id: int, key: str, fingerprint: str) -> int | Stored:
    """The id of a new pending record, or the stored response to replay."""
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(
            fields=[FieldError("Idempotency-Key", f"must be 1 to {MAX_KEY} characters")]
        )
    locks.lock(conn, [f"idempotency:{workspace_id}:{key}"])  # concurrent first uses: one runs
    now = clock.now()
    repository.purge_expired(conn, now=now)
    found = repository.find(conn, workspace_id=workspace_id, key=key)
    if found is not None and found["expires_at"] <= now:
        repository.remove(conn, workspace_id=workspace_id, id=found["id"])
        found = None
    if found is None:
        return repository.insert_pending(
            conn, workspace_id=workspace_id, key=key, fingerprint=fingerprint, now=now, ttl=TTL
        )
    if found["fingerprint"] != fingerprint:
        raise InvalidInput(
            "This Idempotency-Key was used for a different request.",
            fields=[FieldError("Idempotency-Key", "was used with another method, path or body")],
        )
    if found["status"] is None:
        raise Conflict("A request with this Idempotency-Key is still being processed.")
    return Stored(found["status"], found["headers"] or {}, found["body"] or b"")


def complete(
    conn: Conn, *, workspace_id: int, id: int, status: int, headers: dict[str, str], body: bytes
) -> None:
    repository.complete(
        conn, workspace_id=workspace_id, id=id, status=status, headers=headers, body=body
    )


def abandon(conn: Conn, *, workspace_id: int, id: int) -> None:
    repository.remove(conn, workspace_id=workspace_id, id=id)
