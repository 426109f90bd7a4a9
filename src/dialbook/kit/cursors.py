"""Opaque pagination cursors: the last id seen, URL-safe."""

from __future__ import annotations

import base64
import binascii

from dialbook.errors import invalid

MAX_ID = 2**63 - 1  # ids are signed 64-bit integers in both databases


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int | None:
    """The id inside ``cursor``, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, value = text.partition(":")
    # ASCII digits only ("²".isdigit() holds, int("²") fails), and no more than an id can be.
    if prefix != "id" or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    last = int(value)
    return last if last <= MAX_ID else None


def after(cursor: str | None) -> int:
    """The id to continue after (0 for the first page); a foreign cursor is a field error."""
    if not cursor:
        return 0
    decoded = decode(cursor)
    if decoded is None:
        raise invalid("cursor", "is not a cursor returned by this API")
    return decoded
