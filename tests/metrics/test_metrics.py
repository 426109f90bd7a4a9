"""GET /metrics: Prometheus' text format for admin keys, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from dialbook.kit import metrics
from tests import servers
from tests.conftest import create_list, make_key
from tests.metrics import sample


def scrape(api: TestClient) -> str:
    response = api.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


def test_only_an_admin_key_reads_the_metrics(client: TestClient, db: Database) -> None:
    assert client.get("/metrics").status_code == 401
    dialer = make_key(db, scopes=["contacts:read", "contacts:write", "queue:dial"])
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {dialer}"})
    assert answer.status_code == 403
    assert answer.json()["detail"]


def test_requests_are_counted_by_route_template_and_status(api: TestClient) -> None:
    route = {"method": "POST", "route": "/v1/contacts"}
    before = scrape(api)
    for n in range(3):
        assert api.post("/v1/contacts", json={"phones": [f"+1212555010{n}"]}).status_code == 201
    assert api.post("/v1/contacts", json={"phones": ["not a phone"]}).status_code == 422
    created = api.post("/v1/contacts", json={"phones": ["+12125550109"]}).json()
    assert api.get(f"/v1/contacts/{created['id']}").status_code == 200
    assert api.get("/v1/no/such/path/123").status_code == 404
    after = scrape(api)

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("dialbook_http_requests_total", **route, status="201") == 4
    assert grew("dialbook_http_requests_total", **route, status="422") == 1
    # One series per route, not per contact id, and one for every unknown path.
    one = {"method": "GET", "route": "/v1/contacts/{id:int}", "status": "200"}
    assert grew("dialbook_http_requests_total", **one) == 1
    assert grew("dialbook_http_requests_total", method="GET", route="unmatched") == 1
    assert f"/v1/contacts/{created['id']}" not in after
    assert grew("dialbook_http_request_duration_seconds_count", **route) == 5


def test_the_workspace_gauges_show_its_lists_and_nobody_elses(
    api: TestClient, db: Database
) -> None:
    mine = create_list(api, name="Mine")
    for n in range(3):
        body = {"phones": [f"+1212555020{n}"], "list_id": mine["id"]}
        assert api.post("/v1/contacts", json=body).status_code == 201
    text = scrape(api)
    assert sample(text, "dialbook_list_contacts", list_id=str(mine["id"]), status="queued") == 3
    assert sample(text, "dialbook_list_attempts", list_id=str(mine["id"])) == 0

    assert api.post("/v1/workspaces", json={"name": "other"}).status_code == 201
    api.headers["Authorization"] = f"Bearer {make_key(db, scopes=['admin'], workspace='other')}"
    theirs = create_list(api, name="Theirs")
    body = {"phones": ["+12125550300"], "list_id": theirs["id"]}
    assert api.post("/v1/contacts", json=body).status_code == 201
    text = scrape(api)
    assert sample(text, "dialbook_list_contacts", list_id=str(theirs["id"]), status="queued") == 1
    assert f'list_id="{mine["id"]}"' not in text


def test_import_rows_are_counted_by_outcome(api: TestClient) -> None:
    lst = create_list(api)
    before = scrape(api)
    leads = "phone,first_name\n+12125550400,Ann\nnot a phone,Bob\n+12125550401,Cy\n"
    response = api.post(
        f"/v1/lists/{lst['id']}/imports", content=leads.encode(), params={"filename": "a.csv"}
    )
    assert response.status_code == 202, response.text
    job = response.json()
    for _ in range(400):
        job = api.get(f"/v1/imports/{job['id']}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert job["status"] == "done", job
    after = scrape(api)
    created = sample(after, "dialbook_import_rows_total", outcome="created")
    rejected = sample(after, "dialbook_import_rows_total", outcome="rejected")
    assert created - sample(before, "dialbook_import_rows_total", outcome="created") == 2
    assert rejected - sample(before, "dialbook_import_rows_total", outcome="rejected") == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_write_batches_are_measured(api: TestClient) -> None:
    before = sample(scrape(api), "dialbook_db_write_batch_size_count")
    assert api.post("/v1/contacts", json={"phones": ["+12125550500"]}).status_code == 201
    assert sample(scrape(api), "dialbook_db_write_batch_size_count") > before


def test_metrics_can_be_turned_off(db: Database, admin_key: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", key_cache_seconds=0.0, metrics=False)
    with TestClient(create_app(settings, db=db)) as client:
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {admin_key}"})
        assert answer.status_code == 404


def test_off_in_the_environment() -> None:
    assert Settings.from_env().metrics is True
    os.environ["DIALBOOK_METRICS"] = "off"
    try:
        assert Settings.from_env().metrics is False
    finally:
        del os.environ["DIALBOOK_METRICS"]


SERVE_SOME = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from starlette.testclient import TestClient
    from dialbook.app import create_app
    from dialbook.config import Settings
    from dialbook.db.migrate import upgrade
    settings = Settings(data_dir=Path(sys.argv[1]), key_cache_seconds=0.0)
    settings.data_dir.mkdir(exist_ok=True)
    upgrade(settings.url)
    with TestClient(create_app(settings)) as client:
        for _ in range(int(sys.argv[2])):
            assert client.get("/healthz").status_code == 200
    """
)


def test_processes_sharing_a_multiprocess_directory_are_summed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    for count in (3, 4):  # two processes, one after the other, each with its own pid
        subprocess.run(
            [sys.executable, "-c", SERVE_SOME, str(tmp_path / "data"), str(count)],
            env=env,
            check=True,
            timeout=60,
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    text = metrics.exposition().decode()
    healthz = {"method": "GET", "route": "/healthz", "status": "200"}
    assert sample(text, "dialbook_http_requests_total", **healthz) == 7


@pytest.mark.slow
def test_serve_with_two_workers_answers_for_both(
    db_url: str, admin_key: str, tmp_path: Path
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several server processes need PostgreSQL")
    env = servers.own_env(DIALBOOK_DATABASE_URL=db_url)
    with servers.serving("--workers", "2", "--log-level", "warning", env=env, cwd=tmp_path) as url:
        for _ in range(40):  # a connection each: the two processes take turns accepting
            assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
        healthz = {"method": "GET", "route": "/healthz", "status": "200"}
        for _ in range(4):  # whichever process answers the scrape sums both
            scraped = httpx.get(
                f"{url}/metrics", headers={"Authorization": f"Bearer {admin_key}"}, timeout=30
            )
            assert scraped.status_code == 200, scraped.text
            assert sample(scraped.text, "dialbook_http_requests_total", **healthz) == 40
