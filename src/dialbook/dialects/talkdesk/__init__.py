"""Talkdesk Record Lists (dialer lists) at /compat/talkdesk: see docs/dialects/talkdesk.md."""

from __future__ import annotations

from dialbook.dialects.base import Dialect
from dialbook.dialects.talkdesk.endpoints import router
from dialbook.dialects.talkdesk.errors import ERRORS, render
from dialbook.dialects.talkdesk.translate import wire_field

dialect = Dialect(
    name="talkdesk", routers=(router,), render=render, errors=ERRORS, wire_name=wire_field
)

__all__ = ["dialect"]
