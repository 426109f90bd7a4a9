"""Workspace isolation and key scopes, on every route of every surface.

Workspace A holds one of each resource (tests/security/conftest.py ``seed``), every text of
it containing "aleph" and every number starting +180055501. Workspace B is made with
``POST /v1/workspaces`` and gets its own admin key (``workspace_service.create_key``). Then:

* every route with an id in its path, called by B with A's ids (and, where a route names a
  parent and a child, with B's parent and A's child), answers not found in its own format:
  404, or 403 where the path names another location (HighLevel ``locationId``);
* ids of A inside bodies and query strings are refused, or name nothing;
* every listing and search B can make shows nothing of A, and B may create what A already
  has (the same phone, email, field key...) without meeting A's records;
* keys of A with no scopes, or only ``contacts:read``, get 403 on every route they lack the
  scope for;
* and after each test, A's rows in the database are exactly what they were.

The console's pages (HTML, signed in with a session cookie, not an API key) are not routes
of these routers; tests/console/test_screens.py walks each of them the same way.

Bodies are valid ones (checked by the 404 itself: a bad body would answer 400/422 first),
so the refusal comes from the lookup, not from validation. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from dialbook.db import Conn, Database
from dialbook.db.tables import metadata
from dialbook.workspaces import service as workspace_service
from tests.security.conftest import make_client, seed
from tests.security.surfaces import (
    Ids,
    Route,
    all_routes,
    assert_error,
    dialect_routes,
    distinct,
    fill,
    spell,
)

A_PHONE = "+180055501"  # A's numbers: 00, 01, 02 (imported) and 99 (suppressed)
B_PHONE = "+180055502"
NEW_PHONE = "+180055503"  # numbers neither workspace has yet
A_MARKS = ("aleph", "8005550100", "8005550101", "8005550102", "8005550199")

# Admin keys see and change every workspace (docs/api.md: "admin | everything above, API
# keys, and all workspaces"); these routes are checked with B's non-admin key instead.
INSTANCE_WIDE = {"native.get_workspace", "native.update_workspace", "native.list_workspaces"}
# Streams never end, so TestClient cannot read them; tests/events/test_stream.py reads the
# stream as B from a live server and checks it shows nothing of A.
STREAMS = {"native.stream_events"}
# Routes whose only parameter is a name every workspace has its own of (a do-not-call
# registry's): test_registry_copies_are_each_workspace_s_own checks them.
BY_NAME = {"native.get_registry", "native.import_registry"}


# -- the two workspaces -------------------------------------------------------------------

Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(db: Database, workspace_id: int) -> Snapshot:
    """Every row of the workspace, table by table (api_keys without last_used_at: usage,
    not data)."""

    def read(conn: Conn) -> Snapshot:
        found: Snapshot = {}
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if c.name != "last_used_at"]
            query = select(*columns).order_by(*table.primary_key.columns)
            if table.name == "workspaces":
                query = query.where(table.c.id == workspace_id)
            elif "workspace_id" in table.c:
                query = query.where(table.c.workspace_id == workspace_id)
            else:
                continue  # shared reference data (time zones)
            found[table.name] = [tuple(row) for row in conn.execute(query)]
        return found

    return db.run_read(read)


@dataclass
class Tenants:
    db: Database
    a: TestClient  # A's admin key
    a_ids: Ids
    b: TestClient  # B's admin key
    b_data: TestClient  # B's key with every scope but admin
    b_ids: Ids
    a_rows: Snapshot


@pytest.fixture(scope="module")
def tenants(
    module_db: Database, admin_key_a: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tenants]:
    data = tmp_path_factory.mktemp("data")
    with make_client(module_db, admin_key_a, data) as a:
        a_ids = seed(a, tag="aleph", phone=A_PHONE)
        renamed = a.patch(f"/v1/workspaces/{a_ids.workspace}", json={"name": "Workspace aleph"})
        renamed.raise_for_status()
        a.post("/v1/keys", json={"name": "key aleph"}).raise_for_status()
        created = a.post("/v1/workspaces", json={"name": "Workspace beth"})
        assert created.status_code == 201, created.text
        b_workspace = created.json()["id"]
        keys = [
            module_db.run_write(
                workspace_service.create_key, workspace_id=b_workspace, name=n, scopes=s
            ).key
            for n, s in (("b admin", ["admin"]), ("b data", None))
        ]
        b, b_data = TestClient(a.app), TestClient(a.app)
        for client, key in ((b, keys[0]), (b_data, keys[1])):
            client.headers.update(a.headers)
            client.headers["Authorization"] = f"Bearer {key}"
        b_ids = seed(b, tag="beth", phone=B_PHONE)
        assert b_ids.workspace == b_workspace
        # B allows duplicates, so creating what A has always creates (see test_b_may_create...).
        default = b.get("/v1/lists").json()["data"][0]
        assert default["is_default"], default
        policy = {"duplicate_policy": {"key": "none"}}
        b.patch(f"/v1/lists/{default['id']}", json=policy).raise_for_status()
        yield Tenants(module_db, a, a_ids, b, b_data, b_ids, snapshot(module_db, a_ids.workspace))


@pytest.fixture
def t(tenants: Tenants) -> Iterator[Tenants]:
    """The tenants; afterwards, A's rows must not have changed."""
    yield tenants
    after = snapshot(tenants.db, tenants.a_ids.workspace)
    for table, rows in tenants.a_rows.items():
        assert after[table] == rows, f"workspace A's {table} changed"


