"""Undoing an import: the contacts it created go, the ones it updated stay; refused while
it runs, twice, or once retention removed its events. API and service (the CLI:
tests/cli/test_cli.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.testclient import TestClient

from dialbook.db import Conn, Database
from dialbook.events import service as event_service
from dialbook.imports import jobs as import_jobs
from dialbook.imports import service as import_service
from dialbook.imports.jobs import Jobs
from dialbook.imports.schemas import ImportOptions
from dialbook.kit import clock
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list
from tests.imports.test_import import import_file

FILE = b"name,phone\nAna,+14155550101\nBo,+14155550102\nCy,+14155550103\n"


def test_undo_over_the_api(api: TestClient, client: TestClient) -> None:
    lst = create_list(api, name="Leads")
    other = api.post("/v1/contacts", json={"list_id": lst["id"], "phones": ["+14155550199"]})
    job = api.post(f"/v1/lists/{lst['id']}/imports", content=FILE, params={"filename": "a.csv"})
    client.app.state.services.workers.get(Jobs).wait()  # type: ignore[attr-defined]
    imported = job.json()["id"]
    listed = api.get(f"/v1/lists/{lst['id']}/imports").json()["data"]
    assert [(j["id"], j["status"], j["created"]) for j in listed] == [(imported, "done", 3)]

    undone = api.post(f"/v1/imports/{imported}/undo")
    assert undone.status_code == 200, undone.text
    assert undone.json() == {"import_id": imported, "deleted": 3}
    left = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    assert [c["id"] for c in left] == [other.json()["id"]]
    assert api.get(f"/v1/imports/{imported}").json()["status"] == "undone"
    event = api.get("/v1/events", params={"types": "import.undone"}).json()["data"][0]
    assert event["data"]["id"] == imported
    assert event["actor"].startswith("key:")

    again = api.post(f"/v1/imports/{imported}/undo")
    assert again.status_code == 409
    assert "already been undone" in again.json()["detail"]
    assert api.post("/v1/imports/999999/undo").status_code == 404


def test_undo_is_refused_while_the_import_waits_or_runs(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    lst = create_list(api, name="Leads")
    path = tmp_path / "a.csv"
    path.write_bytes(FILE)
    job = db.run_write(
        import_service.create_job, caller=caller, list_id=lst["id"], path=path,
        options=ImportOptions(),
    )  # fmt: skip
    answer = api.post(f"/v1/imports/{job.id}/undo")
    assert answer.status_code == 409
    assert "is queued: undo it once it has finished" in answer.json()["detail"]
    done = import_jobs.run(db, workspace_id=caller.workspace_id, id=job.id, workers=0)
    assert done.created == 3
    assert api.post(f"/v1/imports/{job.id}/undo").json()["deleted"] == 3


def test_contacts_deleted_or_moved_on_since_are_counted_once(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    lst = create_list(api, name="Leads")
    path = tmp_path / "a.csv"
    path.write_bytes(FILE)
    job = import_file(db, caller, lst["id"], path)
    first = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"][0]
    api.delete(f"/v1/contacts/{first['id']}").raise_for_status()
    later = import_file(db, caller, lst["id"], path)  # finds them all but one: skipped
    assert (later.created, later.skipped) == (1, 2)
    assert api.post(f"/v1/imports/{job.id}/undo").json()["deleted"] == 2
    assert api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"][0]["id"] > 0
    assert api.post(f"/v1/imports/{later.id}/undo").json()["deleted"] == 1
    assert api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"] == []


def test_undo_is_refused_once_retention_removed_the_imports_events(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    lst = create_list(api, name="Leads")
    path = tmp_path / "a.csv"
    path.write_bytes(FILE)
    old = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    with clock.frozen(old):
        job = import_file(db, caller, lst["id"], path)
    api.post("/v1/contacts", json={"phones": ["+14155550188"]}).raise_for_status()
    removed = db.run_write(
        event_service.prune, workspace_ids=[caller.workspace_id], days=30,
        now=old + dt.timedelta(days=60),
    )  # fmt: skip
    assert removed > 0
    answer = api.post(f"/v1/imports/{job.id}/undo")
    assert answer.status_code == 409
    assert "can no longer be told" in answer.json()["detail"]
    assert len(api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]) == 3
    assert api.get(f"/v1/imports/{job.id}").json()["status"] == "done"  # rolled back


def test_the_contacts_an_import_created_are_found_a_page_at_a_time(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    lst = create_list(api, name="Leads")
    path = tmp_path / "a.csv"
    path.write_bytes(b"name,phone\n" + b"".join(b"P%d,+1415555%04d\n" % (n, n) for n in range(5)))
    job = import_file(db, caller, lst["id"], path)
    api.post("/v1/contacts", json={"phones": ["+14155550188"]}).raise_for_status()  # not its

    def pages(conn: Conn) -> list[list[int]]:
        return list(
            event_service.created_by(
                conn, caller=caller, actor=f"import:{job.id}", since=job.started_at,
                until=job.finished_at, chunk=2,
            )
        )  # fmt: skip

    found = db.run_read(pages)
    assert [len(page) for page in found] == [2, 2, 1]
    ids = [c["id"] for c in api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]]
    assert sorted(i for page in found for i in page) == sorted(ids)
