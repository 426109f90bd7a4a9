"""Declaring endpoints: typed handlers in, Starlette routes and OpenAPI operations out.

A handler is ``async def handler(ctx, body?, query?) -> Struct | Response | None``. The
route wrapper authenticates the key, checks the scope, reads and decodes the body and the
query string into the declared Structs, and encodes the result. Domain errors propagate to
the surface's exception handler (native or dialect), which renders them once.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

from dialbook.config import Settings
from dialbook.db import Database
from dialbook.errors import Forbidden, NotFound
from dialbook.http.auth import KeyAuthenticator
from dialbook.http.body import NATIVE, BodyPolicy, read_body
from dialbook.http.limits import RateLimiter
from dialbook.idempotency import service as idempotency_service
from dialbook.kit.workers import Workers
from dialbook.workspaces.schemas import Caller

_encoder = msgspec.json.Encoder()
# Ids are signed 64-bit integers in both databases; a larger `{id:int}` names nothing.
MAX_ID = 2**63 - 1


def json_response(
    content: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        _encoder.encode(content), status_code=status, media_type="application/json", headers=headers
    )


@dataclass(slots=True)
class Services:
    """What every handler may use; built once per app."""

    db: Database
    settings: Settings
    keys: KeyAuthenticator
    workers: Workers  # the background workers each domain registered (get one by type)
    limits: RateLimiter


@dataclass(slots=True)
class Context:
    request: Request
    caller: Caller
    services: Services

    @property
    def db(self) -> Database:
        return self.services.db

    def path(self, name: str) -> Any:
        return self.request.path_params[name]


Handler = Callable[..., Awaitable[Any]]
Check = Callable[[Request], None]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    scope: str | None
    body: Any = None
    query: Any = None
    response: Any = None
    status: int = 200
    summary: str = ""
    tag: str = ""
    # Other successful answers the handler may give, (status, response Struct), for OpenAPI.
    also: tuple[tuple[int, Any], ...] = ()
    # The media types of a body the handler reads itself (an upload), for OpenAPI.
    content: tuple[str, ...] = ()
    # An empty body reads as ``{}`` (every member of the body Struct is optional).
    optional_body: bool = False


@dataclass
class Router:
    """The endpoints of one area (e.g. contacts) or one dialect."""

    tag: str
    prefix: str = ""
    checks: list[Check] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    # How every endpoint's body and query string are read: handlers only declare their types.
    bodies: BodyPolicy = NATIVE
    # Headers every call must send (a Struct of header names), for OpenAPI: ``checks`` check them.
    headers: Any = None

    def route(
        self,
        method: str,
        path: str,
        *,
        scope: str | None,
        response: Any = None,
        status: int = 200,
        summary: str | None = None,
        also: dict[int, Any] | None = None,
        content: tuple[str, ...] = (),
        optional_body: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Declare an endpoint; the body and query types come from the handler's signature,
        and so does the response type when the handler returns a Struct (or a list of
        them). The summary is the docstring's first paragraph."""

        def decorate(handler: Handler) -> Handler:
            hints = inspect.get_annotations(handler, eval_str=True)
            self.endpoints.append(
                Endpoint(
                    method=method,
                    path=self.prefix + path,
                    handler=handler,
                    scope=scope,
                    body=hints.get("body"),
                    query=hints.get("query"),
                    response=response if response is not None else _wire(hints.get("return")),
                    status=status,
                    summary=summary or _first_paragraph(handler.__doc__),
                    tag=self.tag,
                    also=tuple((also or {}).items()),
                    content=content,
                    optional_body=optional_body,
                )
            )
            return handler

        return decorate

    def routes(self, services: Services) -> list[Route]:
        return [
            Route(e.path, _asgi(e, services, self.checks, self.bodies), methods=[e.method])
            for e in self.endpoints
        ]


def _wire(hint: Any) -> Any:
    """A handler's return annotation when it is a wire type (Structs), else None: a
    Response, None or Any says nothing about the body."""
    if hint is None or hint is Any or hint is type(None):
        return None
    if isinstance(hint, type) and issubclass(hint, Response):
        return None
    try:
        for option in members(hint):
            msgspec.inspect.type_info(option)
    except TypeError:
        return None
    return hint


def members(type_: Any) -> tuple[Any, ...]:
    """The members of a union (``A | B``), else the type alone: msgspec describes a union
    of untagged Structs only member by member."""
    if isinstance(type_, types.UnionType) or typing.get_origin(type_) is typing.Union:
        return typing.get_args(type_)
    return (type_,)