def assert_nothing_of_a(response: httpx.Response, sent: tuple[str, ...] = ()) -> None:
    """No text of A in the answer (what the request itself sent aside: answers echo it)."""
    text = response.text.lower()
    for value in sorted(sent, key=len, reverse=True):
        for form in (value, quote(value, safe=""), quote(value), quote_plus(value)):
            text = text.replace(form.lower(), "")
    leaked = [mark for mark in A_MARKS if mark in text]
    assert not leaked, (response.request.method, response.request.url, leaked, response.text[:600])


# -- valid bodies ---------------------------------------------------------------------------

Body = Callable[[Route, Ids], dict[str, Any]]
RECORD = {
    "first_name": "New",
    "last_name": "Record",
    "phone_numbers": [{"phone_number": f"{NEW_PHONE}10", "phone_type": "MOBILE"}],
}


def _json(value: Any) -> Body:
    return lambda route, own: {"json": value}


BODIES: dict[str, Body] = {
    "native.update_workspace": _json({"name": "Renamed"}),
    "native.update_list": _json({"name": "Renamed"}),
    "native.update_contact": _json({"first_name": "Renamed"}),
    "native.add_tags": _json({"tags": ["vip"]}),
    "native.remove_tags": _json({"tags": ["vip"]}),
    "native.update_field": _json({"label": "Renamed"}),
    "native.update_suppression": _json({"reason": "renamed"}),
    "native.claim": _json({"count": 1}),
    "native.record_outcome": _json({"outcome": "answered"}),
    "native.update_endpoint": _json({"description": "Renamed"}),
    "native.replay": _json({"since": "2026-01-01T00:00:00Z"}),
    "native.start_import": lambda route, own: {
        "content": f"phone\n{NEW_PHONE}11\n".encode(),
        "headers": {"content-type": "text/csv"},
    },
    "highlevel.update_contact": _json({"firstName": "Renamed"}),
    "highlevel.add_tags": _json({"tags": ["vip"]}),
    "highlevel.remove_tags": _json({"tags": ["vip"]}),
    "highlevel.create_field": _json({"name": "Renamed", "dataType": "TEXT"}),
    "highlevel.create_location_tag": _json({"name": "vip"}),
    "nedzo.update_legacy": _json({"first_name": "Renamed"}),
    "nedzo.update_contact_list": _json({"name": "Renamed"}),
    "nedzo.update_contact": _json({"firstName": "Renamed"}),
    "salesfinity.post_contact": _json(
        {"first_name": "New", "phone_numbers": [{"type": "mobile", "number": f"{NEW_PHONE}12"}]}
    ),
    "salesfinity.post_merge": lambda route, own: {
        "json": {"source_list_ids": [spell(route.surface, own.list)]}
    },
    "talkdesk.update_record_list": _json({"name": "Renamed"}),
    "talkdesk.create_records": _json({"records": [RECORD]}),
    "talkdesk.create_record": _json(RECORD),
    "talkdesk.update_records": lambda route, own: {
        "json": [{"op": "replace", "path": f"/records/{own.contact}", "value": {"first_name": "X"}}]
    },
    "talkdesk.delete_records": lambda route, own: {"json": [{"id": str(own.contact)}]},
    "talkdesk.update_record": _json([{"op": "replace", "path": "/first_name", "value": "X"}]),
    "talkdesk.query_entries": _json({"phone_numbers": [{"phone_number": f"{NEW_PHONE}13"}]}),
    "talkdesk.create_entries": _json({"phone_number": f"{NEW_PHONE}14"}),
    "talkdesk.update_entries": lambda route, own: {
        "json": [{"op": "replace", "path": f"/{own.suppression}/reason", "value": "x"}]
    },
    "talkdesk.delete_entries": lambda route, own: {"json": [{"id": str(own.suppression)}]},
    "talkdesk.update_entry": _json([{"op": "replace", "path": "/reason", "value": "x"}]),
}


