"""Who runs an import: the lease a runner holds and renews, its takeover by another process
once it runs out (one taker), and a runner that lost it writing nothing more. The same
across real server processes: tests/test_reliability.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from dialbook.db import Database
from dialbook.errors import Conflict, LeaseLost
from dialbook.imports import jobs as import_jobs
from dialbook.imports import service as import_service
from dialbook.imports.jobs import Jobs
from dialbook.imports.schemas import ImportOptions, ImportRead
from dialbook.imports.workers import normalize_rows
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListCreate
from dialbook.workspaces.schemas import Caller

LEASE = dt.timedelta(seconds=20)


def _queued(db: Database, caller: Caller, tmp_path: Path, rows: int) -> ImportRead:
    lst = db.run_write(list_service.create, caller=caller, data=ListCreate(name="Leads"))
    path = tmp_path / "leads.csv"
    lines = "".join(f"P{i},+1415{i // 10000 + 200}{i % 10000:04d}\n" for i in range(rows))
    path.write_text("name,phone\n" + lines)
    return db.run_write(
        import_service.create_job, caller=caller, list_id=lst.id, path=path,
        options=ImportOptions(),
    )  # fmt: skip


def _contacts(db: Database, caller: Caller) -> int:
    query = f"SELECT count(*) FROM contacts WHERE workspace_id = {caller.workspace_id}"
    return int(db.run_read(lambda conn: conn.exec_driver_sql(query).scalar()))


def test_a_lapsed_lease_is_taken_over_once_and_the_old_runner_writes_nothing(
    db: Database, caller: Caller, tmp_path: Path
) -> None:
    job = _queued(db, caller, tmp_path, rows=3)
    lst = db.run_read(list_service.get, workspace_id=caller.workspace_id, id=job.list_id)
    path = db.run_read(import_service.job_file, caller=caller, id=job.id)
    opened = import_service.open_file(path, job.options)
    chunk = list(opened.rows)
    opened.source.close()

    def start(runner: str) -> object:
        return db.run_write(
            import_service.start, caller=caller, id=job.id, lst=lst, mapping=opened.mapping,
            force=False, runner=runner, lease=LEASE,
        )  # fmt: skip

    def commit(runner: str) -> ImportRead:
        plan = db.run_read(
            lambda conn: import_service._plan(
                conn, caller=caller, lst=lst, mapping=opened.mapping, define=False
            )
        )
        return db.run_write(
            import_service.commit_chunk, caller=caller, id=job.id, lst=lst, chunk=chunk,
            results=normalize_rows(plan, [row.values for row in chunk]),
            on_duplicate="skip", bytes_done=1, runner=runner,
            lease=LEASE,
        )  # fmt: skip

    # Runners on other machines: only their leases say whether they live.
    first, second, third = "elsewhere-a:7/aa", "elsewhere-b:8/bb", "elsewhere-c:9/cc"
    t0 = clock.now()
    with clock.frozen(t0):
        start(first)
    with clock.frozen(t0 + LEASE / 2):
        with pytest.raises(Conflict, match="another process"):
            start(second)
        assert (caller.workspace_id, job.id) not in db.run_read(import_service.unfinished)
        assert db.run_write(
            import_service.renew, caller=caller, id=job.id, runner=first, lease=LEASE
        )
    with clock.frozen(t0 + LEASE + dt.timedelta(seconds=1)), pytest.raises(Conflict):
        start(second)  # renewed: still held
    lapsed = t0 + LEASE / 2 + LEASE + dt.timedelta(seconds=1)
    with clock.frozen(lapsed):
        assert (caller.workspace_id, job.id) in db.run_read(import_service.unfinished)
        start(second)
        with pytest.raises(Conflict):  # one taker
            start(third)
        # The first runner wakes up: its chunk is refused whole, its end and its failure
        # are not recorded.
        with pytest.raises(LeaseLost):
            commit(first)
        assert _contacts(db, caller) == 0
        with pytest.raises(LeaseLost):
            db.run_write(import_service.finish, caller=caller, id=job.id, runner=first)
        failed = db.run_write(
            import_service.fail, caller=caller, id=job.id, message="boom", runner=first
        )
        assert (failed.status, failed.error) == ("running", None)
        assert not db.run_write(
            import_service.renew, caller=caller, id=job.id, runner=first, lease=LEASE
        )
        done = commit(second)
        assert (done.created, done.rows_read, done.last_line) == (3, 3, 4)
        finished = db.run_write(import_service.finish, caller=caller, id=job.id, runner=second)
    assert finished.status == "done"
    assert _contacts(db, caller) == 3


@pytest.mark.parametrize("how", ["stop", "orphaned"])
def test_a_runner_told_to_stop_releases_the_job_and_the_next_run_finishes_it(
    db: Database, caller: Caller, tmp_path: Path, how: str
) -> None:
    rows = 5_000  # three chunks
    job = _queued(db, caller, tmp_path, rows=rows)
    stop = threading.Event()
    parent = [True]

    def after_chunk(progress: ImportRead) -> None:
        stop.set() if how == "stop" else parent.clear()

    with pytest.raises(LeaseLost, match="was stopped"):
        import_jobs.run(
            db, workspace_id=caller.workspace_id, id=job.id, workers=0, progress=after_chunk,
            stop=stop if how == "stop" else None, alive=lambda: bool(parent),
        )  # fmt: skip
    left = db.run_read(import_service.get_job, caller=caller, id=job.id)
    assert (left.status, left.rows_read) == ("running", 2000)
    assert _contacts(db, caller) == 2000
    # Released, not left to run out: any process takes it at its next look.
    assert (caller.workspace_id, job.id) in db.run_read(import_service.unfinished)
    done = import_jobs.run(db, workspace_id=caller.workspace_id, id=job.id, workers=0)
    assert (done.status, done.created, done.rows_read, done.rejected) == ("done", rows, rows, 0)
    assert _contacts(db, caller) == rows


def test_the_server_worker_takes_over_a_job_whose_lease_ran_out(
    db: Database, caller: Caller, tmp_path: Path
) -> None:
    job = _queued(db, caller, tmp_path, rows=10)
    lst = db.run_read(list_service.get, workspace_id=caller.workspace_id, id=job.list_id)
    opened = import_service.open_file(
        db.run_read(import_service.job_file, caller=caller, id=job.id), job.options
    )
    opened.source.close()
    # Held by a process on another machine that then died: its lease runs out in 1 s.
    db.run_write(
        import_service.start, caller=caller, id=job.id, lst=lst, mapping=opened.mapping,
        force=False, runner="elsewhere:7/aa", lease=dt.timedelta(seconds=1),
    )  # fmt: skip
    jobs = Jobs(db, lease=0.4)  # looks every ~0.1 s

    async def serve() -> ImportRead:
        jobs.start()
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                found = await db.read(import_service.get_job, caller=caller, id=job.id)
                if found.status == "done":
                    return found
                await asyncio.sleep(0.05)
            raise AssertionError(f"not taken over: {found}")
        finally:
            await jobs.stop()

    done = asyncio.run(serve())
    assert (done.created, done.rows_read) == (10, 10)
    query = (
        f"SELECT runner FROM imports WHERE workspace_id = {caller.workspace_id} AND id = {job.id}"
    )
    runner = db.run_read(lambda conn: conn.exec_driver_sql(query).scalar())
    # A child process of this one (the server) runs it, on this machine.
    host, _, pid = runner.split("/")[0].rpartition(":")
    assert f"{host}:{pid}" != import_service.this_runner()
    assert import_service.this_runner().startswith(host + ":")
