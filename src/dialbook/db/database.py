"""The one place that decides threads and transactions.

Repositories and services are plain synchronous functions of a connection. A request or a
job hands such a function to ``await db.read(fn, ...)`` or ``await db.write(fn, ...)``; the
function runs inside one transaction that commits when it returns and rolls back when it
raises. Services never commit.

SQLite: a request's write runs on the event loop's own thread. Writes that requests reach in
the same turn of the loop share one ``BEGIN IMMEDIATE`` transaction (group commit); one
failing request does not fail the others and each still gets its own result: a batch in
which a write fails is rolled back and runs again with each write in its own savepoint
(``_GroupCommit._run_group``), so a write function may run more than once. Results are
handed back only after the shared commit. Long writes
(``write_long``) and the writes of the CLI and background jobs (``run_write``) run in
threads; one lock per process keeps them and the loop from writing at once, and SQLite's
own lock does the same between processes. Reads run on a small thread pool of WAL readers.

PostgreSQL: reads run on pooled connections in a thread pool. A request's write joins the
group commit of its event loop (``_ThreadBatcher``): one transaction at a time, in a thread
of its own (savepoints as on SQLite), so the events' ordering lock and the WAL flush are
paid once per batch. Long writes and those of the CLI and jobs run alone in the pool's
threads. Several server processes may share the database.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine

from dialbook.db import batch_memo, outbox
from dialbook.db import engine as engines
from dialbook.kit.metrics import WRITE_BATCH, WRITE_BATCH_RERUNS

T = TypeVar("T")
P = ParamSpec("P")

Conn = Connection
"""What repositories and services receive: one connection inside one transaction."""

MAX_GROUP = 128
# PostgreSQL: each write of a batch is a subtransaction; past 64 in one transaction its
# snapshot overflows into pg_subtrans and every session's visibility checks slow down.
MAX_GROUP_POSTGRES = 32
# PostgreSQL: group commits running at once for the whole server, each in a thread. Two
# keep the database busy while the loop serves; with four, most batches held a single write
# (each one's connection, COMMIT and thread hop for one create): 0.8x the server's CPU and
# 0.75x PostgreSQL's per create with two, at the same or better creates/s and p99. The
# server's processes share them (at least one each): two processes with two each made
# batches of ~5 writes instead of ~15, and cost 1.2-1.4x the CPU per create.
IN_FLIGHT = 2
# After a write of a batch run without savepoints failed (and the batch ran again with
# them), the batches that run with a savepoint per write before trying without again.
SAVEPOINT_BATCHES = 16


def in_flight(processes: int) -> int:
    """Group commits one of ``processes`` server processes runs at once."""
    return max(1, IN_FLIGHT // max(1, processes))


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


def _lock_taken(error: BaseException) -> bool:
    """Whether a transaction could not begin because another connection (another process)
    holds SQLite's write lock: SQLITE_BUSY from the BEGIN, before anything was written."""
    orig = getattr(error, "orig", None)
    return (
        getattr(orig, "sqlite_errorcode", None) == 5  # SQLITE_BUSY
        and getattr(error, "statement", None) == "BEGIN IMMEDIATE"
    )


@dataclass(slots=True)
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    future: asyncio.Future[Any]


_Outcome = tuple[_Job, Any, BaseException | None]


class _GroupCommit:
    """What both group commits share: the writes queued by one event loop's requests, and
    handing a batch's outcomes back to them once it committed (or failed)."""

    def __init__(self, signal: EventSignal, loop: asyncio.AbstractEventLoop) -> None:
        self._signal = signal
        self._loop = loop
        self._pending: list[_Job] = []
        self._scheduled = False
        self._with_savepoints = 0  # batches left to run with a savepoint per job

    def submit(self, fn: Callable[..., Any], args: Any, kwargs: Any) -> asyncio.Future[Any]:
        job = _Job(fn, args, kwargs, self._loop.create_future())
        self._pending.append(job)
        self._schedule()
        return job.future

    def _schedule(self) -> None:
        raise NotImplementedError

    def _take(self, limit: int) -> list[_Job]:
        """The next batch: up to ``limit`` queued writes, in order. A caller that stopped
        waiting (a cancelled request) gets nothing run."""
        self._pending = [job for job in self._pending if not job.future.done()]
        batch, self._pending = self._pending[:limit], self._pending[limit:]
        return batch

    def _run_group(self, conn: Connection, batch: list[_Job]) -> tuple[list[_Outcome], int]:
        """Run ``batch`` (``_run_batch``), first without savepoints: a savepoint per job
        costs a statement each, a round trip on PostgreSQL, and most batches have no job
        that fails. When one fails, the batch is rolled back and runs again with them, so
        its jobs may run twice (they are functions of the connection alone), and so do the
        next SAVEPOINT_BATCHES batches: where writes fail often, each batch runs once."""
        if self._with_savepoints:
            self._with_savepoints -= 1
        else:
            try:
                return _run_batch(conn, batch, savepoints=False)
            except _JobFailed:
                WRITE_BATCH_RERUNS.inc()
                self._with_savepoints = SAVEPOINT_BATCHES
        return _run_batch(conn, batch)

    def _settle(self, batch: list[_Job], outcomes: list[_Outcome], events: int) -> None:
        WRITE_BATCH.observe(len(batch))
        if events:
            self._signal.committed()
        _resolve(outcomes)
        if self._pending:
            self._schedule()


