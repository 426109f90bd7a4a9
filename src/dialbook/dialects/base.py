"""The shape every dialect fills in.

A dialect is an adapter: wire Structs in ``schemas.py``, pure translate functions in
``translate.py`` (wire -> canonical ``given`` fields, canonical ``Contact`` -> wire, and
canonical field names -> the platform's names for errors), handlers in ``endpoints.py``
that call the canonical services, and ``errors.py`` rendering a DialbookError as the
platform's own error body (and ``ERRORS``, its shape for the dialect's OpenAPI document at
``/compat/<name>/openapi.json``). No SQL, no tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialbook.http.errors import ErrorShape, Render
from dialbook.http.routing import Router
from dialbook.webhooks.service import Render as WebhookBodies


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str  # "highlevel"
    routers: tuple[Router, ...]
    render: Render
    errors: ErrorShape  # what ``render`` answers, for the dialect's OpenAPI document
    # The platform's own webhook bodies: endpoints with ``format: "<name>"`` receive them.
    webhook_bodies: WebhookBodies | None = None

    @property
    def prefix(self) -> str:
        return f"/compat/{self.name}"
