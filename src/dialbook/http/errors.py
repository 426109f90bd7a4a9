"""Rendering errors: one function per API surface turns a DialbookError into its body.

``exception_handlers(surfaces)`` gives the app the handlers that route every failure (domain
errors, unmatched routes and methods, unexpected exceptions) to the renderer of the surface
the request's path belongs to (``/compat/<vendor>/...`` or the native API), so each surface
answers in exactly one error format.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match

from dialbook.errors import (
    DialbookError,
    DuplicateContact,
    MethodNotAllowed,
    NotFound,
    TooManyRequests,
    VersionConflict,
)
from dialbook.http.routing import json_response

log = logging.getLogger("dialbook.http")

Render = Callable[[Request, DialbookError], Response]
ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


class FieldErrorBody(msgspec.Struct):
    name: str
    detail: str


class ErrorBody(msgspec.Struct, omit_defaults=True):
    """The native error body."""

    error: str
    detail: str
    fields: list[FieldErrorBody] = []
    existing_id: int | None = None
    current_version: int | None = None


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """What a surface's errors look like, for its OpenAPI document: the body (a Struct, or a
    union of them), every status it answers with (described) and the media type."""

    body: Any
    statuses: Mapping[int, str]
    media_type: str = "application/json"
    # Statuses only reading a body gives (not documented for a GET or DELETE without one).
    body_only: frozenset[int] = frozenset()


NATIVE_ERRORS = ErrorShape(
    ErrorBody,
    {
        400: "The body is not JSON",
        401: "Missing, unknown or revoked API key",
        403: "The key lacks the scope",
        404: "Not found",
        409: "Conflicts with existing data (e.g. a duplicate contact)",
        413: "Body too large",
        422: "A field is invalid; `fields` names each one",
    },
    body_only=frozenset({400}),
)


def render_native(request: Request, error: DialbookError) -> Response:
    body = ErrorBody(
        error=error.code,
        detail=error.detail,
        fields=[FieldErrorBody(f.name, f.detail) for f in error.fields],
    )
    if isinstance(error, DuplicateContact):
        body.existing_id = error.existing_id
    if isinstance(error, VersionConflict):
        body.current_version = error.current_version
    return json_response(body, error.status, error_headers(error))


def error_headers(error: DialbookError) -> dict[str, str] | None:
    """Headers every surface sends with an error (whatever its body looks like)."""
    if error.status == 401:
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, TooManyRequests):
        return {"Retry-After": str(error.retry_after)}
    return None


def from_http_exception(error: HTTPException) -> DialbookError:
    if error.status_code == 404:
        return NotFound("No such route.")
    if error.status_code == 405:
        return MethodNotAllowed()
    converted = DialbookError(str(error.detail))
    converted.status = error.status_code
    return converted


def allowed_methods(request: Request) -> str:
    """Every method some route of the app answers on the request's path (each endpoint is
    its own route, so Starlette's own ``Allow`` names only the first route's methods)."""
    methods: set[str] = set()
    routes = list(request.app.routes)
    while routes:
        route = routes.pop()
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            routes += getattr(route, "routes", None) or []  # a group (PrefixRoutes)
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def exception_handlers(surfaces: Mapping[str, Render]) -> Mapping[Any, ExceptionHandler]:
    """Handlers choosing the renderer by the longest matching path prefix; native otherwise."""
    prefixes = sorted(surfaces, key=len, reverse=True)

    def render(request: Request, error: DialbookError) -> Response:
        path = request.url.path
        renderer = next(
            (surfaces[p] for p in prefixes if path == p or path.startswith(p + "/")),
            render_native,
        )
        response = renderer(request, error)
        for name, value in (error_headers(error) or {}).items():
            response.headers.setdefault(name, value)
        return response

    async def domain(request: Request, error: Exception) -> Response:
        assert isinstance(error, DialbookError)
        return render(request, error)

    async def http(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        response = render(request, from_http_exception(error))
        if response.status_code == 405:  # RFC 9110: a 405 lists the methods the path allows
            response.headers["Allow"] = allowed_methods(request)
        return response

    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render(request, DialbookError())

    return {DialbookError: domain, HTTPException: http, Exception: unexpected}