class _LoopWriter(_GroupCommit):
    """Group commit on the event loop's own thread (SQLite).

    ``submit`` queues a write and schedules one ``flush`` with ``call_soon``, so the writes
    that requests reach in the same turn of the loop share one ``BEGIN IMMEDIATE``
    transaction, each inside its own savepoint. The flush runs to its commit without
    awaiting, then resolves the requests' futures: no thread hop, and no wait for the GIL's
    switch interval between the loop and a writer thread.

    ``lock`` (one per Database) keeps this connection and the threads' writes
    (``run_write``, ``write_long``) from writing at once. The flush only tries it and, as
    when another process holds SQLite's lock (SQLITE_BUSY), comes back a moment later
    rather than block the loop.
    """

    RETRY = 0.002  # seconds before a flush that found the write lock taken tries again

    def __init__(
        self,
        engine: Engine,
        lock: threading.Lock,
        signal: EventSignal,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._conn = engine.connect()
        # Never wait inside the loop. On the driver: SQLAlchemy would begin a transaction.
        self._conn.connection.driver_connection.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]
        self._lock = lock
        super().__init__(signal, loop)

    def _schedule(self, delay: float = 0.0) -> None:
        if self._scheduled:
            return
        self._scheduled = True
        if delay:
            self._loop.call_later(delay, self._flush)
        else:
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        batch = self._take(MAX_GROUP)
        if not batch:
            return
        if not self._lock.acquire(blocking=False):
            self._pending[:0] = batch
            self._schedule(self.RETRY)
            return
        try:
            outcomes, events = self._run_group(self._conn, batch)
        except BaseException as error:  # noqa: BLE001 - the shared transaction failed
            if _lock_taken(error):
                self._pending[:0] = batch  # another process is writing: try again soon
                self._schedule(self.RETRY)
                return
            outcomes, events = [(job, None, error) for job in batch], 0
        finally:
            self._lock.release()
        self._settle(batch, outcomes, events)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class _JobFailed(Exception):
    """A job of a batch run without savepoints failed: its transaction was rolled back."""


def _run_batch(
    conn: Connection, batch: list[_Job], *, savepoints: bool = True
) -> tuple[list[_Outcome], int]:
    """Run ``batch`` in one transaction, each job in its own savepoint, and commit: each
    job's outcome and how many events were written. A lone job needs no savepoint (its
    error rolls the transaction back). Raises when the transaction itself fails (its BEGIN
    or its COMMIT). Without ``savepoints``, a failing job rolls the whole batch back and
    raises _JobFailed (see _GroupCommit._run_group)."""
    if len(batch) == 1:
        outcome, events = _run_alone(conn, batch[0])
        if outcome[2] is not None and _lock_taken(outcome[2]):
            raise outcome[2]
        return [outcome], events
    batch_memo.start(conn)
    try:
        with conn.begin():
            outcomes = _run_in_savepoints(conn, batch) if savepoints else _run_trusting(conn, batch)
            # The events of every job that succeeded, in one statement for the batch.
            events = outbox.flush(conn)
    except BaseException:
        outbox.discard(conn)
        raise
    finally:
        batch_memo.end(conn)
    return outcomes, events


def _run_trusting(conn: Connection, batch: list[_Job]) -> list[_Outcome]:
    """Each job of ``batch``, none in a savepoint: the first that fails raises _JobFailed."""
    outcomes: list[_Outcome] = []
    for job in batch:
        try:
            outcomes.append((job, job.fn(conn, *job.args, **job.kwargs), None))
        except BaseException as error:
            raise _JobFailed from error
    return outcomes


