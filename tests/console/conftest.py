"""Console fixtures: users of the default workspace and clients signed in as them."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.onboarding import service as onboarding
from dialbook.users import service as user_service
from dialbook.workspaces import service as workspace_service

PASSWORD = "correct horse battery"


def make_user(db: Database, email: str, role: str = "admin", workspace: str = "default") -> None:
    db.run_write(onboarding.bootstrap, default_region="US")
    found = db.run_read(workspace_service.find_workspace, name_or_id=workspace)
    db.run_write(
        user_service.create, workspace_id=found.id, email=email, role=role, password=PASSWORD
    )


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(form), "next": ""},
        follow_redirects=False,
    )


@pytest.fixture
def admin(client: TestClient, db: Database) -> TestClient:
    """The client, signed in as an admin of the default workspace."""
    make_user(db, "ana@example.com", "admin")
    answer = sign_in(client, "ana@example.com")
    assert answer.status_code == 303, answer.text
    return client


def post_form(
    client: TestClient, url: str, data: dict[str, object], *, page: str
) -> httpx.Response:
    """Post a form the way the browser does: with the CSRF token of the page it is on."""
    token = csrf_of(client.get(page))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def use_session(client: TestClient, cookie: str) -> None:
    """Send this session cookie (an old one, a forged one) instead of the one held."""
    client.cookies.clear()
    client.cookies.set("dialbook_session", cookie)
