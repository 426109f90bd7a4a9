"""Fixtures for the security tests: one database per module and backend (SQLite always,
PostgreSQL when one answers, as in tests/conftest.py), and workspaces holding one of each
resource."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from dialbook.imports.jobs import Jobs
from dialbook.kit import clock
from dialbook.onboarding import service as onboarding
from tests.conftest import _truncate
from tests.security.surfaces import HEADERS, Ids


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
) -> Iterator[Database]:
    """A migrated, empty database shared by the tests of one module."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("security") / "dialbook.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        _truncate(url)
    database = Database(url)
    yield database
    database.close()


@pytest.fixture(scope="module")
def admin_key_a(module_db: Database) -> str:
    created = module_db.run_write(onboarding.bootstrap, default_region="US", with_key=True)
    assert created is not None
    return created.key


def make_client(db: Database, key: str, data_dir: Path, **settings: Any) -> TestClient:
    app = create_app(Settings(data_dir=data_dir, key_cache_seconds=0.0, **settings), db=db)
    return TestClient(app, headers={"Authorization": f"Bearer {key}", **HEADERS})


def seed(api: TestClient, *, tag: str = "seeded", phone: str = "+180055501") -> Ids:
    """One of each resource in the workspace of ``api``'s key, made through the native API:
    a list with contacts, a custom field, a suppression list with an entry, a lease on a
    contact and a finished import job. Every text holds ``tag`` and every number starts with
    ``phone`` (numbers ``phone`` + 00, 01, 02 and 99), so the workspace's data is recognizable
    in any answer."""

    def made(method: str, url: str, **kwargs: Any) -> Any:
        response = api.request(method, url, **kwargs)
        assert response.status_code in (200, 201, 202), (method, url, response.text)
        return response.json()

    key = made("GET", "/v1/keys")["data"][0]  # (an admin key sees every workspace)
    lst = made(
        "POST", "/v1/lists", json={"name": f"List {tag}", "default_timezone": "Atlantic/Reykjavik"}
    )
    contact = made(
        "POST",
        "/v1/contacts",
        json={
            "list_id": lst["id"],
            "first_name": f"Ada {tag}",
            "email": f"ada.{tag}@example.com",
            "phones": [f"{phone}00"],
            "tags": [f"tag-{tag}"],
        },
    )
    made(
        "POST",
        "/v1/contacts",
        json={"list_id": lst["id"], "last_name": tag, "phones": [f"{phone}01"]},
    )
    field = made("POST", "/v1/custom-fields", json={"key": f"score_{tag}", "type": "number"})
    suppression_list = made("POST", "/v1/suppression-lists", json={"name": f"DNC {tag}"})
    suppression = made(
        "POST",
        "/v1/suppressions",
        json={
            "number": f"{phone}99",
            "reason": f"asked {tag}",
            "suppression_list_id": suppression_list["id"],
        },
    )
    # At the next noon: inside the list's default calling window (08:00-21:00, UTC here)
    # whatever the hour, and after the contacts became due.
    noon = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)
    with clock.frozen(noon if noon > clock.now() else noon + dt.timedelta(days=1)):
        claimed = made(
            "POST",
            f"/v1/lists/{lst['id']}/queue/claim",
            json={"count": 1, "lease_seconds": 86_400},
        )
    assert len(claimed["leases"]) == 1, claimed
    job = made(
        "POST",
        f"/v1/lists/{lst['id']}/imports",
        content=f"phone,first_name\n{phone}02,Imported {tag}\n".encode(),
        headers={"content-type": "text/csv"},
        params={"filename": f"leads-{tag}.csv"},
    )
    api.app.state.services.workers.get(Jobs).wait(timeout=30)  # type: ignore[attr-defined]
    # Disabled, so the delivery worker leaves its rows alone while the tests compare them.
    hook = made(
        "POST",
        "/v1/webhook-endpoints",
        json={"url": f"https://hooks-{tag}.example.com/in", "description": f"CRM {tag}"},
    )
    made("PATCH", f"/v1/webhook-endpoints/{hook['id']}", json={"enabled": False})
    # A do-not-call registry copy holding the number + 98 (the registry's 10 digits).
    made("POST", "/v1/dnc-registries/us-national/imports", content=f"{phone[2:]}98\n".encode())
    return Ids(
        workspace=key["workspace_id"],
        key=key["id"],
        list=lst["id"],
        contact=contact["id"],
        field=field["id"],
        suppression_list=suppression_list["id"],
        suppression=suppression["id"],
        lease=claimed["leases"][0]["lease_id"],
        webhook_endpoint=hook["id"],
        import_job=job["id"],
    )
