"""OpenAPI 3.1, generated from the declared endpoints and their msgspec Structs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.resources import files
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from dialbook import __version__
from dialbook.http.errors import ErrorBody
from dialbook.http.routing import Endpoint, json_response

_PARAM = re.compile(r"{(\w+)(?::(\w+))?}")
_ERRORS = {
    400: "The body is not JSON",
    401: "Missing, unknown or revoked API key",
    403: "The key lacks the scope",
    404: "Not found",
    409: "Conflicts with existing data (e.g. a duplicate contact)",
    413: "Body too large",
    422: "A field is invalid; `fields` names each one",
}


def build(endpoints: Iterable[Endpoint], *, title: str = "dialbook") -> dict[str, Any]:
    endpoints = list(endpoints)
    types = {ErrorBody}
    for e in endpoints:
        types.update(t for t in (e.body, e.query, e.response) if t is not None and not e.raw_body)
        types.update(t for _, t in e.also if t is not None)
    _, components = msgspec.json.schema_components(
        sorted(types, key=lambda t: getattr(t, "__name__", str(t))),
        ref_template="#/components/schemas/{name}",
    )
    _add_key_enums(types, components)
    paths: dict[str, dict[str, Any]] = {}
    for e in endpoints:
        path = _PARAM.sub(r"{\1}", e.path)
        paths.setdefault(path, {})[e.method.lower()] = _operation(e, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": __version__,
            "description": "Contact lists for outbound dialers and AI calling agents.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
            },
        },
        "security": [{"bearer": []}, {"apiKey": []}],
    }


def _add_key_enums(types: Iterable[Any], components: dict[str, Any]) -> None:
    """msgspec drops the key type of ``dict[Literal[...], V]`` fields (e.g. a contact's
    ``dnd``); state it as ``propertyNames`` so the document rejects keys the API rejects."""
    seen: set[int] = set()
    stack: list[Any] = list(msgspec.inspect.multi_type_info(list(types)))
    while stack:
        info = stack.pop()
        if id(info) in seen:
            continue
        seen.add(id(info))
        if isinstance(info, msgspec.inspect.StructType):
            props = components.get(info.cls.__name__, {}).get("properties", {})
            for f in info.fields:
                stack.append(f.type)
                keys = _literal_keys(f.type)
                prop = props.get(f.encode_name, {})
                for schema in (prop, *prop.get("anyOf", ())):
                    if keys is not None and schema.get("type") == "object":
                        schema["propertyNames"] = {"enum": keys}
        elif isinstance(info, msgspec.inspect.Type):
            for name in ("type", "item_type", "key_type", "value_type", "types", "item_types"):
                child = getattr(info, name, ())  # one Type, or a tuple of them
                stack.extend(child if isinstance(child, tuple) else [child])


def _literal_keys(info: msgspec.inspect.Type) -> list[Any] | None:
    options = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
    for option in options:
        if isinstance(option, msgspec.inspect.DictType) and isinstance(
            option.key_type, msgspec.inspect.LiteralType
        ):
            return list(option.key_type.values)
    return None


def _ref(type_: Any) -> dict[str, Any]:
    schema, _ = msgspec.json.schema_components([type_], ref_template="#/components/schemas/{name}")
    return schema[0]


def _operation(e: Endpoint, components: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer"} if kind == "int" else {"type": "string"},
        }
        for name, kind in _PARAM.findall(e.path)
    ]
    if e.query is not None:
        query_schema = components[e.query.__name__]
        required = set(query_schema.get("required", ()))
        parameters += [
            {"name": name, "in": "query", "required": name in required, "schema": schema}
            for name, schema in query_schema["properties"].items()
        ]
    operation: dict[str, Any] = {
        "tags": [e.tag],
        "summary": e.summary,
        "operationId": f"{e.tag}_{e.handler.__name__}",
        "parameters": parameters,
        "responses": {},
    }
    if e.scope:
        operation["description"] = f"Requires the `{e.scope}` scope."
    if e.body is not None and not e.raw_body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(e.body)}},
        }
    success: dict[str, Any] = {"description": "Success"}
    if e.response is not None:
        success["content"] = {"application/json": {"schema": _ref(e.response)}}
    operation["responses"][str(e.status if e.response is not None else 204)] = success
    for status, type_ in e.also:
        also: dict[str, Any] = {"description": "Success"}
        if type_ is not None:
            also["content"] = {"application/json": {"schema": _ref(type_)}}
        operation["responses"][str(status)] = also
    error_schema = {"application/json": {"schema": _ref(ErrorBody)}}
    for status, text in _ERRORS.items():
        # Handlers of POST/PUT/PATCH may read a body they do not declare (a lead file upload).
        if status == 400 and e.body is None and e.method not in ("POST", "PUT", "PATCH"):
            continue
        operation["responses"][str(status)] = {"description": text, "content": error_schema}
    return operation


_SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>dialbook API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
</script>
</body>
</html>
"""

_ASSETS = files("dialbook.http") / "static" / "swagger"
_TYPES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}


def routes(spec: dict[str, Any]) -> list[BaseRoute]:
    """/openapi.json, and Swagger UI at /docs from the bundled assets (works offline)."""
    body = msgspec.json.encode(spec)

    async def openapi_json(request: Request) -> Response:
        return Response(body, media_type="application/json")

    async def docs(request: Request) -> Response:
        return HTMLResponse(_SWAGGER_PAGE)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _TYPES:
            return json_response({"error": "not_found", "detail": "No such file."}, 404)
        content = (_ASSETS / name).read_bytes()
        return Response(
            content,
            media_type=_TYPES[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )

    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/docs/{name}", asset, methods=["GET"]),
    ]
