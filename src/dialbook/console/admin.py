"""The workspace's admin screens: webhooks, API keys, users' roles; and every user's own
password. What they read, and their pages (short handlers, one service call each)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from dialbook.console.endpoints import admin_only, router, set_cookie
from dialbook.console.web import PREFIX, SESSION_COOKIE, Page
from dialbook.db import Conn
from dialbook.errors import FieldError, InvalidInput
from dialbook.events.schemas import EVENT_TYPES
from dialbook.http.body import decode_query
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.users import service as user_service
from dialbook.users.schemas import MIN_PASSWORD
from dialbook.users.service import WrongPassword
from dialbook.webhooks import service as webhook_service
from dialbook.webhooks.schemas import (
    Delivery,
    Endpoint,
    EndpointCreate,
    EndpointUpdate,
    ReplayRequest,
)
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import SCOPES, Caller

RECENT = 25  # deliveries shown per table
FILTER_LISTS = 500  # lists an endpoint's list filter offers
# The scopes a console admin may give a key: their own (never the API's admin scope,
# which reaches across workspaces).
KEY_SCOPES = tuple(scope for scope in SCOPES if scope != "admin")


# -- webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EndpointScreen:
    endpoint: Endpoint
    recent: list[Delivery]
    failed: list[Delivery]


def endpoint_screen(conn: Conn, *, caller: Caller, id: int) -> EndpointScreen:
    return EndpointScreen(
        endpoint=webhook_service.get(conn, caller=caller, id=id),
        recent=webhook_service.recent_deliveries(conn, caller=caller, id=id, limit=RECENT),
        failed=webhook_service.recent_deliveries(
            conn, caller=caller, id=id, limit=RECENT, status="failed"
        ),
    )


@dataclass(frozen=True, slots=True)
class WebhooksScreen:
    endpoints: list[Endpoint]
    lists: list[ListRead]  # what an endpoint's list filter offers


def webhooks_screen(conn: Conn, *, caller: Caller) -> WebhooksScreen:
    return WebhooksScreen(
        endpoints=webhook_service.list_all(conn, caller=caller).data,
        lists=list_service.page(
            conn, workspace_id=caller.workspace_id, cursor=None, limit=FILTER_LISTS
        ).data,
    )


async def _webhooks(page: Page, *, status: int = 200, **shown: Any) -> Response:
    screen = await page.db.read(webhooks_screen, caller=page.caller)
    context: dict[str, Any] = {"created": None, "errors": [], "values": {}} | shown
    return page.render(
        "webhooks.html",
        status=status,
        endpoints=screen.endpoints,
        lists=screen.lists,
        event_types=EVENT_TYPES,
        **context,
    )


@router.get("/webhooks")
async def webhooks(page: Page) -> Response:
    admin_only(page)
    return await _webhooks(page)


@router.post("/webhooks")
async def create_webhook(page: Page) -> Response:
    admin_only(page)
    # No event or list ticked: every event, of every list (the API's absent filter).
    values = {
        "url": page.field("url"),
        "description": page.field("description") or None,
        "events": page.form.getlist("events") or None,
        "list_ids": page.form.getlist("list_ids") or None,
        "format": page.field("format") or "standard",
    }
    try:
        created = await page.db.write(
            webhook_service.create,
            caller=page.caller,
            data=decode_query(values, EndpointCreate),
            allow_private=page.settings.webhooks_allow_private,
        )
    except InvalidInput as error:
        return await _webhooks(page, status=422, errors=error.fields, values=values)
    return await _webhooks(page, status=201, created=created)  # its secret, shown this once


@router.get("/webhooks/{id:int}")
async def show_webhook(page: Page) -> Response:
    admin_only(page)
    screen = await page.db.read(endpoint_screen, caller=page.caller, id=page.path("id"))
    return page.render("webhook.html", screen=screen, replayed=page.query("replayed"))


@router.post("/webhooks/{id:int}/enabled")
async def enable_webhook(page: Page) -> Response:
    admin_only(page)
    await page.db.write(
        webhook_service.update,
        caller=page.caller,
        id=page.path("id"),
        data=EndpointUpdate(enabled=page.field("enabled") == "on"),
        allow_private=page.settings.webhooks_allow_private,
        disabled_by=f"{page.caller.actor} in the console",
    )
    return page.redirect(f"{PREFIX}/webhooks/{page.path('id')}")


@router.post("/webhooks/{id:int}/delete")
async def delete_webhook(page: Page) -> Response:
    admin_only(page)
    await page.db.write(webhook_service.remove, caller=page.caller, id=page.path("id"))
    return page.redirect(f"{PREFIX}/webhooks")


@router.post("/webhooks/{id:int}/replay")
async def replay_webhook(page: Page) -> Response:
    admin_only(page)
    data = decode_query({"event_id": page.field("event_id")}, ReplayRequest)
    await page.db.write(webhook_service.replay, caller=page.caller, id=page.path("id"), data=data)
    return page.redirect(f"{PREFIX}/webhooks/{page.path('id')}?replayed={data.event_id}")


# -- API keys -------------------------------------------------------------------------------


async def _keys(page: Page, *, status: int = 200, **shown: Any) -> Response:
    keys = await page.db.read(workspace_service.list_keys, workspace_id=page.caller.workspace_id)
    context: dict[str, Any] = {"created": None, "errors": [], "name": ""} | shown
    return page.render("keys.html", status=status, keys=keys, scopes=KEY_SCOPES, **context)


@router.get("/keys")
async def keys(page: Page) -> Response:
    admin_only(page)
    return await _keys(page)


@router.post("/keys")
async def create_key(page: Page) -> Response:
    admin_only(page)
    scopes = [str(scope) for scope in page.form.getlist("scopes")]
    try:
        if not page.field("name"):
            raise InvalidInput(fields=[FieldError("name", "give the key a name")])
        created = await page.db.write(
            workspace_service.create_key_for,
            caller=page.caller,
            workspace_id=None,
            name=page.field("name")[:200],
            scopes=scopes,
        )
    except InvalidInput as error:
        return await _keys(page, status=422, errors=error.fields, name=page.field("name"))
    return await _keys(page, status=201, created=created)  # the secret, shown this once


@router.post("/keys/{id:int}/revoke")
async def revoke_key(page: Page) -> Response:
    admin_only(page)
    await page.db.write(
        workspace_service.revoke_key, workspace_id=page.caller.workspace_id, key_id=page.path("id")
    )
    page.console.services.keys.forget()  # this process stops accepting it at once
    return page.redirect(f"{PREFIX}/keys")


# -- users' roles, and one's own password ---------------------------------------------------


@router.post("/users/{id:int}/role")
async def set_role(page: Page) -> Response:
    admin_only(page)
    assert page.session is not None
    await page.db.write(
        user_service.set_role_in,
        workspace_id=page.caller.workspace_id,
        id=page.path("id"),
        role=page.field("role"),
        by=page.session.user.id,
    )
    return page.redirect(f"{PREFIX}/users")


@router.get("/account", scope=None)
async def account(page: Page) -> Response:
    return page.render("account.html", errors=[], changed=page.query("changed") == "1")


@router.post("/account/password", scope=None)
async def change_password(page: Page) -> Response:
    assert page.session is not None
    user = page.session.user
    address = page.request.client.host if page.request.client else ""
    throttle = page.console.throttle
    errors = _new_password_errors(page)
    if throttle.wait(user.email, address):
        errors.append(FieldError("current_password", "too many wrong tries: wait and try again"))
    if errors:
        return page.render("account.html", status=422, errors=errors, changed=False)
    try:
        await page.db.read(
            user_service.check_password, email=user.email, password=page.raw("current_password")
        )
    except WrongPassword:
        throttle.failed(user.email, address)
        wrong = [FieldError("current_password", "is not your password")]
        return page.render("account.html", status=422, errors=wrong, changed=False)
    throttle.succeeded(user.email, address)
    signed_in = await page.db.write(
        user_service.change_password,
        user=user,
        password=page.raw("new_password"),
        idle=dt.timedelta(minutes=page.settings.console_idle_minutes),
    )
    response = page.redirect(f"{PREFIX}/account?changed=1")
    cookie = page.console.signer.sign(user.workspace_id, signed_in.token)
    set_cookie(response, SESSION_COOKIE, cookie, page)
    return response


def _new_password_errors(page: Page) -> list[FieldError]:
    new = page.raw("new_password")
    if len(new) < MIN_PASSWORD:
        return [FieldError("new_password", f"must be at least {MIN_PASSWORD} characters")]
    if new != page.raw("confirm_password"):
        return [FieldError("confirm_password", "is not the same as the new password")]
    return []