def _first_paragraph(doc: str | None) -> str:
    return " ".join(inspect.cleandoc(doc or "").split("\n\n")[0].split())


class PrefixRoutes(BaseRoute):
    """Routes whose paths all start with ``prefix`` (``/v1/``, or a dialect's). Starlette
    tries an app's routes in order, a regular expression each; one string test here skips
    the whole group for any other path, so a request to the last dialect does not pay for
    every route before it."""

    def __init__(self, prefix: str, routes: Sequence[BaseRoute]) -> None:
        self.prefix = prefix
        self.routes = list(routes)
        # (method, path) -> the route without path parameters that matched it: the same
        # request always matches the same route, so the next one tries only that.
        self._static: dict[tuple[str, str], BaseRoute] = {}

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if not path.startswith(self.prefix):
            return Match.NONE, {}
        key = (scope.get("method", ""), path)
        known = self._static.get(key)
        if known is not None:
            match, child = known.matches(scope)
            return match, {**child, INNER_ROUTE: known}
        partial: Scope | None = None
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                if not getattr(route, "param_convertors", True):
                    self._static[key] = route
                return match, {**child, INNER_ROUTE: route}
            if match is Match.PARTIAL and partial is None:
                partial = {**child, INNER_ROUTE: route}
        return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope[INNER_ROUTE].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)


INNER_ROUTE = "dialbook.route"  # the matched route of a PrefixRoutes, in the request's scope


_REPLAYED_HEADERS = ("content-type", "location", "etag")


async def _idempotent(
    services: Services,
    request: Request,
    caller: Caller,
    key: str,
    raw: bytes,
    run: Callable[[], Awaitable[Response]],
) -> Response:
    """Run once per Idempotency-Key; replay the stored response to retries."""
    # An upload is not read here: it is told apart by its length and name, not its bytes.
    body = raw or request.headers.get("content-length", "").encode()
    found = await services.db.write(
        idempotency_service.begin,
        workspace_id=caller.workspace_id,
        key=key,
        fingerprint=idempotency_service.fingerprint(
            request.method, request.url.path, request.url.query, body
        ),
    )
    if isinstance(found, idempotency_service.Stored):
        return Response(
            found.body,
            status_code=found.status,
            headers={**found.headers, "Idempotent-Replayed": "true"},
        )
    try:
        response = await run()
    except BaseException:
        await services.db.write(
            idempotency_service.abandon, workspace_id=caller.workspace_id, id=found
        )
        raise
    if 200 <= response.status_code < 300 and hasattr(response, "body"):
        headers = {k: v for k, v in response.headers.items() if k in _REPLAYED_HEADERS}
        await services.db.write(
            idempotency_service.complete,
            workspace_id=caller.workspace_id,
            id=found,
            status=response.status_code,
            headers=headers,
            body=bytes(response.body),
        )
    else:
        await services.db.write(
            idempotency_service.abandon, workspace_id=caller.workspace_id, id=found
        )
    return response


def _asgi(
    endpoint: Endpoint, services: Services, checks: list[Check], bodies: BodyPolicy
) -> Callable[[Request], Awaitable[Response]]:
    limit = services.settings.max_body_bytes

    async def call(request: Request) -> Response:
        for check in checks:
            check(request)
        caller = await services.keys.authenticate(request)
        if endpoint.scope is not None and not caller.allows(endpoint.scope):
            raise Forbidden(f"This API key lacks the {endpoint.scope!r} scope.")
        await services.limits.check(caller)
        raw = b""
        if endpoint.body is not None:
            raw = await read_body(request, limit)
        key = request.headers.get("idempotency-key") if endpoint.method == "POST" else None
        if key is None:
            return await run(request, caller, raw)
        return await _idempotent(
            services, request, caller, key, raw, lambda: run(request, caller, raw)
        )

    async def run(request: Request, caller: Caller, raw: bytes) -> Response:
        if any(isinstance(v, int) and v > MAX_ID for v in request.path_params.values()):
            raise NotFound()
        kwargs: dict[str, Any] = {}
        if endpoint.body is not None:
            sent = b"{}" if endpoint.optional_body and not raw.strip() else raw
            kwargs["body"] = bodies.body(sent, endpoint.body, request.headers.get("content-type"))
        if endpoint.query is not None:
            kwargs["query"] = bodies.query(dict(request.query_params), endpoint.query)
        result = await endpoint.handler(Context(request, caller, services), **kwargs)
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status_code=204 if endpoint.status in (200, 204) else endpoint.status)
        return json_response(result, endpoint.status)

    return call
