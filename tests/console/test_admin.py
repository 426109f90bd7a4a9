"""The admin screens over HTTP: webhooks, API keys, users' roles; and a user's own
password. Admins only (a manager or an agent gets 403), CSRF on every form. On SQLite and
PostgreSQL."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from tests.console.conftest import PASSWORD, csrf_of, make_user, post_form, sign_in
from tests.console.test_screens import contact, text_of

URL = "https://crm.example.com/hooks/dialbook"


def create_hook(admin: TestClient, url: str = URL) -> int:
    page = post_form(
        admin, "/console/webhooks", {"url": url, "description": "CRM"}, page="/console/webhooks"
    )
    assert page.status_code == 201, page.text
    return int(re.findall(r'href="/console/webhooks/(\d+)"', page.text)[-1])


# -- webhooks -------------------------------------------------------------------------------


def test_a_webhook_is_created_with_its_secret_shown_once(admin: TestClient) -> None:
    page = post_form(
        admin,
        "/console/webhooks",
        {"url": URL, "description": "<b>CRM</b>"},
        page="/console/webhooks",
    )
    assert page.status_code == 201
    secret = re.search(r'<code class="secret">(whsec_[^<]+)</code>', page.text)
    assert secret
    assert "&lt;b&gt;CRM&lt;/b&gt;" in page.text  # escaped
    again = admin.get("/console/webhooks")
    assert URL in again.text
    assert secret.group(1) not in again.text
    bad = post_form(admin, "/console/webhooks", {"url": "ftp://x"}, page="/console/webhooks")
    assert bad.status_code == 422
    assert "url" in text_of(bad.text)
    assert "http:// or https://" in bad.text
    private = post_form(
        admin, "/console/webhooks", {"url": "http://127.0.0.1/"}, page="/console/webhooks"
    )
    assert private.status_code == 422
    assert "private" in private.text


def test_a_webhook_takes_event_and_list_filters_and_a_format(
    api: TestClient, admin: TestClient
) -> None:
    chosen = api.post("/v1/lists", json={"name": "Chosen <list>"}).json()
    api.post("/v1/lists", json={"name": "Other"})
    form = admin.get("/console/webhooks")
    assert "Chosen &lt;list&gt;" in form.text  # offered, escaped
    assert 'value="contact.created"' in form.text
    body = {
        "url": URL,
        "events": ["contact.created", "contact.deleted"],
        "list_ids": [str(chosen["id"])],
        "format": "highlevel",
    }
    page = post_form(admin, "/console/webhooks", body, page="/console/webhooks")
    assert page.status_code == 201, page.text
    [made] = api.get("/v1/webhook-endpoints").json()["data"]
    assert made["events"] == ["contact.created", "contact.deleted"]
    assert made["list_ids"] == [chosen["id"]]
    assert made["format"] == "highlevel"
    bad = {"url": URL, "events": ["contact.exploded"], "format": "xml"}
    refused = post_form(admin, "/console/webhooks", bad, page="/console/webhooks")
    assert refused.status_code == 422
    assert "events" in text_of(refused.text)
    assert len(api.get("/v1/webhook-endpoints").json()["data"]) == 1  # nothing half-made


def test_disable_enable_replay_and_delete_a_webhook(api: TestClient, admin: TestClient) -> None:
    hook = create_hook(admin)
    page = f"/console/webhooks/{hook}"
    off = post_form(admin, f"{page}/enabled", {}, page=page)
    assert off.status_code == 303
    assert api.get(f"/v1/webhook-endpoints/{hook}").json()["enabled"] is False
    assert "disabled: disabled by user:" in text_of(admin.get(page).text)
    on = post_form(admin, f"{page}/enabled", {"enabled": "on"}, page=page)
    assert on.status_code == 303
    assert api.get(f"/v1/webhook-endpoints/{hook}").json()["enabled"] is True
    contact(api, phones=["+14155550123"])
    event = api.get("/v1/events").json()["data"][-1]["id"]
    replayed = post_form(admin, f"{page}/replay", {"event_id": str(event)}, page=page)
    assert replayed.status_code == 303
    shown = admin.get(replayed.headers["location"])
    assert f"Event {event} is queued to be sent again." in shown.text
    recent = re.search(r'<table id="recent".*?</table>', shown.text, re.S)
    assert recent
    assert f"Replay event {event}" in recent.group(0)
    unknown = post_form(admin, f"{page}/replay", {"event_id": "999999"}, page=page)
    assert unknown.status_code == 422
    assert "event_id" in unknown.text
    gone = post_form(admin, f"{page}/delete", {}, page=page)
    assert gone.status_code == 303
    assert api.get(f"/v1/webhook-endpoints/{hook}").status_code == 404
    assert admin.get(page).status_code == 404


# -- API keys -------------------------------------------------------------------------------


def test_an_api_key_is_created_once_used_and_revoked(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com")
    sign_in(client, "ana@example.com")
    made = post_form(
        client,
        "/console/keys",
        {"name": "Dialer <1>", "scopes": ["contacts:read"]},
        page="/console/keys",
    )
    assert made.status_code == 201
    key = re.search(r'<code class="secret">(dbk_[^<]+)</code>', made.text)
    assert key
    assert "Dialer &lt;1&gt;" in made.text
    listed = client.get("/console/keys").text
    assert key.group(1) not in listed
    assert key.group(1)[:12] in listed
    auth = {"Authorization": f"Bearer {key.group(1)}"}
    assert client.get("/v1/contacts", headers=auth).status_code == 200
    assert (
        client.post("/v1/contacts", headers=auth, json={"phones": ["+14155550123"]}).status_code
        == 403
    )
    key_id = re.search(r'action="/console/keys/(\d+)/revoke"', listed)
    assert key_id
    revoked = post_form(client, f"/console/keys/{key_id.group(1)}/revoke", {}, page="/console/keys")
    assert revoked.status_code == 303
    assert client.get("/v1/contacts", headers=auth).status_code == 401


def test_a_key_never_gets_the_admin_scope_or_no_name(admin: TestClient) -> None:
    beyond = post_form(
        admin, "/console/keys", {"name": "x", "scopes": ["admin"]}, page="/console/keys"
    )
    assert beyond.status_code == 422
    assert "scopes" in beyond.text
    assert "more than you may do yourself" in beyond.text
    unknown = post_form(
        admin, "/console/keys", {"name": "x", "scopes": ["root"]}, page="/console/keys"
    )
    assert unknown.status_code == 422
    assert "unknown scope" in unknown.text
    nameless = post_form(admin, "/console/keys", {"name": " ", "scopes": []}, page="/console/keys")
    assert nameless.status_code == 422
    assert "give the key a name" in nameless.text
    assert '<code class="secret">' not in admin.get("/console/keys").text


def test_forms_without_the_csrf_token_change_nothing(api: TestClient, admin: TestClient) -> None:
    for url, form in (
        ("/console/keys", {"name": "sneaky"}),
        ("/console/webhooks", {"url": URL}),
        ("/console/account/password", {"current_password": PASSWORD, "new_password": "x" * 12}),
    ):
        answer = admin.post(url, data=form, follow_redirects=False)
        assert answer.status_code == 403, url
    assert [k["name"] for k in api.get("/v1/keys").json()["data"]] == ["bootstrap"]
    assert api.get("/v1/webhook-endpoints").json()["data"] == []


@pytest.mark.parametrize("role", ["manager", "agent"])
def test_only_admins_reach_webhooks_keys_and_roles(
    client: TestClient, db: Database, role: str
) -> None:
    make_user(db, "ana@example.com", "admin")
    make_user(db, "mo@example.com", role)
    sign_in(client, "mo@example.com")
    for path in ("/console/webhooks", "/console/keys", "/console/webhooks/1"):
        assert client.get(path).status_code == 403, path
    token = csrf_of(client.get("/console/account"))
    for path, form in (
        ("/console/webhooks", {"url": URL}),
        ("/console/keys", {"name": "k", "scopes": ["contacts:read"]}),
        ("/console/keys/1/revoke", {}),
        ("/console/webhooks/1/delete", {}),
        ("/console/users/1/role", {"role": "admin"}),
    ):
        answer = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 403, path
    nav = client.get("/console/account").text
    assert "/console/keys" not in nav
    assert "/console/webhooks" not in nav


# -- roles and passwords --------------------------------------------------------------------


def test_an_admin_changes_a_role(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com", "admin")
    make_user(db, "bo@example.com", "agent")
    sign_in(client, "ana@example.com")
    page = client.get("/console/users").text
    bo = re.search(r'action="/console/users/(\d+)/role"', page)
    assert bo
    assert 'aria-label="Role of bo@example.com"' in page
    assert 'aria-label="Role of ana@example.com"' not in page  # not one's own
    changed = post_form(
        client, f"/console/users/{bo.group(1)}/role", {"role": "manager"}, page="/console/users"
    )
    assert changed.status_code == 303
    bad = post_form(
        client, f"/console/users/{bo.group(1)}/role", {"role": "boss"}, page="/console/users"
    )
    assert bad.status_code == 422
    assert "role" in bad.text
    client.cookies.clear()
    sign_in(client, "bo@example.com")
    assert "bo@example.com (manager)" in client.get("/console/lists").text


def test_an_admin_cannot_change_their_own_role(client: TestClient, db: Database) -> None:
    from dialbook.users import service as user_service

    make_user(db, "ana@example.com", "admin")
    sign_in(client, "ana@example.com")
    me = db.run_read(user_service.get_by_email, email="ana@example.com")
    answer = post_form(
        client, f"/console/users/{me.id}/role", {"role": "agent"}, page="/console/users"
    )
    assert answer.status_code == 409
    assert "You cannot change your own role." in answer.text


def test_a_user_changes_their_own_password(client: TestClient, db: Database) -> None:
    make_user(db, "bo@example.com", "agent")
    sign_in(client, "bo@example.com")
    elsewhere = TestClient(client.app)  # another browser, signed in as the same user
    sign_in(elsewhere, "bo@example.com")
    assert elsewhere.get("/console/lists", follow_redirects=False).status_code == 200
    form = {
        "current_password": "not it at all",
        "new_password": "a new long one",
        "confirm_password": "a new long one",
    }
    wrong = post_form(client, "/console/account/password", form, page="/console/account")
    assert wrong.status_code == 422
    assert "is not your password" in wrong.text
    form |= {"current_password": PASSWORD, "confirm_password": "something else"}
    differ = post_form(client, "/console/account/password", form, page="/console/account")
    assert differ.status_code == 422
    assert "confirm_password" in differ.text
    form |= {"confirm_password": "a new long one"}
    done = post_form(client, "/console/account/password", form, page="/console/account")
    assert done.status_code == 303
    shown = client.get(done.headers["location"], follow_redirects=False)
    assert shown.status_code == 200
    assert "Your password is changed." in shown.text
    assert elsewhere.get("/console/lists", follow_redirects=False).status_code == 303  # out
    client.cookies.clear()
    assert sign_in(client, "bo@example.com").status_code == 401
    assert sign_in(client, "bo@example.com", "a new long one").status_code == 303
