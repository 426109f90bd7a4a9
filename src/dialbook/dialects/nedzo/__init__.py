"""Nedzo (docs.nedzo.ai): the seed's /v1/contact/ API and the current /v1/contacts API.

See docs/dialects/nedzo.md for what is supported and where we chose.
"""

from __future__ import annotations

from dialbook.dialects.base import Dialect
from dialbook.dialects.nedzo.endpoints import legacy, router
from dialbook.dialects.nedzo.errors import ERRORS, current_name, render

dialect = Dialect(
    name="nedzo", routers=(legacy, router), render=render, errors=ERRORS, wire_name=current_name
)
