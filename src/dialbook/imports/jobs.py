"""Running imports: the runner (its own transactions, a chunk each) and the server's
background worker that runs each job in a process of its own.

An import runs in chunks. Each chunk commits in one transaction with everything it
decided (``import_service.commit_chunk``), so a job stopped at any point (even by kill -9)
has no half-written contact, and resuming it starts after ``last_line``.

The server runs each job in a child process (:class:`Jobs`): reading the file, the
duplicate checks and the inserts are Python that holds a GIL, and in a thread of the
server they would hold the server's own between its requests (console pages were 2-7
times slower during an import). The child has its own Database on the same URL, runs
at a lower priority like the normalizing workers, and ends with the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import multiprocessing
import os
import random
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from dialbook.contacts import service as contact_service
from dialbook.db import Database
from dialbook.errors import Conflict, DialbookError, LeaseLost
from dialbook.imports import service as import_service
from dialbook.imports.reader import Row
from dialbook.imports.schemas import ImportRead
from dialbook.imports.workers import WORKER_NICENESS, default_workers, run_ordered
from dialbook.kit.metrics import IMPORT_ROWS
from dialbook.lists import service as list_service
from dialbook.workspaces.schemas import Caller

log = logging.getLogger("dialbook.imports")

LEASE_SECONDS = 20.0  # Settings.import_lease_seconds
PARALLEL_FROM = 20_000  # bytes per worker below which processes cost more than they save

Progress = Callable[[ImportRead], None]
Count = Callable[[str, int], None]  # (outcome, rows)


def _count(outcome: str, rows: int) -> None:
    IMPORT_ROWS.labels(outcome).inc(rows)


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
    count: Count = _count,
) -> ImportRead:
    """Run (or resume) import ``id`` to the end. Safe to call again after any stop.

    The job is held under a lease of ``lease`` seconds, renewed from a thread while it runs
    (see imports/service.py, "leases"). Raises Conflict when another process holds it
    (unless ``force``: for an operator who knows that process is gone), and LeaseLost when
    it stops before the end: the lease was lost to another process, ``stop`` was set (the
    server shuts down), or ``alive()`` turned false (a job running in a child process
    whose parent died); the job is then another process's to finish. ``count`` receives
    each chunk's rows by outcome (GET /metrics).
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
            on_duplicate=job.options.on_duplicate,
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
                on_duplicate=job.options.on_duplicate,
                bytes_done=opened.source.position(),
                runner=runner,
                lease=held,
            )
            _count_rows(before, job, count)
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


def _count_rows(before: ImportRead, after: ImportRead, count: Count) -> None:
    """A chunk's rows into GET /metrics, by outcome."""
    for outcome in ("created", "updated", "skipped", "rejected"):
        if added := getattr(after, outcome) - getattr(before, outcome):
            count(outcome, added)


def _chunks(rows: Iterator[Row], *, after_line: int) -> Iterator[list[Row]]:
    pending = (row for row in rows if row.line > after_line)
    while chunk := list(itertools.islice(pending, import_service.CHUNK)):
        yield chunk


