"""Salesfinity's contact-list API (docs.salesfinity.ai), served at /compat/salesfinity.

See docs/dialects/salesfinity.md for what is supported and the choices made where
Salesfinity's documentation is silent.
"""

from __future__ import annotations

from dialbook.dialects.base import Dialect
from dialbook.dialects.salesfinity.endpoints import router
from dialbook.dialects.salesfinity.errors import ERRORS, render
from dialbook.dialects.salesfinity.translate import wire_field

dialect = Dialect(
    name="salesfinity", routers=(router,), render=render, errors=ERRORS, wire_name=wire_field
)

__all__ = ["dialect"]
