"""Per-key rate limits shared by every server process on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from tests import servers
from tests.conftest import make_key


def test_two_apps_on_one_postgresql_share_each_keys_budget(
    db: Database, db_url: str, admin_key: str, tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("on SQLite one server process keeps the budget in memory")
    settings = Settings(data_dir=tmp_path, rate_limit="4/60s", key_cache_seconds=0.0)
    other_db = Database(db_url)
    try:
        with (
            TestClient(create_app(settings, db=db)) as one,
            TestClient(create_app(settings, db=other_db)) as two,
        ):
            for client in (one, two):
                client.headers["Authorization"] = f"Bearer {admin_key}"
            statuses = [(one, two)[n % 2].get("/v1/lists").status_code for n in range(6)]
            assert statuses == [200, 200, 200, 200, 429, 429]
            refused = two.get("/v1/lists")
            assert refused.json()["error"] == "rate_limited"
            assert 1 <= int(refused.headers["retry-after"]) <= 15  # one request's share: 15 s
            # Another key has its own budget.
            other = make_key(other_db, scopes=["contacts:read"])
            answer = one.get("/v1/contacts", headers={"Authorization": f"Bearer {other}"})
            assert answer.status_code == 200
    finally:
        other_db.close()


@pytest.mark.slow
def test_the_budget_holds_across_two_server_processes(
    db_url: str, admin_key: str, tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several server processes need PostgreSQL")
    env = servers.own_env(DIALBOOK_DATABASE_URL=db_url, DIALBOOK_RATE_LIMIT="5/60s")
    with servers.serving("--workers", "2", "--log-level", "warning", env=env, cwd=tmp_path) as url:
        headers = {"Authorization": f"Bearer {admin_key}"}
        statuses = [  # a connection each: the two processes take turns accepting
            httpx.get(f"{url}/v1/lists", headers=headers, timeout=30).status_code for _ in range(12)
        ]
        assert statuses.count(200) == 5
        assert statuses.count(429) == 7
