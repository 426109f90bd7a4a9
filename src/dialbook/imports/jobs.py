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
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from dialbook.contacts import service as contact_service
from dialbook.db import Database
from dialbook.errors import Conflict, DialbookError
from dialbook.imports import service as import_service
from dialbook.imports.reader import Row
from dialbook.imports.schemas import ImportRead
from dialbook.imports.workers import WORKER_NICENESS, default_workers, run_ordered
from dialbook.kit.metrics import IMPORT_ROWS
from dialbook.lists import service as list_service

log = logging.getLogger("dialbook.imports")

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
    count: Count = _count,
    stop: threading.Event | None = None,
) -> ImportRead:
    """Run (or resume) import ``id`` to the end. Safe to call again after any stop.

    Raises Conflict when another process is running it (unless ``force``: for an operator
    who knows that process is gone). ``count`` receives each chunk's rows by outcome
    (GET /metrics). Once ``stop`` is set, returns after the chunk being written, the job
    still running (to resume after its last line).
    """
    caller = db.run_read(import_service.caller_for_job, workspace_id=workspace_id, id=id)
    job = db.run_read(import_service.get_job, caller=caller, id=id)
    if job.status == "done":
        return job
    if job.status == "undone":
        raise Conflict(f"Import {id} has been undone.")
    path = db.run_read(import_service.job_file, caller=caller, id=id)
    try:
        opened = import_service.open_file(path, job.options)
    except DialbookError as error:
        reason = error.detail + " " + "; ".join(f.detail for f in error.fields)
        return db.run_write(import_service.fail, caller=caller, id=id, message=reason)
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
            on_duplicate=job.options.on_duplicate,
        )
        if workers is None:
            workers = (
                default_workers() if job.bytes_total > PARALLEL_FROM * default_workers() else 0
            )
        chunks = _chunks(opened.rows, after_line=job.last_line)
        normalized = run_ordered(
            plan, chunks, lambda c: [r.values for r in c if r.error is None], workers
        )
        for done, (chunk, results) in enumerate(normalized, start=1):
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
            )
            _count_rows(before, job, count)
            if done in (1, 5) or done % 50 == 0:
                db.run_write(contact_service.analyze)  # statistics for the growing tables
            if progress is not None:
                progress(job)
            if stop is not None and stop.is_set():
                normalized.close()  # the workers' pending parts are dropped
                return job
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        db.run_write(import_service.fail, caller=caller, id=id, message=message)
        raise
    finally:
        opened.source.close()
    return db.run_write(import_service.finish, caller=caller, id=id)


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

    ``stop`` ends them (a job stopped mid-way resumes after its last chunk); a child
    whose server died ends itself. The child reports its rows to this process's
    GET /metrics through a pipe.
    """

    STOP_WAIT = 10.0  # seconds a child gets to finish its chunk on SIGTERM, else killed

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._running: dict[int, tuple[BaseProcess, threading.Thread]] = {}

    def submit(self, workspace_id: int, id: int) -> None:
        """Run import ``id`` in a child process (unless this server runs it already)."""
        with self._lock:
            for done in [i for i, (p, _r) in self._running.items() if not p.is_alive()]:
                self._running.pop(done)[0].join()  # reaped
            if id in self._running:
                return
            context = multiprocessing.get_context("spawn")  # no fork: the server has threads
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_child,
                args=(self._db.url, workspace_id, id, theirs, os.getpid()),
                name=f"dialbook-import-{id}",
                daemon=False,  # it starts the normalizing workers: daemons may not
            )
            process.start()
            theirs.close()
            reader = threading.Thread(target=_relay, args=(ours,), name=f"import-{id}", daemon=True)
            reader.start()
            self._running[id] = (process, reader)

    def start(self) -> None:
        self.resume_unfinished()

    async def stop(self) -> None:
        """End the running jobs' processes and wait for them (they resume later)."""
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
        """Start the jobs a stopped process left behind (they resume after last_line)."""
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


def _child(url: str, workspace_id: int, id: int, conn: Connection, server: int) -> None:
    """Run one job in this process (its own group, at a lower priority) and end."""
    os.setpgid(0, 0)  # a stuck child is killed with its workers, as one group
    _die_with(server)
    os.nice(WORKER_NICENESS)
    stop = threading.Event()
    # SIGTERM (the server's stop): end between two chunks, each chunk being one transaction.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=_orphan_watch, args=(server, stop), daemon=True).start()

    def count(outcome: str, rows: int) -> None:
        with contextlib.suppress(OSError, EOFError):  # the server is going: not the job's fault
            conn.send((outcome, rows))
            conn.recv()

    db = Database(url, readers=1)
    try:
        run(db, workspace_id=workspace_id, id=id, count=count, stop=stop)
    except Conflict:
        log.info("import %s is running in another process", id)
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


def _orphan_watch(server: int, stop: threading.Event) -> None:
    """Stop this job when the server that started it is gone (kill -9): the job resumes,
    as after any stop, where the next server takes it up."""
    while os.getppid() == server and not stop.is_set():
        time.sleep(0.5)
    stop.set()