def request_body(route: Route, own: Ids, *, valid: bool = True) -> dict[str, Any]:
    """A valid body for the route (with ``valid=False``, ``{}`` where none is known)."""
    if not route.reads_body and route.name != "native.start_import":
        return {}
    make = BODIES.get(route.name)
    if make is None and not valid:
        return {"json": {}}
    assert make is not None, f"{route}: add a valid body for {route.name} to BODIES"
    return make(route, own)


# -- ids of A in paths ----------------------------------------------------------------------

ID_ROUTES = [
    r
    for r in distinct(all_routes())
    if "{" in r.path and r.name not in INSTANCE_WIDE and r.name not in BY_NAME
]


def foreign_paths(route: Route, a: Ids, b: Ids) -> list[str]:
    """A's ids in every parameter; and B's parent with A's child where there are two."""
    paths = [fill(route, a)]
    own, foreign = fill(route, b).split("/"), paths[0].split("/")
    params = [i for i, part in enumerate(route.path.split("/")) if part.startswith("{")]
    if len(params) > 1:
        mixed = [foreign[i] if i == params[-1] else own[i] for i in range(len(own))]
        paths.append("/".join(mixed))
    return paths


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_ids_of_another_workspace_are_not_found(t: Tenants, route: Route) -> None:
    location = route.surface == "highlevel" and "{locationId}" in route.path
    for path in foreign_paths(route, t.a_ids, t.b_ids):
        response = t.b.request(route.method, path, **request_body(route, t.b_ids))
        assert_error(route, response, 403 if location else 404, case=path)
        assert_nothing_of_a(response)


def test_registry_copies_are_each_workspace_s_own(t: Tenants) -> None:
    """B reads and replaces its own us-national copy; A's stays as it was (the snapshot
    comparison after the module checks its rows)."""
    path = "/v1/dnc-registries/us-national"
    for response in (t.b.get(path), t.b.get("/v1/dnc-registries")):
        assert response.status_code == 200
        assert '"numbers":1,' in response.text
        assert_nothing_of_a(response)
    imported = t.b.post(f"{path}/imports", content=f"{B_PHONE[2:]}98\n".encode())
    assert imported.status_code == 200, imported.text
    assert imported.json()["removed"] == imported.json()["added"] == 1
    assert_nothing_of_a(imported)


def test_workspaces_are_instance_wide_for_admin_keys_only(t: Tenants) -> None:
    a = t.a_ids.workspace
    assert t.b.get(f"/v1/workspaces/{a}").status_code == 200  # as documented
    route = Route(
        "native", next(r.endpoint for r in all_routes() if r.name == "native.get_workspace")
    )
    assert_error(route, t.b_data.get(f"/v1/workspaces/{a}"), 404)
    assert_error(route, t.b_data.patch(f"/v1/workspaces/{a}", json={"name": "x"}), 403)
    listed = t.b_data.get("/v1/workspaces")
    assert [w["id"] for w in listed.json()["data"]] == [t.b_ids.workspace]
    assert_nothing_of_a(listed)


# -- ids of A in bodies and query strings -------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """A request of B's naming A's ids outside the path, and the statuses it may answer."""

    label: str
    method: str
    url: Callable[[Ids, Ids], str]  # (a, b) -> URL
    kwargs: Callable[[Ids, Ids], dict[str, Any]]
    statuses: frozenset[int]

    def __str__(self) -> str:
        return self.label