def _run_in_savepoints(conn: Connection, batch: list[_Job]) -> list[_Outcome]:
    """Each job of ``batch`` in its own savepoint: a failing one takes back only its own
    work."""
    outcomes: list[_Outcome] = []
    # Plain SAVEPOINT statements on the driver cursor: SQLAlchemy's begin_nested()
    # bookkeeping cost a quarter of the writer's time. Jobs may still open their own
    # begin_nested() inside.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    # On PostgreSQL each statement is a round trip: a job's RELEASE goes with the
    # next one's SAVEPOINT, and the COMMIT releases the last (SQLite's driver runs
    # one statement per call, which costs no round trip).
    together = conn.dialect.name != "sqlite"
    unreleased = False
    for index, job in enumerate(batch):
        cursor.execute(
            "RELEASE dialbook_job; SAVEPOINT dialbook_job"
            if unreleased
            else "SAVEPOINT dialbook_job"
        )
        unreleased = False
        position = outbox.mark(conn)
        try:
            result = job.fn(conn, *job.args, **job.kwargs)
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            outbox.forget_since(conn, position)
            batch_memo.forget(conn)
            cursor.execute("ROLLBACK TO dialbook_job")
            cursor.execute("RELEASE dialbook_job")
            outcomes.append((job, None, error))
            if _retryable(error):
                # A deadlock: this transaction still holds what the jobs before
                # it locked, so the next ones could meet the same cycle, each after
                # PostgreSQL's deadlock_timeout. They run after the commit.
                outcomes += [(later, None, _NotRun()) for later in batch[index + 1 :]]
                break
        else:
            if not together:
                cursor.execute("RELEASE dialbook_job")
            unreleased = together
            outcomes.append((job, result, None))
    return outcomes


class _ThreadBatcher(_GroupCommit):
    """Group commit for PostgreSQL: the writes requests reach in one turn of the event
    loop share a transaction, run in a thread; up to ``in_flight`` such transactions at once.

    Each create's transaction ends by writing its events under the workspace's advisory
    lock (db/outbox.py), held through the COMMIT and its WAL flush: one transaction per
    request put every write of a workspace in single file behind that lock, ~5 ms each,
    whatever the number of server processes. A batch takes the lock and flushes the WAL
    once for all its writes, each in its own savepoint (``_run_batch``, as on SQLite).
    While those run, the writes that arrive queue for the next one.
    """

    def __init__(
        self,
        engine: Engine,
        signal: EventSignal,
        loop: asyncio.AbstractEventLoop,
        thread: concurrent.futures.ThreadPoolExecutor,
        in_flight: int,
    ) -> None:
        super().__init__(signal, loop)
        self._engine = engine
        self._thread = thread
        self._in_flight = in_flight
        self._running = 0

    def _schedule(self) -> None:
        # At the end of this turn of the loop, so the writes it reaches share a batch.
        if not self._scheduled and self._running < self._in_flight:
            self._scheduled = True
            self._loop.call_soon(self._start)

    def _start(self) -> None:
        self._scheduled = False
        batch = self._take(MAX_GROUP_POSTGRES)
        if not batch:
            return
        self._running += 1
        running = self._loop.run_in_executor(self._thread, self._run, batch)
        running.add_done_callback(lambda done: self._finish(batch, done))

    def _run(self, batch: list[_Job]) -> tuple[list[_Outcome], int]:
        with self._engine.connect() as conn:
            outcomes, events = self._run_group(conn, batch)
            # A deadlock with another process's batch (their jobs lock keys in no common
            # order) failed only that job's savepoint: run it, and the jobs after it, again
            # alone.
            for index, (job, _, failure) in enumerate(outcomes):
                if failure is not None and _retryable(failure):
                    outcomes[index], written = _run_alone(conn, job)
                    events += written
        return outcomes, events

    def _finish(self, batch: list[_Job], done: asyncio.Future[tuple[list[_Outcome], int]]) -> None:
        self._running -= 1
        failure = done.exception()
        outcomes: list[_Outcome]
        if failure is not None:  # the shared transaction failed: its BEGIN or COMMIT
            outcomes, events = [(job, None, failure) for job in batch], 0
        else:
            outcomes, events = done.result()
        self._settle(batch, outcomes, events)


class _NotRun(Exception):
    """A job of a batch left for after its commit (see _run_batch)."""


def _retryable(error: BaseException) -> bool:
    """A deadlock or serialization failure: the job itself was fine and may run again."""
    if isinstance(error, _NotRun):
        return True
    # The driver's own error (db/bulk.py's statements), or SQLAlchemy's wrapping of it.
    driver = getattr(error, "orig", error)
    return getattr(driver, "sqlstate", None) in ("40P01", "40001")


def _run_alone(conn: Connection, job: _Job) -> tuple[_Outcome, int]:
    try:
        with conn.begin():
            result, events = _call(conn, job.fn, job.args, job.kwargs)
    except BaseException as error:  # noqa: BLE001 - handed to the caller
        return (job, None, error), 0
    return (job, result, None), events


