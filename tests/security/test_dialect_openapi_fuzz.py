"""Schemathesis against each dialect's own OpenAPI document (``/compat/<name>/openapi.json``),
on SQLite and on PostgreSQL: no 5xx, every answer one the document declares, and every error
in the platform's own shape (tests/security/surfaces.py), in its media type.

The documents are loaded from the app's own routes, as the native fuzz does
(test_openapi_fuzz.py). Cases go to one app per backend over a database seeded through the
native API, with the admin key (HighLevel's ``Version`` header is a required parameter of its
document; its ``locationId`` is set to the key's location). Bounded and repeatable: a fixed
number of examples per operation, derandomized, no example database; enough of them to send
a NUL character in a body that reaches the database (PostgreSQL answered 500 to one on
HighLevel and Nedzo).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dialbook import dialects
from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from dialbook.http import openapi
from tests.security.conftest import seed
from tests.security.surfaces import ERROR_SHAPES, Route

EXAMPLES = 25  # per operation, on top of the examples Schemathesis derives from the schema
DIALECTS = {d.name: d for d in dialects.discover()}

pytestmark = pytest.mark.slow  # about a minute per backend


def _document_app() -> Starlette:
    """The OpenAPI routes ``create_app`` mounts, without the database the rest needs."""
    return Starlette(
        routes=openapi.routes(
            openapi.build([]), {d.name: openapi.build_dialect(d) for d in DIALECTS.values()}
        )
    )


def _schema(name: str) -> Any:
    schema = schemathesis.openapi.from_asgi(f"/compat/{name}/openapi.json", _document_app())
    # The key is sent by the test; generated credentials would only test the 401 path.
    schema.config.generation.update(with_security_parameters=False)
    schema.hook(flatmap_body)
    schema.hook(flatmap_query)
    return schema


# -- NUL characters: Hypothesis's text seldom holds one; half the cases get one here --------


def _texts(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every string in ``value`` (a body or a query)."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def _with_nul(value: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return f"Nul\x00{value}"
    changed = copy.deepcopy(value)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = f"Nul\x00{parent[path[-1]]}"
    return changed


def _sometimes_nul(value: Any) -> st.SearchStrategy[Any]:
    paths = list(_texts(value))
    if not paths:
        return st.just(value)
    return st.one_of(st.just(value), st.sampled_from(paths).map(lambda p: _with_nul(value, p)))


def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    """Schemathesis hook (by its name): the body, or the body with a NUL in one text."""
    return _sometimes_nul(body)


def flatmap_query(context: Any, query: Any) -> st.SearchStrategy[Any]:
    """Schemathesis hook (by its name): the query, or the query with a NUL in one value."""
    return _sometimes_nul(query)


# Answers these documents do not promise, by design:
# - 422/400 for values JSON Schema cannot express (a phone number that is not one, an id
#   that names nothing): "schema-valid input must be accepted" does not hold;
# - the platforms' own leniencies (HighLevel reads an empty body as {}, Talkdesk an empty
#   record list update; unknown query parameters are ignored but on HighLevel):
#   "schema-invalid input must be rejected" does not either;
# - an unknown method is the platform's own answer (NestJS's 404 "Cannot PUT /path"), not 405;
# - a fixed segment is also an id (``/contacts/upsert`` is ``/contacts/{id}`` too, as on the
#   platforms), so a 405's ``Allow`` names the methods of both routes.
EXCLUDED = [
    schemathesis.checks.positive_data_acceptance,
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.unsupported_method,
    schemathesis.checks.allow_header_conformance,
]
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@dataclass(frozen=True, slots=True)
class Target:
    app: Starlette
    key: str
    location: str  # the key's workspace, as HighLevel's locationId


@pytest.fixture(scope="module")
def target(
    module_db: Database, admin_key_a: str, tmp_path_factory: pytest.TempPathFactory
) -> Target:
    """One app per backend for every operation of every dialect, seeded with one of each
    resource (what earlier operations left behind is part of the input)."""
    app = create_app(
        Settings(data_dir=tmp_path_factory.mktemp("data"), key_cache_seconds=0.0), db=module_db
    )
    with TestClient(app, headers={"Authorization": f"Bearer {admin_key_a}"}) as api:
        ids = seed(api)
    return Target(app, admin_key_a, str(ids.workspace))


def _route(name: str, case: schemathesis.Case) -> Route:
    """The route of the operation ``case`` was drawn for (whatever method it was sent with)."""
    method, path = case.operation.method.upper(), case.operation.path
    for router in DIALECTS[name].routers:
        for endpoint in router.endpoints:
            if endpoint.method == method and endpoint.path == path:
                return Route(name, endpoint)
    raise AssertionError(f"{method} {path} is not a {name} route")


def _fuzz(name: str, case: schemathesis.Case, target: Target) -> None:
    if name == "highlevel":
        _in_the_location(case, target.location)
    headers = {"Authorization": f"Bearer {target.key}"}
    response = case.call_and_validate(app=target.app, headers=headers, excluded_checks=EXCLUDED)
    if response.status_code >= 400:
        route = _route(name, case)
        media = DIALECTS[name].errors.media_type
        assert response.headers["content-type"][0].startswith(media), response.headers
        ERROR_SHAPES[name](route, response.status_code, response.json())


def _in_the_location(case: schemathesis.Case, location: str) -> None:
    """A HighLevel call names the key's location, as every client's does: another one is
    refused (403) before the rest of the input is read, so nothing else would be tested."""
    for part in (case.body, case.query, case.path_parameters):
        if isinstance(part, dict) and "locationId" in part:
            part["locationId"] = location


cleartalk = _schema("cleartalk")
highlevel = _schema("highlevel")
nedzo = _schema("nedzo")
salesfinity = _schema("salesfinity")
talkdesk = _schema("talkdesk")


@cleartalk.parametrize()
@FUZZ
def test_cleartalk_conforms_to_its_openapi(case: schemathesis.Case, target: Target) -> None:
    _fuzz("cleartalk", case, target)


@highlevel.parametrize()
@FUZZ
def test_highlevel_conforms_to_its_openapi(case: schemathesis.Case, target: Target) -> None:
    _fuzz("highlevel", case, target)


@nedzo.parametrize()
@FUZZ
def test_nedzo_conforms_to_its_openapi(case: schemathesis.Case, target: Target) -> None:
    _fuzz("nedzo", case, target)


@salesfinity.parametrize()
@FUZZ
def test_salesfinity_conforms_to_its_openapi(case: schemathesis.Case, target: Target) -> None:
    _fuzz("salesfinity", case, target)


@talkdesk.parametrize()
@FUZZ
def test_talkdesk_conforms_to_its_openapi(case: schemathesis.Case, target: Target) -> None:
    _fuzz("talkdesk", case, target)


def test_every_dialect_is_fuzzed() -> None:
    assert set(DIALECTS) == {"cleartalk", "highlevel", "nedzo", "salesfinity", "talkdesk"}
    assert set(DIALECTS) <= set(ERROR_SHAPES)


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_every_documented_operation_is_loaded(name: str) -> None:
    """None dropped as invalid by Schemathesis, and the document is valid OpenAPI 3.1."""
    schema = _schema(name)
    schema.validate()
    document = openapi.build_dialect(DIALECTS[name])
    assert all(result.ok() for result in schema.get_all_operations())
    documented = sum(len(ops) for ops in document["paths"].values())
    assert len(list(schema.get_all_operations())) == documented
