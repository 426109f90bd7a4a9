"""The one place that decides threads and transactions.

Repositories and services are plain synchronous functions of a connection. A request or a
job hands such a function to ``await db.read(fn, ...)`` or ``await db.write(fn, ...)``; the
function runs inside one transaction that commits when it returns and rolls back when it
raises. Services never commit.

SQLite: one writer thread holds the only write connection. Writes that arrive together share
one ``BEGIN IMMEDIATE`` transaction (group commit), each inside its own savepoint, so one
failing request does not fail the others and each still gets its own result. Results are
handed back only after the shared commit. Reads run on a small thread pool of WAL readers.

PostgreSQL: reads and writes run on pooled connections in a thread pool; several server
processes may share the database.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine

from dialbook.db import engine as engines
from dialbook.db import outbox
from dialbook.kit.metrics import WRITE_BATCH

T = TypeVar("T")
P = ParamSpec("P")

Conn = Connection
"""What repositories and services receive: one connection inside one transaction."""

MAX_GROUP = 128


def _call(conn: Connection, fn: Callable[..., T], args: Any, kwargs: Any) -> tuple[T, int]:
    """Run one unit of work and write the events it recorded (db/outbox.py) in its
    transaction; the result and how many events were written."""
    try:
        result = fn(conn, *args, **kwargs)
        return result, outbox.flush(conn)
    except BaseException:
        outbox.discard(conn)
        raise


class EventSignal:
    """Wakes the event loops waiting for new events when a transaction that wrote some
    commits in this process (other processes' events are found by polling)."""

    def __init__(self) -> None:
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()

    def committed(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(event.set)

    async def wait(self, timeout: float) -> bool:
        """Until events commit here or ``timeout`` seconds pass; whether they did."""
        item = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.add(item)
        try:
            async with asyncio.timeout(timeout):
                await item[1].wait()
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                self._waiters.discard(item)


@dataclass(slots=True)
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    future: concurrent.futures.Future[Any] = field(default_factory=concurrent.futures.Future)


class _SQLiteWriter:
    """A thread that owns the single SQLite write connection and group-commits jobs."""

    def __init__(self, engine: Engine, signal: EventSignal) -> None:
        self._engine = engine
        self._signal = signal
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, name="dialbook-sqlite-writer", daemon=True
        )
        self._thread.start()

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        with self._engine.connect() as conn:
            while True:
                first = self._jobs.get()
                if first is None:
                    return
                batch = [first]
                while len(batch) < MAX_GROUP:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if job is None:
                        self._jobs.put(None)  # finish this batch, then stop
                        break
                    batch.append(job)
                # A caller that stopped waiting (a cancelled request) gets nothing run,
                # and setting its result later would raise in this thread.
                batch = [job for job in batch if job.future.set_running_or_notify_cancel()]
                if batch:
                    WRITE_BATCH.observe(len(batch))
                    self._run_batch(conn, batch)

    def _run_batch(self, conn: Connection, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        events = 0
        try:
            with conn.begin():
                if len(batch) == 1:
                    job = batch[0]
                    result, events = _call(conn, job.fn, job.args, job.kwargs)
                    outcomes.append((job, result, None))
                else:
                    # Plain SAVEPOINT statements on the driver cursor: SQLAlchemy's
                    # begin_nested() bookkeeping cost a quarter of the writer's time.
                    # Jobs may still open their own begin_nested() inside.
                    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                    for job in batch:
                        cursor.execute("SAVEPOINT dialbook_job")
                        try:
                            result, written = _call(conn, job.fn, job.args, job.kwargs)
                        except BaseException as error:  # noqa: BLE001 - handed to the caller
                            cursor.execute("ROLLBACK TO dialbook_job")
                            cursor.execute("RELEASE dialbook_job")
                            outcomes.append((job, None, error))
                        else:
                            cursor.execute("RELEASE dialbook_job")
                            outcomes.append((job, result, None))
                            events += written
        except BaseException as error:  # noqa: BLE001 - the shared commit failed
            if len(batch) == 1 and not outcomes:
                batch[0].future.set_exception(error)
                return
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(error)
            return
        if events:
            self._signal.committed()
        for job, result, job_error in outcomes:
            if job_error is not None:
                job.future.set_exception(job_error)
            else:
                job.future.set_result(result)


class _Checkpointer:
    """Moves the WAL into the database file from its own thread and connection, so no
    write (a claim, a create) pays for a checkpoint: the write connections have automatic
    checkpoints turned off. PASSIVE checkpoints never block readers or the writer."""

    EVERY = 0.5  # seconds

    def __init__(self, path: str) -> None:
        self._path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dialbook-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import sqlite3

        conn = sqlite3.connect(self._path, check_same_thread=False)
        try:
            while not self._stop.wait(self.EVERY):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # the database went away (tests, shutdown): nothing left to move
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


class Database:
    """Runs repository functions in transactions; see the module docstring."""

    def __init__(self, url: str, *, readers: int = 4) -> None:
        self.url = engines.normalize_url(url)
        self.is_sqlite = engines.is_sqlite(self.url)
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=readers if self.is_sqlite else readers * 2,
            thread_name_prefix="dialbook-db",
        )
        self.read_engine = engines.create(self.url, pool_size=readers * 2)
        self._checkpointer: _Checkpointer | None = None
        if self.is_sqlite:
            self.write_engine = engines.create(self.url, pool_size=2, writer=True)
            database = self.write_engine.url.database
            if database and database != ":memory:":
                self._checkpointer = _Checkpointer(database)
        else:
            self.write_engine = self.read_engine
        self._writer: _SQLiteWriter | None = None
        self.events = EventSignal()

    @property
    def backend(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    # -- async: for the server ---------------------------------------------------------

    async def read(
        self, fn: Callable[Concatenate[Conn, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: self.run_read(fn, *args, **kwargs))

    async def write(
        self, fn: Callable[Concatenate[Conn, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self.is_sqlite:
            if self._writer is None:
                self._writer = _SQLiteWriter(self.write_engine, self.events)
            job = _Job(fn, args, kwargs)
            self._writer.submit(job)
            return await asyncio.wrap_future(job.future)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: self.run_write(fn, *args, **kwargs))

    # -- sync: for the CLI, jobs and tests ---------------------------------------------

    def run_read(
        self, fn: Callable[Concatenate[Conn, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        with self.read_engine.connect() as conn, conn.begin():
            return fn(conn, *args, **kwargs)

    def run_write(
        self, fn: Callable[Concatenate[Conn, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a write from a plain thread. While the server's SQLite writer is running
        (background jobs), it goes through that writer too, so there is still one."""
        if self._writer is not None:
            job = _Job(fn, args, kwargs)
            self._writer.submit(job)
            return job.future.result()  # type: ignore[no-any-return]
        with self.write_engine.connect() as conn, conn.begin():
            result, events = _call(conn, fn, args, kwargs)
        if events:
            self.events.committed()
        return result

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None
        self._pool.shutdown(wait=True)
        self.read_engine.dispose()
        self.write_engine.dispose()
