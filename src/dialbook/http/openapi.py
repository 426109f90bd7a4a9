"""OpenAPI 3.1, generated from the declared endpoints and their msgspec Structs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from dialbook import __version__
from dialbook.dialects.base import Dialect
from dialbook.http.errors import NATIVE_ERRORS, ErrorShape
from dialbook.http.routing import Endpoint, Router, json_response, members

_PARAM = re.compile(r"{(\w+)(?::(\w+))?}")
_UPLOAD = {"type": "string", "contentMediaType": "application/octet-stream"}


def build(
    routers: Iterable[Router],
    *,
    title: str = "dialbook",
    description: str = "Contact lists for outbound dialers and AI calling agents.",
    errors: ErrorShape = NATIVE_ERRORS,
) -> dict[str, Any]:
    """The OpenAPI document of one surface (the native API, or one dialect) from its routers:
    paths, parameters and bodies from the endpoints and their Structs, errors in the
    surface's own shape. A handler served at two paths (with and without a trailing slash)
    is documented at the first."""
    routers = list(routers)
    endpoints: list[tuple[Endpoint, Any]] = []
    seen: set[tuple[str, Any]] = set()
    for router in routers:
        for e in router.endpoints:
            if (e.method, e.handler) not in seen:
                seen.add((e.method, e.handler))
                endpoints.append((e, router.headers))
    described = set(members(errors.body))
    for e, headers in endpoints:
        for t in (e.body, e.query, e.response, headers, *(t for _, t in e.also)):
            described.update(members(t) if t is not None else ())
    _, components = msgspec.json.schema_components(
        sorted(described, key=lambda t: getattr(t, "__name__", str(t))),
        ref_template="#/components/schemas/{name}",
    )
    _add_key_enums(described, components)
    paths: dict[str, dict[str, Any]] = {}
    for e, headers in endpoints:
        path = _PARAM.sub(r"{\1}", e.path)
        paths.setdefault(path, {})[e.method.lower()] = _operation(e, headers, components, errors)
    for headers in {id(r.headers): r.headers for r in routers if r.headers is not None}.values():
        components.pop(headers.__name__, None)  # documented as parameters, not a schema
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": __version__, "description": description},
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


def build_dialect(dialect: Dialect) -> dict[str, Any]:
    """A dialect's document: its routes only, in the platform's field names and errors."""
    return build(
        dialect.routers,
        title=f"dialbook: the {dialect.name} dialect",
        description=(
            f"The {dialect.name} API as dialbook serves it under {dialect.prefix}: the "
            f"platform's own paths, field names and error bodies over dialbook's contacts. "
            f"See docs/dialects/{dialect.name}.md."
        ),
        errors=dialect.errors,
    )


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
    found, _ = msgspec.json.schema_components(
        members(type_), ref_template="#/components/schemas/{name}"
    )
    return found[0] if len(found) == 1 else {"anyOf": list(found)}


def _operation(
    e: Endpoint, headers: Any, components: dict[str, Any], errors: ErrorShape
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer"} if kind == "int" else {"type": "string"},
        }
        for name, kind in _PARAM.findall(e.path)
    ]
    for kind, type_ in (("header", headers), ("query", e.query)):
        if type_ is not None:
            schema = components[type_.__name__]
            required = set(schema.get("required", ()))
            parameters += [
                {"name": name, "in": kind, "required": name in required, "schema": prop}
                for name, prop in schema.get("properties", {}).items()
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
    if e.content:
        operation["requestBody"] = {"required": True, "content": _uploads(e.content)}
    elif e.body is not None:
        operation["requestBody"] = {
            "required": not e.optional_body,
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
    error_schema = {errors.media_type: {"schema": _ref(errors.body)}}
    reads_body = e.body is not None or e.method in ("POST", "PUT", "PATCH")
    for status, text in errors.statuses.items():
        # Handlers of POST/PUT/PATCH may read a body they do not declare (a lead file upload).
        if status in errors.body_only and not reads_body:
            continue
        operation["responses"][str(status)] = {"description": text, "content": error_schema}
    return operation


def _uploads(media_types: Iterable[str]) -> dict[str, Any]:
    """A raw body's media types: a file as is, or a multipart form with a ``file`` field."""
    content: dict[str, Any] = {}
    for media in media_types:
        if media == "multipart/form-data":
            form = {"type": "object", "properties": {"file": _UPLOAD}, "required": ["file"]}
            content[media] = {"schema": form}
        elif media.startswith("text/"):
            content[media] = {"schema": {"type": "string"}}
        else:
            content[media] = {"schema": {"type": "string", "contentMediaType": media}}
    return content


_SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>dialbook API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<style>#apis {{ font-family: sans-serif; margin: 1em 20px 0; }}</style>
</head>
<body>
<form id="apis"><label for="api">API:</label> <select id="api" name="api">
{options}
</select></form>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
const select = document.getElementById("api");
const chosen = new URLSearchParams(location.search).get("api");
if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
select.onchange = () => {{ location.search = "?api=" + encodeURIComponent(select.value); }};
window.ui = SwaggerUIBundle({{
  url: select.selectedOptions[0].dataset.url, dom_id: "#swagger-ui", deepLinking: true
}});
</script>
</body>
</html>
"""
_OPTION = '<option value="{name}" data-url="{url}">{label}</option>'

_ASSETS = files("dialbook.http") / "static" / "swagger"
_TYPES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}


def routes(spec: dict[str, Any], dialects: Mapping[str, dict[str, Any]]) -> list[BaseRoute]:
    """/openapi.json (the native API), /compat/<name>/openapi.json (each dialect's), and
    Swagger UI at /docs from the bundled assets (works offline), with a selector of the
    documents (``/docs?api=<name>`` opens one)."""
    documents = {"/openapi.json": msgspec.json.encode(spec)}
    options = [_OPTION.format(name="native", url="/openapi.json", label="dialbook (/v1)")]
    for name, document in sorted(dialects.items()):
        url = f"/compat/{name}/openapi.json"
        documents[url] = msgspec.json.encode(document)
        options.append(_OPTION.format(name=name, url=url, label=f"{name} (/compat/{name})"))
    page = _SWAGGER_PAGE.format(options="\n".join(options))

    async def openapi_json(request: Request) -> Response:
        return Response(documents[request.url.path], media_type="application/json")

    async def docs(request: Request) -> Response:
        return HTMLResponse(page)

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
        *(Route(url, openapi_json, methods=["GET"]) for url in documents),
        Route("/docs", docs, methods=["GET"]),
        Route("/docs/{name}", asset, methods=["GET"]),
    ]
