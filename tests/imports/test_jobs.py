"""The server's imports run in a child process of their own, end with the server and
resume where they stopped."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dialbook.app import create_app
from dialbook.config import Settings
from dialbook.db import Database
from dialbook.imports import jobs as import_jobs
from dialbook.imports import repository
from dialbook.imports.jobs import Jobs
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list

pytestmark = pytest.mark.slow


def _leads(rows: int) -> bytes:
    lines = ["first_name,phone"]
    lines += [f"Lead {n},+1212{n // 10000 % 10 + 2}{n % 10000:06d}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _runner(db: Database, caller: Caller, id: int) -> tuple[str, int]:
    job = db.run_read(repository.get_job, workspace_id=caller.workspace_id, id=id)
    assert job is not None
    return job["status"], int(job["rows_read"])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_server_import_runs_in_its_own_process_and_ends_with_the_server(
    db: Database, caller: Caller, settings: Settings, admin_key: str, tmp_path: Path
) -> None:
    with TestClient(create_app(settings, db=db)) as api:
        api.headers["Authorization"] = f"Bearer {admin_key}"
        lst = create_list(api, default_region="US")
        started = api.post(
            f"/v1/lists/{lst['id']}/imports",
            content=_leads(60_000),
            params={"filename": "big.csv"},
        )
        assert started.status_code == 202, started.text
        id = started.json()["id"]
        deadline = time.monotonic() + 120
        while _runner(db, caller, id)[1] == 0:  # the first chunk committed
            assert time.monotonic() < deadline
            time.sleep(0.05)
        job = db.run_read(repository.get_job, workspace_id=caller.workspace_id, id=id)
        assert job is not None
        process = job["runner"].split("/")[0]  # host:pid/run
        host, _, pid = process.rpartition(":")
        child = int(pid)
        assert child != os.getpid()  # not a thread of the server
        assert os.getpriority(os.PRIO_PROCESS, child) >= os.getpriority(os.PRIO_PROCESS, 0) + 5
    # The app stopped: the child (and its workers) ended with it, half-way.
    assert not _alive(child)
    status, read = _runner(db, caller, id)
    assert status == "running"
    assert 0 < read < 60_000
    # Taken up again (its runner is gone), it finishes without a duplicate.
    done = import_jobs.run(db, workspace_id=caller.workspace_id, id=id, workers=0)
    assert (done.status, done.rows_read, done.created) == ("done", 60_000, 60_000)


def test_jobs_wait_returns_once_the_child_is_done(api: TestClient) -> None:
    lst = create_list(api, default_region="US")
    started = api.post(
        f"/v1/lists/{lst['id']}/imports", content=_leads(3), params={"filename": "a.csv"}
    )
    jobs = api.app.state.services.workers.get(Jobs)  # type: ignore[attr-defined]
    jobs.wait(timeout=60)
    job = api.get(f"/v1/imports/{started.json()['id']}").json()
    assert (job["status"], job["created"]) == ("done", 3)
