"""Running imports: the runner (its own transactions, a chunk each) and the server's
background worker that runs each job in a thread.

An import runs in chunks. Each chunk commits in one transaction with everything it
decided (``import_service.commit_chunk``), so a job stopped at any point (even by kill -9)
has no half-written contact, and resuming it starts after ``last_line``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import os
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator

from dialbook.contacts import service as contact_service
from dialbook.db import Database
from dialbook.errors import Conflict, DialbookError, LeaseLost
from dialbook.imports import service as import_service
from dialbook.imports.reader import Row
from dialbook.imports.schemas import ImportRead
from dialbook.imports.workers import default_workers, run_ordered
from dialbook.kit.metrics import IMPORT_ROWS
from dialbook.lists import service as list_service
from dialbook.workspaces.schemas import Caller

log = logging.getLogger("dialbook.imports")

LEASE_SECONDS = 20.0  # Settings.import_lease_seconds
PARALLEL_FROM = 20_000  # bytes per worker below which processes cost more than they save

Progress = Callable[[ImportRead], None]


def run(
    db: Database,
    *,
    workspace_id: int,
    id: int,
    workers: int | None = None,
    progress: Progress | None = None,
    force: bool = False,
    lease: float = LEASE_SECONDS,
    stop: threading.Event | None = None,
    alive: Callable[[], bool] | None = None,
) -> ImportRead:
    """Run (or resume) import ``id`` to the end. Safe to call again after any stop.

    The job is held under a lease of ``lease`` seconds, renewed from a thread while it runs
    (see imports/service.py, "leases"). Raises Conflict when another process holds it
    (unless ``force``: for an operator who knows that process is gone), and LeaseLost when
    it stops before the end: the lease was lost to another process, ``stop`` was set (the
    server shuts down), or ``alive()`` turned false (a job running in a child process
    whose parent died); the job is then another process's to finish.
    """
    caller = db.run_read(import_service.caller_for_job, workspace_id=workspace_id, id=id)
    job = db.run_read(import_service.get_job, caller=caller, id=id)
    if job.status == "done":
        return job
    if job.status == "undone":
        raise Conflict(f"Import {id} has been undone.")
    path = db.run_read(import_service.job_file, caller=caller, id=id)
    if not force and not path.exists():
        # Stored by a process on another machine: one that has the file runs it.
        raise Conflict(f"Import {id}'s file {path} is not on this machine.")
    try:
        opened = import_service.open_file(path, job.options)
    except DialbookError as error:
        reason = error.detail + " " + "; ".join(f.detail for f in error.fields)
        return db.run_write(import_service.fail, caller=caller, id=id, message=reason)
    runner = f"{import_service.this_runner()}/{secrets.token_hex(4)}"  # this run's own
    held = dt.timedelta(seconds=lease)
    try:
        lst = db.run_read(
            list_service.get, workspace_id=caller.workspace_id, id=job.list_id, with_count=False
        )
        plan = db.run_write(
            import_service.start,
            caller=caller,
            id=id,
            lst=lst,
            mapping=opened.mapping,
            force=force,
            runner=runner,
            lease=held,
        )
    except BaseException:
        opened.source.close()
        raise
    # Read again now that it is ours: a runner that lost the job may have committed a
    # chunk between the first read and the claim.
    job = db.run_read(import_service.get_job, caller=caller, id=id)
    keeper = _Lease(db, caller=caller, id=id, runner=runner, lease=lease, stop=stop, alive=alive)
    stack = contextlib.ExitStack()
    try:
        if workers is None:
            workers = (
                default_workers() if job.bytes_total > PARALLEL_FROM * default_workers() else 0
            )
        chunks = _chunks(opened.rows, after_line=job.last_line)
        normalized = stack.enter_context(
            contextlib.closing(
                run_ordered(
                    plan, chunks, lambda c: [r.values for r in c if r.error is None], workers
                )
            )
        )  # closed on the way out: the worker processes end with the run
        for done, (chunk, results) in enumerate(normalized, start=1):
            keeper.check()
            before = job
            job = db.run_write(
                import_service.commit_chunk,
                caller=caller,
                id=id,
                lst=lst,
                chunk=chunk,
                results=results,
                mapping=plan.mapping,
                on_duplicate=job.options.on_duplicate,
                bytes_done=opened.source.position(),
                runner=runner,
                lease=held,
            )
            _count_rows(before, job)
            if done in (1, 5) or done % 50 == 0:
                db.run_write(contact_service.analyze)  # statistics for the growing tables
            if progress is not None:
                progress(job)
        keeper.check()
        return db.run_write(import_service.finish, caller=caller, id=id, runner=runner)
    except LeaseLost:
        if keeper.stopped:  # ours to give up: let another process take it over at once
            try:
                db.run_write(import_service.release, caller=caller, id=id, runner=runner)
            except Exception:  # noqa: BLE001 - the database is closing: the lease runs out
                log.warning("releasing import %s failed", id, exc_info=True)
        raise
    except Exception as error:
        if stop is not None and stop.is_set():
            # The server is shutting down under it (its database closing): not the job's
            # fault, so it stays resumable; its lease runs out.
            raise
        message = f"{type(error).__name__}: {error}"
        db.run_write(import_service.fail, caller=caller, id=id, message=message, runner=runner)
        raise
    finally:
        stack.close()
        keeper.close()
        opened.source.close()


class _Lease:
    """Renews a running job's lease from a thread, every fifth of its length, so a chunk
    that takes long (or workers starting) does not let it run out; ``check`` raises
    LeaseLost once it is gone or the run must stop."""

    def __init__(
        self,
        db: Database,
        *,
        caller: Caller,
        id: int,
        runner: str,
        lease: float,
        stop: threading.Event | None,
        alive: Callable[[], bool] | None,
    ) -> None:
        self._db = db
        self._caller = caller
        self._id = id
        self._runner = runner
        self._lease = dt.timedelta(seconds=lease)
        self._stop = stop or threading.Event()
        self._alive = alive
        self._closed = threading.Event()
        self._lost = threading.Event()
        self.stopped = False  # told to stop (not taken over): the lease is released
        self._thread = threading.Thread(
            target=self._renew, args=(lease / 5,), name=f"import-{id}-lease", daemon=True
        )
        self._thread.start()

    def _renew(self, every: float) -> None:
        while not self._closed.wait(every):
            if self._stop.is_set() or (self._alive is not None and not self._alive()):
                self.stopped = True
                self._lost.set()
                return
            try:
                held = self._db.run_write(
                    import_service.renew,
                    caller=self._caller,
                    id=self._id,
                    runner=self._runner,
                    lease=self._lease,
                )
            except Exception:  # noqa: BLE001 - the database is away: try again; if it stays
                log.warning("renewing the lease of import %s failed", self._id, exc_info=True)
                continue  # away, the lease runs out and the next chunk's commit says so
            if not held:
                self._lost.set()
                return

    def check(self) -> None:
        if self._stop.is_set() or (self._alive is not None and not self._alive()):
            self.stopped = True
            self._lost.set()
        if self._lost.is_set():
            why = "was stopped" if self.stopped else "was taken over by another process"
            raise LeaseLost(f"Import {self._id} {why}.")

    def close(self) -> None:
        self._closed.set()
        if self._thread is not threading.current_thread():
            self._thread.join()


def parent_alive() -> Callable[[], bool]:
    """For a job run in a child process: true while the process that started it lives
    (a child whose parent was killed is adopted by another process). Pass it as
    ``run(alive=...)``: the child then stops at its next chunk and releases the job."""
    parent = os.getppid()
    return lambda: os.getppid() == parent


def _count_rows(before: ImportRead, after: ImportRead) -> None:
    """A chunk's rows into GET /metrics, by outcome."""
    for outcome in ("created", "updated", "skipped", "rejected"):
        if added := getattr(after, outcome) - getattr(before, outcome):
            IMPORT_ROWS.labels(outcome).inc(added)


