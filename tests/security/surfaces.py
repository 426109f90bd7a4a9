"""What the security tests know about each API surface (the native /v1 API and every
dialect): its routes, taken from the routers; how it spells each resource's id in a path;
and the shape of its error body, asserted per surface."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from dialbook import dialects
from dialbook.app import NATIVE
from dialbook.http.routing import Endpoint

# Sent on every request: HighLevel refuses calls without a published Version header (401).
HEADERS: Mapping[str, str] = {"Version": "2021-07-28"}


@dataclass(frozen=True, slots=True)
class Route:
    surface: str  # "native", or the dialect's name
    endpoint: Endpoint

    @property
    def method(self) -> str:
        return self.endpoint.method

    @property
    def path(self) -> str:
        return self.endpoint.path

    @property
    def reads_body(self) -> bool:
        return self.endpoint.body is not None

    @property
    def name(self) -> str:
        """The surface and handler: ``highlevel.create_contact``."""
        return f"{self.surface}.{self.endpoint.handler.__name__}"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def native_routes() -> list[Route]:
    return [Route("native", e) for router in NATIVE for e in router.endpoints]


def dialect_routes() -> list[Route]:
    return [
        Route(d.name, e)
        for d in dialects.discover()
        for router in d.routers
        for e in router.endpoints
    ]


def all_routes() -> list[Route]:
    return native_routes() + dialect_routes()


def distinct(routes: list[Route]) -> list[Route]:
    """One route per handler (HighLevel serves each path with and without a trailing slash)."""
    seen: dict[tuple[str, str], Route] = {}
    for route in routes:
        seen.setdefault((route.method, route.name), route)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class Ids:
    """One workspace's resources: the ids routes name them by."""

    workspace: int
    key: int
    list: int
    contact: int
    field: int
    suppression_list: int
    suppression: int
    lease: int
    import_job: int
    webhook_endpoint: int


# The path segment before a parameter names the resource it is the id of, on every surface.
_RESOURCE = {
    "workspaces": "workspace",
    "locations": "workspace",
    "keys": "key",
    "lists": "list",
    "contact-lists": "list",
    "csv": "list",
    "record-lists": "list",
    "contact-list": "list",
    "contacts": "contact",
    "contact": "contact",
    "records": "contact",
    "custom-fields": "field",
    "suppression-lists": "suppression_list",
    "do-not-call-lists": "suppression_list",
    "suppressions": "suppression",
    "entries": "suppression",
    "leases": "lease",
    "imports": "import_job",
    "webhook-endpoints": "webhook_endpoint",
}


# Path parameters that are names, the same in every workspace (not ids): a registry's.
NAMED = {"dnc-registries": "us-national"}


def spell(surface: str, value: int) -> str:
    """An id as the surface shows it (see docs/dialects/*.md)."""
    if surface == "salesfinity":
        return f"{value:024x}"  # a MongoDB ObjectId
    if surface == "nedzo":
        return str(uuid.UUID(int=value))
    return str(value)


def fill(route: Route, ids: Ids) -> str:
    """The route's path with each parameter set to the id of the resource it names."""
    parts = route.path.split("/")
    for i, part in enumerate(parts):
        if part.startswith("{") and parts[i - 1] in NAMED:
            parts[i] = NAMED[parts[i - 1]]
        elif part.startswith("{"):
            resource = _RESOURCE.get(parts[i - 1])
            assert resource is not None, (
                f"{route}: which resource does {part} name? Add its path segment to _RESOURCE."
            )
            parts[i] = spell(route.surface, getattr(ids, resource))
    return "/".join(parts)


def with_param(route: Route, value: str) -> str:
    """The route's path with every parameter set to ``value`` (as sent, unescaped)."""
    return "/".join(value if p.startswith("{") else p for p in route.path.split("/"))


# -- error bodies -------------------------------------------------------------------------


def assert_error(
    route: Route, response: httpx.Response, status: int | None = None, *, case: object = ""
) -> None:
    """A 4xx (``status`` when given) whose body is the surface's own error format; ``case``
    names the input in the failure message."""
    try:
        assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
        if status is not None:
            assert response.status_code == status, (response.status_code, response.text[:500])
        assert response.headers["content-type"].startswith(
            "application/problem+json" if route.surface == "nedzo" else "application/json"
        ), response.headers["content-type"]
        body = response.json()
        assert isinstance(body, dict), body
        ERROR_SHAPES[route.surface](route, response.status_code, body)
    except AssertionError as error:
        raise AssertionError(f"{route} [{str(case)[:200]}]: {error}") from None


def _messages(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(m, str) for m in value)
    )


def _native(route: Route, status: int, body: dict[str, Any]) -> None:
    assert set(body) <= {"error", "detail", "fields", "existing_id", "current_version"}, body
    assert isinstance(body["error"], str), body
    assert isinstance(body["detail"], str), body
    assert body["error"], body
    assert body["detail"], body
    for field in body.get("fields", []):
        assert set(field) == {"name", "detail"}, body


def _nest(route: Route, status: int, body: dict[str, Any]) -> None:
    """Salesfinity: NestJS's default body ``{statusCode, message, error}``."""
    assert set(body) == {"statusCode", "message", "error"}, body
    assert body["statusCode"] == status, body
    assert _messages(body["message"]), body
    assert isinstance(body["error"], str), body


def _highlevel(route: Route, status: int, body: dict[str, Any]) -> None:
    """``{statusCode, message, error?}``; a duplicate contact adds ``meta``."""
    assert {"statusCode", "message"} <= set(body) <= {"statusCode", "message", "error", "meta"}
    assert body["statusCode"] == status, body
    assert _messages(body["message"]), body
    assert isinstance(body.get("error", ""), str), body


def _cleartalk(route: Route, status: int, body: dict[str, Any]) -> None:
    """NestJS's body plus ``fields`` (and ``existingId`` for a duplicate)."""
    assert {"statusCode", "message", "error"} <= set(body), body
    assert set(body) <= {"statusCode", "message", "error", "fields", "existingId"}, body
    assert body["statusCode"] == status, body
    assert _messages(body["message"]), body
    for field in body.get("fields", []):
        assert set(field) == {"field", "message"}, body


def _talkdesk(route: Route, status: int, body: dict[str, Any]) -> None:
    """``{code, message, description?, fields: [{name, description}]}``."""
    assert {"code", "message", "fields"} <= set(body), body
    assert set(body) <= {"code", "message", "description", "fields"}, body
    assert isinstance(body["code"], str), body
    assert isinstance(body["message"], str), body
    assert all(set(f) == {"name", "description"} for f in body["fields"]), body


def _nedzo(route: Route, status: int, body: dict[str, Any]) -> None:
    """RFC 7807 problem details; the seed's routes add their envelope members."""
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status, body
    assert body["type"].startswith("https://api.nedzo.ai/errors/"), body
    assert isinstance(body["title"], str), body
    assert isinstance(body["detail"], str), body
    extra = {"errors", "existingId", "existing_id", "status_code", "message", "data"}
    assert set(body) - {"type", "title", "status", "detail"} <= extra, body
    for error in body.get("errors", []):
        assert set(error) == {"field", "detail"}, body
    if "status_code" in body:  # the legacy envelope
        assert body["status_code"] == status, body
        assert body["data"] is None, body


ERROR_SHAPES = {
    "native": _native,
    "salesfinity": _nest,
    "highlevel": _highlevel,
    "cleartalk": _cleartalk,
    "talkdesk": _talkdesk,
    "nedzo": _nedzo,
}
