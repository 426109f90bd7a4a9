"""ClearTalk (docs.cleartalk.ai): create a contact, create contacts in bulk.

See docs/dialects/cleartalk.md for what is supported and where we chose.
"""

from __future__ import annotations

from dialbook.dialects.base import Dialect
from dialbook.dialects.cleartalk.endpoints import router
from dialbook.dialects.cleartalk.errors import ERRORS, render, wire_name

dialect = Dialect(
    name="cleartalk", routers=(router,), render=render, errors=ERRORS, wire_name=wire_name
)
