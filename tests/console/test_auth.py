"""Signing in and out of the console, sessions, CSRF, roles and the security headers.

Through the HTTP surface (the test client), on SQLite and PostgreSQL, at fixed instants."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from dialbook.kit import clock
from dialbook.onboarding import service as onboarding
from dialbook.users import service as user_service
from dialbook.workspaces import service as workspace_service
from tests.console.conftest import PASSWORD, csrf_of, make_user, post_form, sign_in, use_session

T0 = dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC)


def test_a_browser_at_the_root_goes_to_the_console_and_then_to_sign_in(
    client: TestClient,
) -> None:
    root = client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert root.status_code == 307
    assert root.headers["location"] == "/console/"
    console = client.get("/console/lists", follow_redirects=False)
    assert console.status_code == 303
    assert console.headers["location"] == "/console/login?next=%2Fconsole%2Flists"
    page = client.get("/console/login")
    assert page.status_code == 200
    assert 'name="email"' in page.text
    assert 'name="password"' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_htmx_without_a_session_is_told_where_to_sign_in(client: TestClient) -> None:
    answer = client.get("/console/contacts", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    assert answer.headers["hx-redirect"].startswith("/console/login?next=")


def test_sign_in_sets_a_signed_httponly_lax_cookie_and_sign_out_ends_the_session(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ana@example.com")
    answer = sign_in(client, "Ana@Example.com")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("dialbook_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/console" in cookie
    value = client.cookies["dialbook_session"]
    lists = client.get("/console/lists")
    assert lists.status_code == 200
    assert "ana@example.com (admin)" in lists.text

    out = post_form(client, "/console/logout", {}, page="/console/lists")
    assert out.status_code == 303
    assert out.headers["location"] == "/console/login"
    assert "dialbook_session" not in client.cookies
    use_session(client, value)  # the old cookie, replayed
    assert client.get("/console/lists", follow_redirects=False).status_code == 303


def test_the_session_id_changes_at_sign_in(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com")
    sign_in(client, "ana@example.com")
    first = client.cookies["dialbook_session"]
    sign_in(client, "ana@example.com")
    second = client.cookies["dialbook_session"]
    assert first != second
    use_session(client, first)
    assert client.get("/console/lists", follow_redirects=False).status_code == 303
    use_session(client, second)
    assert client.get("/console/lists").status_code == 200


def test_a_forged_or_tampered_cookie_is_no_session(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com")
    sign_in(client, "ana@example.com")
    workspace, token, mac = client.cookies["dialbook_session"].split(".")
    for forged in (f"{workspace}.{token}.{'0' * 64}", f"{int(workspace) + 1}.{token}.{mac}", "x"):
        use_session(client, forged)
        assert client.get("/console/lists", follow_redirects=False).status_code == 303


def test_a_password_is_taken_as_typed(client: TestClient, db: Database) -> None:
    db.run_write(onboarding.bootstrap, default_region="US")
    found = db.run_read(workspace_service.find_workspace, name_or_id="default")
    db.run_write(
        user_service.create,
        workspace_id=found.id,
        email="sp@example.com",
        role="agent",
        password="  spaced out  ",
    )
    assert sign_in(client, "sp@example.com", "spaced out").status_code == 401
    assert sign_in(client, "sp@example.com", "  spaced out  ").status_code == 303


def test_wrong_passwords_and_unknown_emails_get_the_same_answer(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ana@example.com")
    wrong = sign_in(client, "ana@example.com", "not the password")
    unknown = sign_in(client, "bob@example.com", PASSWORD)
    nul = sign_in(client, "ana@example.com\x00", PASSWORD)
    for answer in (wrong, unknown, nul):
        assert answer.status_code == 401
        assert "Wrong email or password." in answer.text
    assert "dialbook_session" not in client.cookies


def test_repeated_failures_are_refused_for_a_while_without_waiting(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ana@example.com")
    with clock.frozen(T0):
        for _ in range(5):
            assert sign_in(client, "ana@example.com", "guess").status_code == 401
        refused = sign_in(client, "ana@example.com")  # even the right password
        assert refused.status_code == 429
        assert "try again in 30 s" in refused.text
        assert sign_in(client, "ana@example.com", "guess").status_code == 429
    with clock.frozen(T0 + dt.timedelta(seconds=31)):
        assert sign_in(client, "ana@example.com").status_code == 303
        # a success forgets the failures
        assert sign_in(client, "ana@example.com", "guess").status_code == 401


def test_an_idle_session_expires(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com")
    with clock.frozen(T0):
        sign_in(client, "ana@example.com")
    with clock.frozen(T0 + dt.timedelta(minutes=50)):  # used: the idle clock restarts
        assert client.get("/console/lists").status_code == 200
    with clock.frozen(T0 + dt.timedelta(minutes=100)):
        assert client.get("/console/lists").status_code == 200
    with clock.frozen(T0 + dt.timedelta(minutes=161)):  # idle for 61 minutes (setting: 60)
        answer = client.get("/console/lists", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/console/login")


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com")
    sign_in(client, "ana@example.com")
    db.run_write(user_service.disable, email="ana@example.com")
    assert client.get("/console/lists", follow_redirects=False).status_code == 303
    assert sign_in(client, "ana@example.com").status_code == 401
    db.run_write(user_service.set_password, email="ana@example.com", password="a new passphrase")
    assert sign_in(client, "ana@example.com", "a new passphrase").status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/v1/lists"])
def test_sign_in_goes_only_to_console_pages(client: TestClient, db: Database, target: str) -> None:
    make_user(db, "ana@example.com")
    form = client.get("/console/login", params={"next": target})
    answer = client.post(
        "/console/login",
        data={
            "email": "ana@example.com",
            "password": PASSWORD,
            "csrf_token": csrf_of(form),
            "next": target,
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/"


def test_sign_in_goes_back_to_the_page_asked_for(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com")
    first = client.get("/console/dnc?number=1", follow_redirects=True)
    assert first.url.path == "/console/login"
    answer = client.post(
        "/console/login",
        data={
            "email": "ana@example.com",
            "password": PASSWORD,
            "csrf_token": csrf_of(first),
            "next": first.url.params["next"],
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/dnc?number=1"


def test_every_post_needs_the_csrf_token(admin: TestClient) -> None:
    for token in (None, "forged"):
        data = {"name": "Sneaky"} | ({"csrf_token": token} if token else {})
        answer = admin.post("/console/lists", data=data)
        assert answer.status_code == 403
        assert "did not come from this console" in answer.text
    headers = {"X-CSRF-Token": csrf_of(admin.get("/console/lists/new"))}  # as htmx sends it
    made = admin.post("/console/lists", data={"name": "Fine"}, headers=headers)
    assert made.status_code == 200
    assert "Fine" in made.text
    assert "Sneaky" not in admin.get("/console/lists").text


def test_the_sign_in_form_needs_its_csrf_token_too(client: TestClient, db: Database) -> None:
    make_user(db, "ana@example.com")
    client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": "guessed"},
    )
    assert answer.status_code == 403
    assert "dialbook_session" not in client.cookies


def test_an_agent_reads_but_does_not_manage(client: TestClient, db: Database) -> None:
    make_user(db, "agent@example.com", role="agent")
    sign_in(client, "agent@example.com")
    lists = client.get("/console/lists")
    assert lists.status_code == 200
    assert "New list" not in lists.text
    answer = post_form(client, "/console/lists", {"name": "Mine"}, page="/console/lists")
    assert answer.status_code == 403
    assert "Your role (agent) may not do this." in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    assert client.get("/console/lists/new").status_code == 403


def test_unknown_console_pages_answer_in_html(admin: TestClient) -> None:
    for path in ("/console/nothing", "/console/lists/99999", f"/console/lists/{2**64}"):
        answer = admin.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["x-frame-options"] == "DENY"


def test_an_admin_manages_the_workspaces_users(
    admin: TestClient, client: TestClient, db: Database
) -> None:
    assert 'href="/console/users"' in admin.get("/console/lists").text
    made = post_form(
        admin,
        "/console/users",
        {"email": "Bo@Example.com", "role": "agent", "password": "a long passphrase"},
        page="/console/users",
    )
    assert made.status_code == 303
    listed = admin.get("/console/users").text
    assert "bo@example.com" in listed
    assert "agent" in listed
    short = post_form(
        admin,
        "/console/users",
        {"email": "cy@example.com", "role": "agent", "password": "short"},
        page="/console/users",
    )
    assert short.status_code == 422
    assert "password" in short.text
    twice = post_form(
        admin,
        "/console/users",
        {"email": "bo@example.com", "role": "admin", "password": "a long passphrase"},
        page="/console/users",
    )
    assert twice.status_code == 409

    bo = db.run_read(user_service.get_by_email, email="bo@example.com")
    ana = db.run_read(user_service.get_by_email, email="ana@example.com")
    myself = post_form(admin, f"/console/users/{ana.id}/disable", {}, page="/console/users")
    assert myself.status_code == 409
    assert "cannot disable yourself" in myself.text
    off = post_form(admin, f"/console/users/{bo.id}/disable", {}, page="/console/users")
    assert off.status_code == 303
    assert db.run_read(user_service.get_by_email, email="bo@example.com").disabled_at is not None


def test_only_an_admin_manages_users(client: TestClient, db: Database) -> None:
    make_user(db, "mo@example.com", role="manager")
    sign_in(client, "mo@example.com")
    assert 'href="/console/users"' not in client.get("/console/lists").text
    assert client.get("/console/users").status_code == 403
    answer = post_form(
        client,
        "/console/users",
        {"email": "x@example.com", "role": "admin", "password": "a long passphrase"},
        page="/console/lists",
    )
    assert answer.status_code == 403


def test_the_signing_key_is_made_once_and_kept_private(
    client: TestClient, db: Database, settings: Settings
) -> None:
    make_user(db, "ana@example.com")
    sign_in(client, "ana@example.com")
    key_file = settings.data_dir / "console-secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with TestClient(create_app(settings, db=db)) as restarted:  # another process, same key
        restarted.cookies.set("dialbook_session", client.cookies["dialbook_session"])
        assert restarted.get("/console/lists").status_code == 200
    other = Settings(data_dir=settings.data_dir, console_secret="x" * 40)
    with TestClient(create_app(other, db=db)) as rekeyed:  # a new key signs everyone out
        rekeyed.cookies.set("dialbook_session", client.cookies["dialbook_session"])
        assert rekeyed.get("/console/lists", follow_redirects=False).status_code == 303
