"""HighLevel (LeadConnector): its contacts API at /compat/highlevel.

Integrators' HighLevel code (including the official SDKs) works by changing only the base
URL to ``http://<host>/compat/highlevel``. See docs/dialects/highlevel.md.
"""

from __future__ import annotations

from dialbook.dialects.base import Dialect
from dialbook.dialects.highlevel.endpoints import router
from dialbook.dialects.highlevel.errors import ERRORS, render
from dialbook.dialects.highlevel.translate import wire_name
from dialbook.dialects.highlevel.webhooks import bodies

dialect = Dialect(
    name="highlevel",
    routers=(router,),
    render=render,
    errors=ERRORS,
    wire_name=wire_name,
    webhook_bodies=bodies,
)

__all__ = ["dialect"]
