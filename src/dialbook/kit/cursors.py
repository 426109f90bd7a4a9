"""Opaque pagination cursors: the last id seen, URL-safe."""

from __future__ import annotations

import base64
import binascii


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int | None:
    """The id inside ``cursor``, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, value = text.partition(":")
    if prefix != "id" or not value.isdigit():
        return None
    return int(value)
