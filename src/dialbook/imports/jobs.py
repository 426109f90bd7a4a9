"""Running imports: the runner (its own transactions, a chunk each) and the server's
background worker that runs each job in a thread.

An import runs in chunks. Each chunk commits in one transaction with everything it
decided (``import_service.commit_chunk``), so a job stopped at any point (even by kill -9)
has no half-written contact, and resuming it starts after ``last_line``.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterator

from dialbook.contacts import service as contact_service
from dialbook.db import Database
from dialbook.errors import Conflict, DialbookError
from dialbook.imports import service as import_service
from dialbook.imports.reader import Row
from dialbook.imports.schemas import ImportRead
from dialbook.imports.workers import default_workers, run_ordered
from dialbook.kit.metrics import IMPORT_ROWS
from dialbook.lists import service as list_service

log = logging.getLogger("dialbook.imports")

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
) -> ImportRead:
    """Run (or resume) import ``id`` to the end. Safe to call again after any stop.

    Raises Conflict when another process is running it (unless ``force``: for an operator
    who knows that process is gone).
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
            _count_rows(before, job)
            if done in (1, 5) or done % 50 == 0:
                db.run_write(contact_service.analyze)  # statistics for the growing tables
            if progress is not None:
                progress(job)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        db.run_write(import_service.fail, caller=caller, id=id, message=message)
        raise
    finally:
        opened.source.close()
    return db.run_write(import_service.finish, caller=caller, id=id)


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
    """The server's background imports, one thread per job (a registered worker)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._running: dict[int, threading.Thread] = {}

    def submit(self, workspace_id: int, id: int) -> None:
        """Run import ``id`` in a thread (unless it runs in this process already)."""
        with self._lock:
            if id in self._running and self._running[id].is_alive():
                return
            thread = threading.Thread(
                target=self._run, args=(workspace_id, id), name=f"import-{id}", daemon=True
            )
            self._running[id] = thread
            thread.start()

    def _run(self, workspace_id: int, id: int) -> None:
        try:
            run(self._db, workspace_id=workspace_id, id=id)
        except Conflict:
            log.info("import %s is running in another process", id)
        except Exception:  # noqa: BLE001 - recorded on the job by run(); keep the server up
            log.exception("import %s failed", id)

    def start(self) -> None:
        self.resume_unfinished()

    async def stop(self) -> None:
        """Nothing to wait for: a job stopped mid-way resumes after its last chunk."""

    def resume_unfinished(self) -> list[int]:
        """Start the jobs a stopped process left behind (they resume after last_line)."""
        jobs = self._db.run_read(import_service.unfinished)
        for workspace_id, id in jobs:
            self.submit(workspace_id, id)
        return [id for _workspace_id, id in jobs]

    def wait(self, timeout: float | None = None) -> None:
        for thread in list(self._running.values()):
            thread.join(timeout)
