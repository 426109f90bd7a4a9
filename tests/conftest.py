"""Fixtures: real databases built by the migrations, on SQLite always and on PostgreSQL when
one answers (DIALBOOK_TEST_POSTGRES_URL, or a server on 127.0.0.1:5432); otherwise the
PostgreSQL runs are skipped and say why."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database, migrate, statement_check, tenancy
from dialbook.db import engine as engines
from dialbook.db.tables import metadata
from dialbook.onboarding import service as onboarding
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"

# Every statement run on PostgreSQL during the tests is checked against the tenancy rule
# (db/statement_check.py); a test whose statements break it fails (``enforce``), or has them
# listed at the end of the run (``report``).
os.environ.setdefault(tenancy.CHECK_VARIABLE, "enforce")

# Shared, noisy machines: no per-example time limit (speed is measured in bench/).
hypothesis_settings.register_profile("dialbook", deadline=None)
hypothesis_settings.load_profile("dialbook")


def _postgres_admin_url() -> tuple[str | None, str]:
    url = os.environ.get("DIALBOOK_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    try:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, connect_timeout=3):
            pass
    except Exception as error:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        reason = f"no PostgreSQL answers at {url} ({type(error).__name__})"
        return None, reason + "; set DIALBOOK_TEST_POSTGRES_URL to run them"
    return url, ""


POSTGRES_ADMIN_URL, POSTGRES_SKIP_REASON = _postgres_admin_url()
if POSTGRES_ADMIN_URL is None and os.environ.get("DIALBOOK_TEST_REQUIRE_POSTGRES"):
    raise RuntimeError(f"DIALBOOK_TEST_REQUIRE_POSTGRES is set but {POSTGRES_SKIP_REASON}")


@pytest.fixture(autouse=True)
def statement_rule(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test (or note it, in report mode) whose statements broke the tenancy rule."""
    statement_check.take()  # a module-scoped fixture's statements belong to no one test
    yield
    found = statement_check.take()
    if not found:
        return
    if statement_check.mode() == "enforce":
        listed = "\n".join(f"  {f}" for f in dict.fromkeys(found))
        pytest.fail(f"statements break the tenancy rule (docs/scaling.md):\n{listed}", False)
    request.node.user_properties.append(("tenancy", [str(f) for f in found]))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """In report mode: every distinct statement that broke the tenancy rule, once."""
    found: dict[str, list[str]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, statements in getattr(report, "user_properties", ()):
                if name == "tenancy":
                    for statement in statements:
                        found.setdefault(statement, []).append(report.nodeid)
    if found:
        terminalreporter.section(f"tenancy: {len(found)} statements break the rule")
        for statement, tests in sorted(found.items()):
            terminalreporter.write_line(f"{statement}\n    (first in {tests[0]})")


def pytest_report_header(config: pytest.Config) -> str:
    if POSTGRES_ADMIN_URL:
        return f"dialbook: running on SQLite and PostgreSQL ({POSTGRES_ADMIN_URL})"
    return f"dialbook: SQLite only; PostgreSQL runs skipped: {POSTGRES_SKIP_REASON}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file built once by the migrations; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "dialbook.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """One database per xdist worker, built by the migrations."""
    if POSTGRES_ADMIN_URL is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    admin = make_url(engines.normalize_url(POSTGRES_ADMIN_URL))
    # Unique per process, so concurrent test runs on one server never share a database.
    name = f"dialbook_test_{os.getpid()}_{worker_id}"
    admin_engine = engines.create(admin.render_as_string(hide_password=False), pool_size=1)
    with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


def _truncate(url: str) -> None:
    engine = engines.create(url, pool_size=1)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "dialbook.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.close()


@pytest.fixture
def admin_key(db: Database) -> str:
    created = db.run_write(onboarding.bootstrap, default_region="US", with_key=True)
    assert created is not None
    return created.key


@pytest.fixture
def caller(db: Database, admin_key: str) -> Caller:
    return db.run_read(workspace_service.authenticate, secret=admin_key)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", key_cache_seconds=0.0)


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db=db)) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient, admin_key: str) -> TestClient:
    """A client that sends the admin key."""
    client.headers["Authorization"] = f"Bearer {admin_key}"
    return client


def make_key(db: Database, *, scopes: list[str], workspace: str = "default") -> str:
    db.run_write(onboarding.bootstrap, default_region="US")
    found = db.run_read(workspace_service.find_workspace, name_or_id=workspace)
    return db.run_write(
        workspace_service.create_key, workspace_id=found.id, name="test", scopes=scopes
    ).key


def create_list(api: TestClient, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Leads")
    response = api.post("/v1/lists", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
