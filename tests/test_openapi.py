from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import schemathesis
from starlette.routing import Route
from starlette.testclient import TestClient


def test_openapi_documents_every_native_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    routes = [
        inner
        for route in client.app.routes  # type: ignore[attr-defined]
        for inner in getattr(route, "routes", [route])  # groups of routes (PrefixRoutes)
    ]
    app_routes = {
        (method, route.path.replace(":int", ""))
        for route in routes
        if isinstance(route, Route) and route.path.startswith("/v1")
        for method in (route.methods or ()) - {"HEAD"}
    }
    assert app_routes == documented
    create = spec["paths"]["/v1/contacts"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ContactCreate"
    }
    assert "201" in create["responses"]
    assert "422" in create["responses"]
    for schema in ("ContactCreate", "Contact", "ErrorBody", "ListRead"):
        assert schema in spec["components"]["schemas"]
    params = {p["name"] for p in spec["paths"]["/v1/contacts"]["get"]["parameters"]}
    assert {"list_id", "tag", "phone", "email", "q", "updated_since", "cursor", "limit"} <= params


def test_swagger_ui_is_served_from_bundled_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs/swagger-ui-bundle.js" in page.text
    assert (
        "http"
        not in page.text.replace("/openapi.json", "").split("<body>")[1].split("SwaggerUIBundle")[0]
    )
    js = client.get("/docs/swagger-ui-bundle.js")
    assert js.status_code == 200
    assert len(js.content) > 100_000
    assert client.get("/docs/swagger-ui.css").status_code == 200
    assert client.get("/docs/../../etc/passwd").status_code == 404


def test_healthz_needs_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_root_points_browsers_at_the_console_and_clients_at_the_docs(client: TestClient) -> None:
    page = client.get("/", headers={"Accept": "text/html,*/*"}, follow_redirects=False)
    assert page.status_code == 307
    assert page.headers["location"] == "/console/"
    assert 'name="password"' in client.get("/", headers={"Accept": "text/html"}).text
    pointer = client.get("/", headers={"Accept": "application/json"})
    assert pointer.status_code == 200
    assert pointer.json()["docs"] == "/docs"
    assert pointer.json()["openapi"] == "/openapi.json"


def test_the_length_limits_in_the_docs_are_the_schemas(client: TestClient) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "api.md").read_text()
    documented: dict[str, int] = {}
    for limit, fields in re.findall(r"^\| ([\d,]+) (?:characters|items) \| (.*) \|$", doc, re.M):
        for field in re.findall(r"`([^`]+)`", fields):
            documented[field] = int(limit.replace(",", ""))
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    def bound(prop: dict[str, Any]) -> int | None:
        for option in prop.get("anyOf", [prop]):
            for key in ("maxLength", "maxItems"):
                if key in option:
                    return int(option[key])
        return None

    served = {
        name: found
        for name, prop in schemas["ContactCreate"]["properties"].items()
        if (found := bound(prop)) is not None
    }
    served["phones[].number"] = schemas["PhoneIn"]["properties"]["number"]["maxLength"]
    assert documented == served


DIALECTS = ("cleartalk", "highlevel", "nedzo", "salesfinity", "talkdesk")


def test_each_dialect_has_its_own_document(client: TestClient) -> None:
    """Every /compat route is in its dialect's document (once, at the path without the
    trailing slash), in the platform's words, and in none other."""
    native = client.get("/openapi.json").json()
    assert not any(path.startswith("/compat") for path in native["paths"])
    for name in DIALECTS:
        response = client.get(f"/compat/{name}/openapi.json")
        assert response.status_code == 200, response.text
        spec = response.json()
        assert spec["openapi"].startswith("3.1")
        schema = schemathesis.openapi.from_dict(spec)
        schema.validate()  # against the OpenAPI 3.1 meta-schema
        assert all(result.ok() for result in schema.get_all_operations())
        operation_ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
        assert len(operation_ids) == len(set(operation_ids))
        routes = {
            (route.methods and sorted(route.methods - {"HEAD"})[0], route.path.rstrip("/"))
            for group in client.app.routes  # type: ignore[attr-defined]
            if getattr(group, "prefix", "") == f"/compat/{name}"
            for route in group.routes
        }
        documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
        assert routes == documented, name
    highlevel = client.get("/compat/highlevel/openapi.json").json()
    create = highlevel["paths"]["/compat/highlevel/contacts"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ContactCreateIn"
    }
    assert "firstName" in highlevel["components"]["schemas"]["ContactCreateIn"]["properties"]
    assert {"name": "Version", "in": "header", "required": True}.items() <= create["parameters"][
        0
    ].items()
    assert set(create["responses"]) == {"201", "400", "401", "403", "404", "413", "422"}
    nedzo = client.get("/compat/nedzo/openapi.json").json()
    problem = nedzo["paths"]["/compat/nedzo/v1/contacts"]["post"]["responses"]["400"]
    assert problem["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }


def test_docs_offers_every_document(client: TestClient) -> None:
    page = client.get("/docs").text
    assert 'data-url="/openapi.json"' in page
    for name in DIALECTS:
        assert f'<option value="{name}" data-url="/compat/{name}/openapi.json">' in page


def test_the_import_is_described_whole(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/lists/{id}/imports"]["post"]
    assert operation["summary"].endswith("With `dry_run=true`, only check it.")
    content = operation["requestBody"]["content"]
    assert set(content) == {"text/csv", "application/octet-stream", "multipart/form-data"}
    assert content["multipart/form-data"]["schema"]["required"] == ["file"]
