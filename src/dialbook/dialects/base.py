"""The shape every dialect fills in.

A dialect is an adapter, the same five files in every package: wire Structs in
``schemas.py``; pure translate functions in ``translate.py`` (wire -> canonical ``given``
fields, canonical results -> wire, canonical field names -> the platform's); the use cases
in ``service.py`` (plain functions of a connection calling the canonical services and the
shared plumbing of ``dialects/kit.py``); short handlers in ``endpoints.py`` (one service
call, then the wire body); and ``errors.py`` rendering a DialbookError as the platform's
own error body (and ``ERRORS``, its shape for the dialect's OpenAPI document at
``/compat/<name>/openapi.json``). No SQL, no tables.
"""

from __future__ import annotations

from collections.abc import Callable
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
    # The platform's name for a canonical field path (``phones[0].number`` -> ``phone``,
    # ``first_name`` -> ``firstName``; a name it does not rename comes back unchanged): what
    # its errors say (``kit.renamed``) and what its docs page's field table must show.
    wire_name: Callable[[str], str]
    # The platform's own webhook bodies: endpoints with ``format: "<name>"`` receive them.
    webhook_bodies: WebhookBodies | None = None

    @property
    def prefix(self) -> str:
        return f"/compat/{self.name}"