def _probe(
    label: str,
    method: str,
    url: str | Callable[[Ids, Ids], str],
    kwargs: Callable[[Ids, Ids], dict[str, Any]],
    *statuses: int,
) -> Probe:
    where = (lambda a, b: url) if isinstance(url, str) else url
    return Probe(label, method, where, kwargs, frozenset(statuses))


def surface_of(url: str) -> Route:
    """A route of the surface ``url`` belongs to (for its error format)."""
    surface = url.split("/")[2] if url.startswith("/compat/") else "native"
    return next(r for r in all_routes() if r.surface == surface)


def _nz(n: int) -> str:
    return spell("nedzo", n)


NOT_FOUND = (404, 422)  # a reference in a body is a field error (422) or a 404
PROBES = [
    _probe(
        "native create in A's list",
        "POST",
        "/v1/contacts",
        lambda a, b: {"json": {"list_id": a.list, "phones": [f"{NEW_PHONE}20"]}},
        *NOT_FOUND,
    ),
    _probe(
        "native upsert into A's list",
        "POST",
        "/v1/contacts/upsert",
        lambda a, b: {"json": {"list_id": a.list, "phones": [f"{A_PHONE}00"]}},
        *NOT_FOUND,
    ),
    _probe(
        "native move a contact into A's list",
        "PATCH",
        lambda a, b: f"/v1/contacts/{b.contact}",
        lambda a, b: {"json": {"list_id": a.list}},
        *NOT_FOUND,
    ),
    _probe(
        "native suppress in A's suppression list",
        "POST",
        "/v1/suppressions",
        lambda a, b: {
            "json": {"number": f"{NEW_PHONE}21", "suppression_list_id": a.suppression_list}
        },
        *NOT_FOUND,
    ),
    _probe(
        "native bulk suppress in A's suppression list",
        "POST",
        "/v1/suppressions/bulk",
        lambda a, b: {
            "json": {
                "entries": [{"number": f"{NEW_PHONE}22"}],
                "suppression_list_id": a.suppression_list,
            }
        },
        *NOT_FOUND,
    ),
    _probe(
        "native contacts of A's list",
        "GET",
        "/v1/contacts",
        lambda a, b: {"params": {"list_id": a.list}},
        200,
        *NOT_FOUND,
    ),
    _probe(
        "native entries of A's suppression list",
        "GET",
        "/v1/suppressions",
        lambda a, b: {"params": {"suppression_list_id": a.suppression_list}},
        200,
        *NOT_FOUND,
    ),
    _probe(
        "native key for A",
        "POST",
        "/v1/keys",
        lambda a, b: {"json": {"workspace_id": a.workspace}},
        403,
    ),
    _probe(
        "salesfinity merge A's list into B's",
        "POST",
        lambda a, b: f"/compat/salesfinity/v1/contact-lists/{spell('salesfinity', b.list)}/merge",
        lambda a, b: {"json": {"source_list_ids": [spell("salesfinity", a.list)]}},
        404,
    ),
    _probe(
        "nedzo create in A's list",
        "POST",
        "/compat/nedzo/v1/contact",
        lambda a, b: {"json": {"email": "new@example.com", "contact_list_id": _nz(a.list)}},
        *NOT_FOUND,
    ),
    _probe(
        "nedzo move a contact into A's list",
        "PATCH",
        lambda a, b: f"/compat/nedzo/v1/contact/{_nz(b.contact)}",
        lambda a, b: {"json": {"contact_list_id": _nz(a.list)}},
        *NOT_FOUND,
    ),
    _probe(
        "nedzo move A's contact into B's list",
        "PATCH",
        lambda a, b: f"/compat/nedzo/v1/contact-list/{_nz(b.list)}",
        lambda a, b: {"json": {"contact_ids": [_nz(a.contact)]}},
        *NOT_FOUND,
    ),
    _probe(
        "nedzo create in A's workspace",
        "POST",
        "/compat/nedzo/v1/contacts",
        lambda a, b: {"json": {"workspaceId": _nz(a.workspace), "phone": f"{NEW_PHONE}23"}},
        403,
        404,
    ),
    _probe(
        "nedzo upsert in A's workspace",
        "POST",
        "/compat/nedzo/v1/contacts/upsert",
        lambda a, b: {"json": {"workspaceId": _nz(a.workspace), "phone": f"{A_PHONE}00"}},
        403,
        404,
    ),
    _probe(
        "nedzo contacts of A's workspace",
        "GET",
        "/compat/nedzo/v1/contacts",
        lambda a, b: {"params": {"workspaceId": _nz(a.workspace)}},
        403,
        404,
    ),
    _probe(
        "highlevel create in A's location",
        "POST",
        "/compat/highlevel/contacts",
        lambda a, b: {"json": {"locationId": str(a.workspace), "phone": f"{NEW_PHONE}24"}},
        403,
    ),
    _probe(
        "highlevel upsert in A's location",
        "POST",
        "/compat/highlevel/contacts/upsert",
        lambda a, b: {"json": {"locationId": str(a.workspace), "email": "ada.aleph@example.com"}},
        403,
    ),
    _probe(
        "highlevel contacts of A's location",
        "GET",
        "/compat/highlevel/contacts",
        lambda a, b: {"params": {"locationId": str(a.workspace)}},
        403,
    ),
    _probe(
        "highlevel duplicate search in A's location",
        "GET",
        "/compat/highlevel/contacts/search/duplicate",
        lambda a, b: {"params": {"locationId": str(a.workspace), "number": f"{A_PHONE}00"}},
        403,
    ),
    # Bulk calls answer 200 and report each item; A's items must fail, nothing of A change.
    _probe(
        "talkdesk patch A's record through B's list",
        "PATCH",
        lambda a, b: f"/compat/talkdesk/record-lists/{b.list}/records/bulks",
        lambda a, b: {
            "json": [
                {"op": "replace", "path": f"/records/{a.contact}", "value": {"first_name": "X"}}
            ]
        },
        200,
    ),
    _probe(
        "talkdesk delete A's record through B's list",
        "DELETE",
        lambda a, b: f"/compat/talkdesk/record-lists/{b.list}/records/bulks",
        lambda a, b: {"json": [{"id": str(a.contact)}, {"phone_number": f"{A_PHONE}00"}]},
        200,
    ),
    _probe(
        "talkdesk patch A's entry through B's list",
        "PATCH",
        lambda a, b: f"/compat/talkdesk/do-not-call-lists/{b.suppression_list}/entries",
        lambda a, b: {"json": [{"op": "remove", "path": f"/{a.suppression}/reason"}]},
        200,
    ),
    _probe(
        "talkdesk delete A's entry through B's list",
        "DELETE",
        lambda a, b: f"/compat/talkdesk/do-not-call-lists/{b.suppression_list}/entries",
        lambda a, b: {"json": [{"id": str(a.suppression)}, {"phone_number": f"{A_PHONE}99"}]},
        200,
    ),
    _probe(
        "talkdesk query A's number in B's list",
        "POST",
        lambda a, b: f"/compat/talkdesk/do-not-call-lists/{b.suppression_list}/entries/queries",
        lambda a, b: {"json": {"phone_numbers": [{"phone_number": f"{A_PHONE}99"}]}},
        200,
    ),
]