class Jobs:
    """The server's background imports, each in a child process (a registered worker).

    The child runs :func:`run` with its own Database: reading the file, the duplicate
    checks and the inserts hold a GIL, and in a thread of the server they would hold the
    server's between its requests. It reports its rows to this process's GET /metrics
    through a pipe, and ends with the server (``stop``, or the server's death).

    Every ``lease / 4`` seconds (with a little jitter, so processes do not look in step) it
    looks for jobs to run: queued ones whose process did not start them, and running ones
    whose lease ran out because the process holding them died; ``run`` claims each with
    one conditional UPDATE, so among several server processes exactly one takes a job."""

    STOP_WAIT = 10.0  # seconds a child gets to finish its chunk on SIGTERM, else killed

    def __init__(self, db: Database, *, lease: float = LEASE_SECONDS) -> None:
        self._db = db
        self._lease = lease
        self._lock = threading.Lock()
        self._running: dict[int, tuple[BaseProcess, threading.Thread]] = {}
        self._stop = threading.Event()
        self._watch: asyncio.Task[None] | None = None
        # Its own generator: the module's shared one is the tests' (Hypothesis checks
        # that nothing else draws from it while it generates).
        self._jitter = random.Random()

    def submit(self, workspace_id: int, id: int) -> None:
        """Run import ``id`` in a child process (unless this server runs it already)."""
        with self._lock:
            if self._stop.is_set():
                return  # shutting down: another process (or the next start) runs it
            for done in [i for i, (p, _r) in self._running.items() if not p.is_alive()]:
                self._running.pop(done)[0].join()  # reaped
            if id in self._running:
                return
            context = multiprocessing.get_context("spawn")  # no fork: the server has threads
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_child,
                args=(self._db.url, workspace_id, id, theirs, os.getpid(), self._lease),
                name=f"dialbook-import-{id}",
                daemon=False,  # it starts the normalizing workers: daemons may not
            )
            process.start()
            theirs.close()
            reader = threading.Thread(target=_relay, args=(ours,), name=f"import-{id}", daemon=True)
            reader.start()
            self._running[id] = (process, reader)

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
        """Stop looking, and end the running jobs' processes: each stops at its next chunk
        and releases its lease, so another process takes the job over at once (a job
        stopped mid-way resumes after its last chunk)."""
        self._stop.set()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        await asyncio.to_thread(self.terminate)

    def terminate(self) -> None:
        with self._lock:
            running = list(self._running.values())
            self._running.clear()
        for process, _reader in running:
            if process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        for process, reader in running:
            process.join(self.STOP_WAIT)
            if process.is_alive():
                _signal_group(process, signal.SIGKILL)
                process.join()
            reader.join()

    def resume_unfinished(self) -> list[int]:
        """Start the jobs waiting or left behind by a process that stopped (they resume
        after last_line)."""
        jobs = self._db.run_read(import_service.unfinished)
        for workspace_id, id in jobs:
            self.submit(workspace_id, id)
        return [id for _workspace_id, id in jobs]

    def wait(self, timeout: float | None = None) -> None:
        """Until the running jobs' processes end (tests)."""
        for process, reader in list(self._running.values()):
            process.join(timeout)
            reader.join(timeout)


def _signal_group(process: BaseProcess, signum: int) -> None:
    """Signal the child and its normalizing workers (its process group) at once."""
    if process.pid is None:
        return
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):  # not its own group yet, or gone
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signum)


def _relay(conn: Connection) -> None:
    """The server's end of a child's pipe: its rows into GET /metrics, acknowledged, so
    they are counted before the child goes on (and before its job shows done)."""
    try:
        while True:
            outcome, rows = conn.recv()
            _count(outcome, rows)
            conn.send(None)
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


# -- the child process ------------------------------------------------------------------


def _child(
    url: str, workspace_id: int, id: int, conn: Connection, server: int, lease: float
) -> None:
    """Run one job in this process (its own group, at a lower priority) and end."""
    os.setpgid(0, 0)  # a stuck child is killed with its workers, as one group
    _die_with(server)
    os.nice(WORKER_NICENESS)
    stop = threading.Event()
    # SIGTERM (the server's stop): end between two chunks, each chunk being one transaction.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def count(outcome: str, rows: int) -> None:
        with contextlib.suppress(OSError, EOFError):  # the server is going: not the job's fault
            conn.send((outcome, rows))
            conn.recv()

    db = Database(url, readers=1, bulk=True)
    try:
        run(
            db,
            workspace_id=workspace_id,
            id=id,
            count=count,
            stop=stop,
            alive=parent_alive(),  # where the kernel does not end it with its server
            lease=lease,
        )
    except (LeaseLost, Conflict) as error:
        log.info("%s", error.detail)
    except Exception:  # noqa: BLE001 - recorded on the job by run()
        log.exception("import %s failed", id)
    finally:
        db.close()
        conn.close()


def _die_with(server: int) -> None:
    """On Linux, have the kernel kill this process the moment its server dies (kill -9
    of the server ends the job at once, as it did when jobs were threads: its chunk rolls
    back and the restarted server resumes it)."""
    if sys.platform == "linux":
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server:  # it died before that took effect
        os._exit(1)
