"""Hostile input at every dialect route: malformed JSON, wrong types, 1 MB strings, 10,000
levels of nesting, invalid UTF-8, bodies over ``max_body_bytes``, ids that cannot be ids.
Each is always a 4xx in that route's own error format (tests/security/surfaces.py), never a
5xx. Routes come from the dialects' routers, so a new route is fuzzed without a change here.
Native routes get what Schemathesis (test_openapi_fuzz.py) never sends: malformed and
oversized bodies and impossible ids.

Runs on SQLite and on PostgreSQL (when one answers), one seeded database per backend.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec import inspect
from starlette.testclient import TestClient

from dialbook.db import Database
from tests.security.conftest import make_client, seed
from tests.security.surfaces import (
    ERROR_SHAPES,
    Ids,
    Route,
    assert_error,
    dialect_routes,
    distinct,
    fill,
    native_routes,
    with_param,
)

SMALL_LIMIT = 4096  # max_body_bytes of the app that checks 413s
MB = 1024 * 1024

ROUTES = dialect_routes()
BODY_ROUTES = [r for r in ROUTES if r.reads_body]
ANY_BODY_ROUTES = [r for r in native_routes() if r.reads_body] + BODY_ROUTES
PARAM_ROUTES = [r for r in native_routes() + ROUTES if "{" in r.path]


def body_type(route: Route) -> Any:
    return route.endpoint.body


def query_type(route: Route) -> Any:
    return route.endpoint.query


# -- what a field accepts -----------------------------------------------------------------

KINDS: dict[str, Any] = {
    "null": None,
    "bool": True,
    "int": 7,
    "float": 2.5,
    "string": "text",
    "array": [7],
    "object": {"k": 7},
}
_STRINGS = (
    inspect.StrType,
    inspect.DateTimeType,
    inspect.DateType,
    inspect.TimeType,
    inspect.UUIDType,
    inspect.BytesType,
)
_ARRAYS = (
    inspect.ListType,
    inspect.SetType,
    inspect.FrozenSetType,
    inspect.VarTupleType,
    inspect.TupleType,
)
_OBJECTS = (inspect.DictType, inspect.TypedDictType, inspect.DataclassType)


def accepted(t: inspect.Type) -> set[str]:
    """The JSON kinds msgspec decodes into ``t``; every kind when it cannot tell."""
    if isinstance(t, inspect.UnionType):
        return set().union(*(accepted(member) for member in t.types))
    if isinstance(t, inspect.Metadata):
        return accepted(t.type)
    simple = {inspect.NoneType: "null", inspect.BoolType: "bool", inspect.IntType: "int"}
    for kind_type, kind in simple.items():
        if isinstance(t, kind_type):
            return {kind}
    if isinstance(t, inspect.FloatType):
        return {"int", "float"}
    if isinstance(t, _STRINGS):
        return {"string"}
    if isinstance(t, inspect.LiteralType | inspect.EnumType):
        values = t.values if isinstance(t, inspect.LiteralType) else [m.value for m in t.cls]
        return {_kind(v) for v in values}
    if isinstance(t, _ARRAYS):
        return {"array"}
    if isinstance(t, inspect.StructType):
        return {"array"} if t.array_like else {"object"}
    if isinstance(t, _OBJECTS):
        return {"object"}
    return set(KINDS)  # Any, Raw, custom types


def _kind(value: Any) -> str:
    return (
        next(k for k, v in KINDS.items() if type(v) is type(value)) if value is not None else "null"
    )


@dataclass(frozen=True)
class Shape:
    """The object a body route reads (its fields), and whether it comes inside an array."""

    fields: tuple[inspect.Field, ...]
    in_array: bool

    def wrap(self, item: dict[str, Any]) -> Any:
        return [item] if self.in_array else item


def shape(route: Route) -> Shape | None:
    declared = body_type(route)
    if declared is None:
        return None
    info = inspect.type_info(declared)
    members = info.types if isinstance(info, inspect.UnionType) else (info,)
    for member in members:
        if isinstance(member, inspect.StructType):
            return Shape(member.fields, in_array=False)
    for member in members:
        if isinstance(member, inspect.ListType) and isinstance(
            member.item_type, inspect.StructType
        ):
            return Shape(member.item_type.fields, in_array=True)
    return None


def wrong_values(route: Route) -> list[tuple[str, Any]]:
    """For each field of the body, a value of a JSON kind the field does not accept."""
    found = shape(route)
    if found is None:
        return []
    cases = []
    for i, f in enumerate(found.fields):
        wrong = [k for k in KINDS if k not in accepted(f.type)]
        if wrong:
            value = KINDS[wrong[i % len(wrong)]]
            cases.append((f.encode_name, found.wrap({f.encode_name: value})))
    return cases


def string_fields(route: Route) -> list[str]:
    found = shape(route)
    return (
        []
        if found is None
        else [f.encode_name for f in found.fields if "string" in accepted(f.type)]
    )


# -- the app under test -------------------------------------------------------------------


@dataclass
class Target:
    api: TestClient  # max_body_bytes at its default (10 MB): 1 MB strings get through
    small: TestClient  # max_body_bytes = SMALL_LIMIT
    ids: Ids

    def send(self, route: Route, content: bytes | None = None, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("headers", {"content-type": "application/json"})
        return self.api.request(route.method, fill(route, self.ids), content=content, **kwargs)


@pytest.fixture(scope="module")
def target(
    module_db: Database, admin_key_a: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    data = tmp_path_factory.mktemp("data")
    with (
        make_client(module_db, admin_key_a, data) as api,
        make_client(module_db, admin_key_a, data, max_body_bytes=SMALL_LIMIT) as small,
    ):
        yield Target(api, small, seed(api))


def test_every_route_is_fuzzed() -> None:
    unknown = {r.surface for r in ROUTES} - set(ERROR_SHAPES)
    assert not unknown, f"describe the error body of {unknown} in surfaces.ERROR_SHAPES"


# -- bodies -------------------------------------------------------------------------------

DEEP = 10_000
MALFORMED: dict[str, bytes] = {
    "truncated": b'{"name": "Ada"',
    "single quotes": b"{'name': 'Ada'}",
    "two documents": b'{"a": 1} {"b": 2}',
    "null": b"null",
    "boolean": b"true",
    "number": b"42",
    "string": b'"Ada"',
    "invalid UTF-8 in a string": b'{"name": "\xff\xfe\xfd", "first_name": "\xc3\x28"}',
    "invalid UTF-8 outside strings": b"\xff\xfe\x00{}",
    "UTF-8 surrogate": b'{"name": "\xed\xa0\x80"}',
    "10,000 nested arrays": b"[" * DEEP + b"]" * DEEP,
    "10,000 nested objects": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "10,000 nested arrays in a member": b'{"name": ' + b"[" * DEEP + b"]" * DEEP + b"}",
}


@pytest.mark.parametrize("route", distinct(ANY_BODY_ROUTES), ids=str)
def test_malformed_bodies(target: Target, route: Route) -> None:
    for label, content in MALFORMED.items():
        response = target.send(route, content)
        assert_error(route, response, case=label)


@pytest.mark.parametrize("route", distinct(BODY_ROUTES), ids=str)
def test_wrong_types(target: Target, route: Route) -> None:
    for name, body in wrong_values(route):
        response = target.send(route, json.dumps(body).encode())
        assert_error(route, response, case=name)


@pytest.mark.parametrize("route", distinct(BODY_ROUTES), ids=str)
def test_one_megabyte_strings(target: Target, route: Route) -> None:
    found = shape(route)
    for name in string_fields(route):
        assert found is not None
        body = found.wrap({name: "x" * MB})
        response = target.send(route, json.dumps(body).encode())
        assert_error(route, response, case=name)


@pytest.mark.parametrize("route", ANY_BODY_ROUTES, ids=str)
def test_bodies_over_the_limit(target: Target, route: Route) -> None:
    url = fill(route, target.ids)
    body = json.dumps({"name": "x" * SMALL_LIMIT}).encode()
    declared = target.small.request(
        route.method, url, content=body, headers={"content-type": "application/json"}
    )
    assert_error(route, declared, 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"name": "'
        for _ in range(4):
            yield b"x" * (SMALL_LIMIT // 2)
        yield b'"}'

    streamed = target.small.request(route.method, url, content=chunks())
    assert_error(route, streamed, 413)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.parametrize("route", distinct(BODY_ROUTES), ids=str)
@settings(
    max_examples=6,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_arbitrary_json_is_never_a_server_error(
    target: Target, route: Route, data: st.DataObject
) -> None:
    """Any JSON, with the route's own member names: never a 5xx; failures in format."""
    found = shape(route)
    names = [f.encode_name for f in found.fields] if found else []
    member = st.sampled_from(names) if names else st.text(max_size=10)
    item = st.dictionaries(member, JSON, max_size=len(names) or 3)
    body = data.draw(item.map(found.wrap) if found else JSON | item)
    response = target.send(route, json.dumps(body).encode())
    assert response.status_code < 500, (route, body, response.text[:300])
    if response.status_code >= 400:
        assert_error(route, response)


