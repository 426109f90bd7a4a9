from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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
