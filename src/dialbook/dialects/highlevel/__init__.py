"""HighLevel (LeadConnector): its contacts API at /compat/highlevel.

Integrators' HighLevel code (including the official SDKs) works by changing only the base
URL to ``http://<host>/compat/highlevel``. See docs/dialects/highlevel.md.
"""

from __future__ import annotations

from dialbook.dialects.base import Dialect
from dialbook.dialects.highlevel.endpoints import router
from dialbook.dialects.highlevel.errors import ERRORS, render
from dialbook.dialects.highlevel.webhooks import bodies

dialect = Dialect(
    name="highlevel", routers=(router,), render=render, errors=ERRORS, webhook_bodies=bodies
)

__all__ = ["dialect"]