def _resolve(outcomes: list[_Outcome]) -> None:
    for job, result, failure in outcomes:
        if job.future.done():
            continue
        if failure is not None:
            job.future.set_exception(failure)
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

    def __init__(
        self, url: str, *, readers: int = 4, bulk: bool = False, processes: int = 1
    ) -> None:
        """``processes``: how many server processes share the database (``serve
        --workers``); they share PostgreSQL's group commits in flight."""
        self.url = engines.normalize_url(url)
        self.is_sqlite = engines.is_sqlite(self.url)
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=readers if self.is_sqlite else readers * 2,
            thread_name_prefix="dialbook-db",
        )
        self.read_engine = engines.create(self.url, pool_size=readers * 2, bulk=bulk)
        self._checkpointer: _Checkpointer | None = None
        if self.is_sqlite:
            self.write_engine = engines.create(self.url, pool_size=2, writer=True, bulk=bulk)
            database = self.write_engine.url.database
            if database and database != ":memory:":
                self._checkpointer = _Checkpointer(database)
        else:
            self.write_engine = self.read_engine
        self._write_lock = threading.Lock()
        self._loop_engine: Engine | None = None
        self._loop_writers: dict[asyncio.AbstractEventLoop, _LoopWriter] = {}
        self._batchers: dict[asyncio.AbstractEventLoop, _ThreadBatcher] = {}
        # PostgreSQL's group commits run here.
        self._in_flight = in_flight(processes)
        self._batch_thread = concurrent.futures.ThreadPoolExecutor(
            max_workers=self._in_flight, thread_name_prefix="dialbook-batch"
        )
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
        """Run a write of a request's size. On SQLite it runs on this event loop's thread,
        group-committed with the writes other requests make in the same turn of the loop
        (``_LoopWriter``), so it must be short: a write of thousands of rows goes through
        :meth:`write_long`."""
        if self.is_sqlite:
            return await self._loop_writer().submit(fn, args, kwargs)  # type: ignore[no-any-return]
        return await self._batcher().submit(fn, args, kwargs)  # type: ignore[no-any-return]

    async def write_long(
        self, fn: Callable[Concatenate[Conn, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a write that may take long (deleting a list, undoing an import) in a thread,
        so the event loop keeps serving requests meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: self.run_write(fn, *args, **kwargs))

    def _loop_writer(self) -> _LoopWriter:
        loop = asyncio.get_running_loop()
        writer = self._loop_writers.get(loop)
        if writer is None:
            for gone in [other for other in self._loop_writers if other.is_closed()]:
                self._loop_writers.pop(gone).close()
            if self._loop_engine is None:
                # Its own connections (one per loop, held open), apart from the threads'.
                self._loop_engine = engines.create(self.url, pool_size=0, writer=True)
            writer = _LoopWriter(self._loop_engine, self._write_lock, self.events, loop)
            self._loop_writers[loop] = writer
        return writer

    def _batcher(self) -> _ThreadBatcher:
        loop = asyncio.get_running_loop()
        batcher = self._batchers.get(loop)
        if batcher is None:
            for gone in [other for other in self._batchers if other.is_closed()]:
                del self._batchers[gone]
            batcher = _ThreadBatcher(
                self.write_engine, self.events, loop, self._batch_thread, self._in_flight
            )
            self._batchers[loop] = batcher
        return batcher

    # -- sync: for the CLI, jobs and tests ---------------------------------------------

    def run_read(
        self, fn: Callable[Concatenate[Conn, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        with self.read_engine.connect() as conn, conn.begin():
            return fn(conn, *args, **kwargs)

    def run_write(
        self, fn: Callable[Concatenate[Conn, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a write from a plain thread (the CLI, jobs). On SQLite it waits for the
        event loops' group commits to let go of the process's write lock."""
        with contextlib.ExitStack() as stack:
            if self.is_sqlite:
                stack.enter_context(self._write_lock)
            conn = stack.enter_context(self.write_engine.connect())
            with conn.begin():
                result, events = _call(conn, fn, args, kwargs)
        if events:
            self.events.committed()
        return result

    def close(self) -> None:
        for writer in self._loop_writers.values():
            writer.close()
        self._loop_writers.clear()
        if self._loop_engine is not None:
            self._loop_engine.dispose()
            self._loop_engine = None
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None
        self._batchers.clear()
        self._batch_thread.shutdown(wait=True)
        self._pool.shutdown(wait=True)
        self.read_engine.dispose()
        self.write_engine.dispose()
