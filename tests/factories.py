"""Canonical contacts for pure translation tests (no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialbook.contacts import canonical
from dialbook.contacts.schemas import Contact, Phone

NOW = dt.datetime(2026, 11, 25, 12, 0, 1, 234000, tzinfo=dt.UTC)


def make_contact(**fields: Any) -> Contact:
    values: dict[str, Any] = {
        "id": 7,
        "workspace_id": 3,
        **canonical.defaults(),
        "list_id": 2,
        "timezone_source": None,
        "timezone_candidates": None,
        "status": "queued",
        "attempts": 0,
        "last_dial_at": None,
        "last_outcome": None,
        "created_at": NOW,
        "updated_at": NOW,
        "version": 1,
    }
    values.update(fields)
    return Contact(**values)


def phone(number: str) -> Phone:
    return Phone(number=number, raw=number, type="mobile")
