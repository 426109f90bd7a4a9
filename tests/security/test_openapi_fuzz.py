"""Schemathesis against the native API's own /openapi.json: no 5xx, and every answer is one
the document declares (status, content type, body schema, headers such as 405's ``Allow``).

The document is loaded through Schemathesis's ASGI loader at import time, from an app that
serves exactly the routes ``create_app`` mounts for it (``openapi.routes(openapi.build(...))``;
``test_the_fuzzed_document_is_the_served_one`` checks the bytes are the same). Each case is
then sent to a fresh ``create_app(settings, db=db)`` over a seeded SQLite database, with the
admin key. (Schemathesis's lazy ``pytest.from_fixture`` loader cannot be used: it writes
pytest's private ``Node._nodeid``, which pytest 9 no longer has.)

Bounded and repeatable: a fixed number of examples per operation, derandomized, no example
database. SQLite only; the PostgreSQL paths are covered by the isolation and dialect tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dialbook.app import NATIVE, create_app
from dialbook.config import Settings
from dialbook.db import Database
from dialbook.http import openapi
from dialbook.onboarding import service as onboarding

EXAMPLES = 12  # per operation, on top of the examples Schemathesis derives from the schema


def _document_app() -> Starlette:
    """The OpenAPI routes ``create_app`` mounts, without the database the rest needs."""
    return Starlette(routes=openapi.routes(openapi.build(NATIVE), {}))


# The event stream never ends (tests/events/test_stream.py reads it from a live server).
STREAM = "/v1/events/stream"
schema = schemathesis.openapi.from_asgi("/openapi.json", _document_app()).exclude(path=STREAM)
# The key is sent by the test; generated credentials would only test the 401 path.
schema.config.generation.update(with_security_parameters=False)

# 422 for values JSON Schema cannot express is the documented contract (an unknown region
# code, a phone number that is not one, a list id that does not exist, a cursor this API did
# not issue), so "schema-valid input must be accepted" does not hold for this API.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture(scope="module")
def native(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[Starlette, str]]:
    """One app and its admin key for every operation (what earlier operations left behind is
    part of the input), seeded with one of each resource under small ids so that generated
    ids sometimes name real rows."""
    directory = tmp_path_factory.mktemp("openapi-fuzz")
    shutil.copy(sqlite_template, directory / "fuzz.db")
    database = Database(f"sqlite:///{directory / 'fuzz.db'}")
    created = database.run_write(onboarding.bootstrap, default_region="US", with_key=True)
    assert created is not None
    app = create_app(Settings(data_dir=directory / "data", key_cache_seconds=0.0), db=database)
    with TestClient(app, headers={"Authorization": f"Bearer {created.key}"}) as api:
        _seed(api)
    yield app, created.key
    database.close()


def _seed(api: TestClient) -> None:
    def ok(method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = api.request(method, url, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else {}

    lst = ok("POST", "/v1/lists", json={"name": "Seeded"})
    ok("POST", "/v1/custom-fields", json={"key": "score", "label": "Score", "type": "number"})
    for n in range(3):
        ok(
            "POST",
            "/v1/contacts",
            json={"list_id": lst["id"], "first_name": f"Seed{n}", "phones": [f"+1415555010{n}"]},
        )
    suppressions = ok("POST", "/v1/suppression-lists", json={"name": "Internal DNC"})
    ok(
        "POST",
        "/v1/suppressions",
        json={"suppression_list_id": suppressions["id"], "number": "+14155550199"},
    )
    ok("POST", f"/v1/lists/{lst['id']}/queue/claim", json={"count": 1})


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_native_api_conforms_to_its_openapi(
    case: schemathesis.Case, native: tuple[Starlette, str]
) -> None:
    app, key = native
    if case.query and "wait" in case.query:
        case.query["wait"] = 0  # a long poll past the seeded events would only wait its time out
    case.call_and_validate(
        app=app, headers={"Authorization": f"Bearer {key}"}, excluded_checks=EXCLUDED
    )


def test_the_fuzzed_document_is_the_served_one(native: tuple[Starlette, str]) -> None:
    with TestClient(native[0]) as served, TestClient(_document_app()) as document:
        assert served.get("/openapi.json").content == document.get("/openapi.json").content


def test_operations_are_all_fuzzed() -> None:
    """Every documented operation is loaded (none dropped as invalid by Schemathesis)."""
    loaded = [result.ok() for result in schema.get_all_operations()]
    documented = sum(len(ops) for ops in openapi.build(NATIVE)["paths"].values())
    assert len(loaded) == documented - 1  # all but the stream