@pytest.mark.parametrize("probe", PROBES, ids=str)
def test_ids_of_another_workspace_in_bodies_and_queries(t: Tenants, probe: Probe) -> None:
    url = probe.url(t.a_ids, t.b_ids)
    response = t.b.request(probe.method, url, **probe.kwargs(t.a_ids, t.b_ids))
    assert response.status_code in probe.statuses, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert_error(surface_of(url), response)
    else:
        body = response.json()
        assert not (body.get("data") if isinstance(body, dict) else body), body
    assert_nothing_of_a(response, sent=sent_texts(probe.kwargs(t.a_ids, t.b_ids)))


# -- what B lists, searches and creates -----------------------------------------------------

Params = Callable[[Ids], list[dict[str, Any]]]
LISTINGS: dict[str, Params] = {
    "native.list_contacts": lambda b: [
        {},
        {"q": "aleph"},
        {"phone": f"{A_PHONE}00"},
        {"email": "ada.aleph@example.com"},
        {"tag": "tag-aleph"},
    ],
    "native.check_number": lambda b: [{"number": f"{A_PHONE}99"}],
    "highlevel.list_contacts": lambda b: [
        {"locationId": str(b.workspace)},
        {"locationId": str(b.workspace), "query": "aleph"},
    ],
    "highlevel.find_duplicate": lambda b: [
        {"locationId": str(b.workspace), "email": "ada.aleph@example.com"},
        {"locationId": str(b.workspace), "number": f"{A_PHONE}00"},
    ],
    "salesfinity.get_csv_lists": lambda b: [{}, {"search": "aleph"}],
    "talkdesk.list_record_lists": lambda b: [{}, {"name": "List aleph"}],
}
LISTING_ROUTES = [
    r
    for r in distinct(all_routes())
    if r.method == "GET" and "{" not in r.path and r.name not in INSTANCE_WIDE | STREAMS
]


