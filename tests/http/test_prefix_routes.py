"""PrefixRoutes: a group of routes behind one prefix test answers as the same routes
would without it (full match, method not allowed, not found, url_path_for)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import NoMatchFound, Route
from starlette.testclient import TestClient

from dialbook.http.routing import PrefixRoutes


async def _echo(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"{request.method} {request.url.path} {dict(request.path_params)}")


def _app(grouped: bool) -> Starlette:
    routes = [
        Route("/v1/things", _echo, methods=["GET"], name="things"),
        Route("/v1/things/{id:int}", _echo, methods=["GET", "DELETE"], name="thing"),
        Route("/v1/things/{id:int}", _echo, methods=["PATCH"], name="thing-patch"),
    ]
    other = Route("/compat/x/things", _echo, methods=["POST"], name="x-things")
    return Starlette(routes=[PrefixRoutes("/v1/", routes), other] if grouped else [*routes, other])


REQUESTS = [
    ("GET", "/v1/things"),
    ("GET", "/v1/things/7"),
    ("PATCH", "/v1/things/7"),  # found in a later route of the group
    ("POST", "/v1/things/7"),  # the path matches, the method does not: 405
    ("GET", "/v1/things/seven"),  # 404
    ("GET", "/v2/things"),  # outside the prefix: 404
    ("POST", "/compat/x/things"),  # a route after the group still answers
    ("GET", "/compat/x/things"),
]


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_a_group_answers_as_its_routes_would_alone(method: str, path: str) -> None:
    grouped, flat = TestClient(_app(True)), TestClient(_app(False))
    ours, theirs = grouped.request(method, path), flat.request(method, path)
    assert (ours.status_code, ours.text, ours.headers.get("allow")) == (
        theirs.status_code,
        theirs.text,
        theirs.headers.get("allow"),
    )


def test_url_path_for_finds_a_route_inside_the_group() -> None:
    app = _app(True)
    assert app.url_path_for("thing", id=7) == "/v1/things/7"
    assert app.url_path_for("x-things") == "/compat/x/things"
    with pytest.raises(NoMatchFound):
        app.url_path_for("missing")