def _chunks(rows: Iterator[Row], *, after_line: int) -> Iterator[list[Row]]:
    pending = (row for row in rows if row.line > after_line)
    while chunk := list(itertools.islice(pending, import_service.CHUNK)):
        yield chunk


class Jobs:
    """The server's background imports, one thread per job (a registered worker).

    Every ``lease / 4`` seconds (with a little jitter, so processes do not look in step) it
    looks for jobs to run: queued ones whose process did not start them, and running ones
    whose lease ran out because the process holding them died; ``run`` claims each with
    one conditional UPDATE, so among several server processes exactly one takes a job."""

    def __init__(self, db: Database, *, lease: float = LEASE_SECONDS) -> None:
        self._db = db
        self._lease = lease
        self._lock = threading.Lock()
        self._running: dict[int, threading.Thread] = {}
        self._stop = threading.Event()
        self._watch: asyncio.Task[None] | None = None
        self._noted: set[int] = set()
        # Its own generator: the module's shared one is the tests' (Hypothesis checks
        # that nothing else draws from it while it generates).
        self._jitter = random.Random()

    def submit(self, workspace_id: int, id: int) -> None:
        """Run import ``id`` in a thread (unless it runs in this process already)."""
        with self._lock:
            if self._stop.is_set():
                return  # shutting down: another process (or the next start) runs it
            if id in self._running and self._running[id].is_alive():
                return
            thread = threading.Thread(
                target=self._run, args=(workspace_id, id), name=f"import-{id}", daemon=True
            )
            self._running[id] = thread
            thread.start()

    def _run(self, workspace_id: int, id: int) -> None:
        try:
            run(self._db, workspace_id=workspace_id, id=id, lease=self._lease, stop=self._stop)
        except LeaseLost as error:
            log.info("%s", error.detail)
        except Conflict as error:
            if id not in self._noted:  # said once: the look repeats every few seconds
                self._noted.add(id)
                log.info("%s", error.detail)
        except Exception:  # noqa: BLE001 - recorded on the job by run(); keep the server up
            log.exception("import %s failed", id)

    def start(self) -> None:
        self._stop.clear()
        self.resume_unfinished()
        self._watch = asyncio.get_running_loop().create_task(self._look(), name="import-leases")

    async def _look(self) -> None:
        every = self._lease / 4
        while True:
            await asyncio.sleep(every * self._jitter.uniform(0.8, 1.2))
            try:
                for workspace_id, id in await self._db.read(import_service.unfinished):
                    self.submit(workspace_id, id)
            except Exception:  # noqa: BLE001 - the database is away: look again later
                log.warning("looking for imports to take over failed", exc_info=True)

    async def stop(self) -> None:
        """Stop looking; running jobs stop at their next chunk and release their lease, so
        another process takes them over at once (a job stopped mid-way resumes after its
        last chunk). Waits a little for them, not for a whole chunk of a slow import."""
        self._stop.set()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        await asyncio.to_thread(self.wait, 5.0)

    def resume_unfinished(self) -> list[int]:
        """Start the jobs waiting or left behind by a process that stopped (they resume
        after last_line)."""
        jobs = self._db.run_read(import_service.unfinished)
        for workspace_id, id in jobs:
            self.submit(workspace_id, id)
        return [id for _workspace_id, id in jobs]

    def wait(self, timeout: float | None = None) -> None:
        """Until the jobs running in this process end (at most ``timeout`` seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in list(self._running.values()):
            thread.join(None if deadline is None else max(deadline - time.monotonic(), 0))