def sent_texts(value: Any) -> tuple[str, ...]:
    """Every text a request sends, with the national form of +1 numbers (echoed back)."""
    if isinstance(value, dict):
        return tuple(t for k, v in value.items() for t in (*sent_texts(k), *sent_texts(v)))
    if isinstance(value, list):
        return tuple(t for v in value for t in sent_texts(v))
    if isinstance(value, str):
        return (value, value[2:]) if value.startswith("+1") else (value,)
    return ()


@pytest.mark.parametrize("route", LISTING_ROUTES, ids=str)
def test_listings_show_nothing_of_another_workspace(t: Tenants, route: Route) -> None:
    for params in LISTINGS.get(route.name, lambda b: [{}])(t.b_ids):
        response = t.b.get(route.path, params=params)
        assert response.status_code == 200, (params, response.text[:500])
        assert_nothing_of_a(response, sent=sent_texts(params))
        if route.name == "native.check_number":
            assert response.json()["suppressed"] is False, response.text
        if route.name == "highlevel.find_duplicate":
            assert response.json()["contact"] is None, response.text


CLEARTALK = {
    "listName": "List aleph",
    "tag": "tag-aleph",
    "firstName": "New",
    "lastName": "Contact",
    "email": "ada.aleph@example.com",
    "phone": f"{A_PHONE}00",
    "dateOfBirth": "09/25/1990",
    "contactSource": "web",
    "clearTalkNotes": "notes",
    "customField": {"score_aleph": 1},
}
CREATES: list[tuple[str, str, Callable[[Ids], str], dict[str, Any]]] = [
    (
        "POST",
        "native",
        lambda b: "/v1/contacts",
        {"phones": [f"{A_PHONE}00"], "email": "ada.aleph@example.com"},
    ),
    ("POST", "native", lambda b: "/v1/contacts/upsert", {"phones": [f"{A_PHONE}01"]}),
    ("POST", "native", lambda b: "/v1/lists", {"name": "List aleph"}),
    (
        "POST",
        "native",
        lambda b: "/v1/custom-fields",
        {"key": "score_aleph", "label": "Score aleph", "type": "number"},
    ),
    ("POST", "native", lambda b: "/v1/suppression-lists", {"name": "DNC aleph"}),
    ("POST", "native", lambda b: "/v1/suppressions", {"number": f"{A_PHONE}99"}),
    (
        "POST",
        "native",
        lambda b: "/v1/suppressions/bulk",
        {"entries": [{"number": f"{A_PHONE}99"}]},
    ),
    (
        "POST",
        "highlevel",
        lambda b: "/compat/highlevel/contacts",
        {"locationId": "{b}", "phone": f"{A_PHONE}00", "email": "ada.aleph@example.com"},
    ),
    (
        "POST",
        "highlevel",
        lambda b: "/compat/highlevel/contacts/upsert",
        {"locationId": "{b}", "phone": f"{A_PHONE}01"},
    ),
    (
        "POST",
        "nedzo",
        lambda b: "/compat/nedzo/v1/contacts",
        {"phone": f"{A_PHONE}00", "email": "ada.aleph@example.com"},
    ),
    ("POST", "nedzo", lambda b: "/compat/nedzo/v1/contacts/upsert", {"phone": f"{A_PHONE}02"}),
    (
        "POST",
        "nedzo",
        lambda b: "/compat/nedzo/v1/contact",
        {"email": "ada.aleph@example.com", "phone": f"{A_PHONE}01"},
    ),
    ("POST", "cleartalk", lambda b: "/compat/cleartalk/contacts", CLEARTALK),
    (
        "POST",
        "cleartalk",
        lambda b: "/compat/cleartalk/contacts/create-bulk",
        {
            "listName": "List aleph",
            "tag": "tag-aleph",
            "data": [{"phone": f"{A_PHONE}01", "email": "ada.aleph@example.com"}],
        },
    ),
    (
        "POST",
        "salesfinity",
        lambda b: "/compat/salesfinity/v1/contact-lists",
        {
            "name": "List aleph",
            "user_id": "user-aleph",
            "contacts": [
                {
                    "first_name": "New",
                    "phone_numbers": [{"type": "mobile", "number": f"{A_PHONE}00"}],
                }
            ],
        },
    ),
    (
        "POST",
        "salesfinity",
        lambda b: f"/compat/salesfinity/v1/contact-lists/{spell('salesfinity', b.list)}",
        {"first_name": "New", "phone_numbers": [{"type": "mobile", "number": f"{A_PHONE}00"}]},
    ),
    ("POST", "talkdesk", lambda b: "/compat/talkdesk/record-lists", {"name": "List aleph"}),
    (
        "POST",
        "talkdesk",
        lambda b: f"/compat/talkdesk/record-lists/{b.list}/records",
        {
            "first_name": "New",
            "last_name": "aleph",
            "phone_numbers": [{"phone_number": f"{A_PHONE}01", "phone_type": "MOBILE"}],
        },
    ),
    ("POST", "talkdesk", lambda b: "/compat/talkdesk/do-not-call-lists", {"name": "DNC aleph"}),
    (
        "POST",
        "talkdesk",
        lambda b: f"/compat/talkdesk/do-not-call-lists/{b.suppression_list}/entries",
        {"phone_number": f"{A_PHONE}99", "reason": "asked aleph"},
    ),
]