# -- ids and query strings ----------------------------------------------------------------

BAD_IDS = [
    "0",
    "-1",
    "9" * 30,  # past any 64-bit integer
    "9223372036854775808",
    "1.5",
    "%FF%FE",  # not UTF-8 once unescaped
    "%C0%AF",
    "%00",
    "١٢",  # Arabic-Indic digits: str.isdigit() holds
    "x" * 10_000,
    "..%2F..%2Fv1%2Fkeys",
]


@pytest.mark.parametrize("route", distinct(PARAM_ROUTES), ids=str)
def test_ids_that_name_nothing(target: Target, route: Route) -> None:
    for bad in BAD_IDS:
        response = target.api.request(
            route.method,
            with_param(route, bad),
            content=b"{}" if route.reads_body else None,
            headers={"content-type": "application/json"},
        )
        assert_error(route, response, case=bad)


QUERY_ROUTES = [r for r in distinct(ROUTES) if query_type(r) is not None]


def wrong_query_values(route: Route) -> list[tuple[str, str]]:
    info = inspect.type_info(query_type(route))
    assert isinstance(info, inspect.StructType)
    cases = []
    for f in info.fields:
        kinds = accepted(f.type)
        if "string" in kinds and not isinstance(f.type, inspect.LiteralType):
            continue  # any text is a value
        cases.append((f.encode_name, "not-a-value"))
    return cases


@pytest.mark.parametrize("route", QUERY_ROUTES, ids=str)
def test_wrong_query_values(target: Target, route: Route) -> None:
    for name, value in wrong_query_values(route):
        response = target.send(route, b"{}" if route.reads_body else None, params={name: value})
        assert_error(route, response, case=(name, value))
    # Past any 64-bit integer (a page past the end is an empty page), long text (URLs stay
    # under 64 KB), not UTF-8 once unescaped: no 5xx, whatever the parameter.
    info = inspect.type_info(query_type(route))
    assert isinstance(info, inspect.StructType)
    for f in info.fields:
        for value in ("9" * 30, "-" + "9" * 30, "x" * 32_000, "%FF%FE"):
            url = f"{fill(route, target.ids)}?{f.encode_name}={value}"
            response = target.api.request(route.method, url)
            assert response.status_code < 500, (route, f.encode_name, response.text[:300])
            if response.status_code >= 400:
                assert_error(route, response)