@pytest.mark.parametrize(
    ("method", "surface", "url", "body"), CREATES, ids=[f"{c[1]} {c[3]}"[:80] for c in CREATES]
)
def test_b_may_create_what_a_has_without_meeting_it(
    t: Tenants, method: str, surface: str, url: Callable[[Ids], str], body: dict[str, Any]
) -> None:
    """The same phone, email, list name or field key as A's: made in B, A never matched."""
    if body.get("locationId") == "{b}":
        body = {**body, "locationId": str(t.b_ids.workspace)}
    response = t.b.request(method, url(t.b_ids), json=body)
    assert response.status_code in (200, 201), response.text[:500]
    assert_nothing_of_a(response, sent=sent_texts(body))


# -- scopes ---------------------------------------------------------------------------------

LIMITED = {"no scopes": [], "read-only": ["contacts:read"]}
SCOPED_ROUTES = [r for r in distinct(all_routes()) if r.endpoint.scope is not None]


@pytest.fixture(scope="module")
def limited_keys(tenants: Tenants) -> dict[str, TestClient]:
    """Keys of A with too few scopes (made before the snapshot is retaken)."""
    clients = {}
    for label, scopes in LIMITED.items():
        created = tenants.db.run_write(
            workspace_service.create_key, workspace_id=tenants.a_ids.workspace, scopes=scopes
        )
        assert sorted(created.scopes) == sorted(scopes)
        client = TestClient(tenants.a.app, headers=dict(tenants.a.headers))
        client.headers["Authorization"] = f"Bearer {created.key}"
        clients[label] = client
    tenants.a_rows = snapshot(tenants.db, tenants.a_ids.workspace)
    return clients


@pytest.mark.parametrize("route", SCOPED_ROUTES, ids=str)
def test_keys_without_the_scope_are_forbidden(
    limited_keys: dict[str, TestClient], t: Tenants, route: Route
) -> None:
    """On A's own ids: 403 before anything is read or written. (The scope is checked before
    the body is read, so create routes get ``{}``; routes with ids get a valid body.)"""
    scope = route.endpoint.scope
    for label, scopes in LIMITED.items():
        if scope in scopes:
            continue
        response = limited_keys[label].request(
            route.method, fill(route, t.a_ids), **request_body(route, t.a_ids, valid=False)
        )
        assert_error(route, response, 403, case=label)
        assert_nothing_of_a(response)


def test_every_dialect_route_is_walked() -> None:
    walked = {r.name for r in ID_ROUTES + LISTING_ROUTES + SCOPED_ROUTES}
    missing = [str(r) for r in dialect_routes() if r.name not in walked]
    assert not missing, missing
