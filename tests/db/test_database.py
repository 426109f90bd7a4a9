from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text

from dialbook.contacts import repository as contacts_repository
from dialbook.db import Conn, Database, locks
from dialbook.db.tables import schema_for, workspaces
from dialbook.kit import clock
from dialbook.kit.metrics import REGISTRY


def _add(conn: Conn, name: str) -> int:
    return int(
        conn.execute(
            insert(workspaces).values(name=name, created_at=clock.now()).returning(workspaces.c.id)
        ).scalar_one()
    )


def _fail(conn: Conn, name: str) -> int:
    _add(conn, name)
    raise ValueError("this request fails after writing")


def _names(conn: Conn) -> list[str]:
    return list(conn.execute(select(workspaces.c.name).order_by(workspaces.c.name)).scalars())


def test_migrations_match_the_tables(db: Database) -> None:
    """Exactly: columns, types, indexes, unique constraints, foreign keys (Alembic's
    comparison) and primary keys (which it does not compare), as tables.py says they are on
    this backend (schema_for)."""
    schema = schema_for(db.backend)
    with db.read_engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), schema
        )
        inspector = inspect(conn)
        keys = {name: inspector.get_pk_constraint(name) for name in schema.tables}
    assert diff == []
    assert {name: (key["name"], key["constrained_columns"]) for name, key in keys.items()} == {
        table.name: (table.primary_key.name, [c.name for c in table.primary_key.columns])
        for table in schema.tables.values()
    }


def test_writes_arriving_together_succeed_or_fail_alone(db: Database) -> None:
    async def run() -> list[object]:
        jobs = []
        for i in range(60):
            fn = _fail if i % 7 == 3 else _add
            jobs.append(db.write(fn, f"w{i:02d}"))
        return await asyncio.gather(*jobs, return_exceptions=True)

    results = asyncio.run(run())
    failed = [i for i, r in enumerate(results) if isinstance(r, ValueError)]
    assert failed == [i for i in range(60) if i % 7 == 3]
    ids = [r for r in results if isinstance(r, int)]
    assert len(set(ids)) == len(ids) == 60 - len(failed)
    # Nothing of a failed request was kept; everything of the others was.
    assert db.run_read(_names) == [f"w{i:02d}" for i in range(60) if i % 7 != 3]


def test_a_failed_write_leaves_nothing(db: Database) -> None:
    with pytest.raises(ValueError, match="fails"):
        asyncio.run(db.write(_fail, "lonely"))
    assert db.run_read(_names) == []


def test_a_batch_with_a_failed_write_runs_again_with_a_savepoint_per_write(db: Database) -> None:
    """A batch runs without savepoints until one of its writes fails; then it is rolled
    back and runs again with them (the writes before the failed one run twice), and so do
    the batches after it, each write once."""
    runs: list[str] = []

    def write(conn: Conn, name: str) -> str:
        runs.append(name)
        if name.startswith("fail"):
            raise ValueError(name)
        _add(conn, name)
        return name

    async def batch(*names: str) -> list[object]:
        return await asyncio.gather(*(db.write(write, n) for n in names), return_exceptions=True)

    async def run() -> list[list[object]]:
        return [await batch("a", "fail-1", "b"), await batch("c", "fail-2", "d")]

    reruns = REGISTRY.get_sample_value("dialbook_db_write_batch_reruns_total") or 0.0
    first, second = asyncio.run(run())
    assert first[0::2] == ["a", "b"]
    assert second[0::2] == ["c", "d"]
    assert [str(r) for r in (first[1], second[1])] == ["fail-1", "fail-2"]
    assert runs == ["a", "fail-1", "a", "fail-1", "b", "c", "fail-2", "d"]
    assert REGISTRY.get_sample_value("dialbook_db_write_batch_reruns_total") == reruns + 1
    assert db.run_read(_names) == ["a", "b", "c", "d"]


def test_results_are_returned_only_after_commit(db: Database, db_url: str) -> None:
    """A caller that got its result can read the write from another connection at once."""
    other = Database(db_url)
    try:

        async def run() -> None:
            for i in range(20):
                await db.write(_add, f"c{i}")
                assert f"c{i}" in other.run_read(_names)

        asyncio.run(run())
    finally:
        other.close()


def test_sqlite_pragmas(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    with db.read_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_reads_run_beside_the_writer(db: Database) -> None:
    """On SQLite a request's write runs on the event loop's own thread, on PostgreSQL in a
    group commit's thread; reads and long writes run on the pool."""
    seen: list[str] = []

    def write(conn: Conn, name: str) -> None:
        _add(conn, name)
        seen.append(threading.current_thread().name)

    def read(conn: Conn) -> list[str]:
        seen.append(threading.current_thread().name)
        return _names(conn)

    async def run() -> list[str]:
        await db.write(write, "short")
        await db.write_long(write, "long")
        return await db.read(read)

    assert asyncio.run(run()) == ["long", "short"]
    short, long, reader = seen
    assert reader.startswith("dialbook-db")
    assert long.startswith("dialbook-db")
    if db.is_sqlite:
        assert short == threading.current_thread().name
    else:
        assert short.startswith("dialbook-batch")


def test_writes_wait_for_a_thread_writing_without_blocking_the_loop(db: Database) -> None:
    """A long write in a thread holds the write lock; a request's write waits for it while
    the loop goes on serving, then both commit."""
    if not db.is_sqlite:
        pytest.skip("SQLite only: the per-process write lock between the loop and threads")
    holding = threading.Event()
    release = threading.Event()

    def long_write(conn: Conn) -> int:
        ident = _add(conn, "long")
        holding.set()
        release.wait(10)
        return ident

    async def run() -> tuple[int, int, int]:
        long = asyncio.ensure_future(db.write_long(long_write))
        await asyncio.to_thread(holding.wait, 10)
        short = asyncio.ensure_future(db.write(_add, "short"))
        ticks = 0
        while not short.done() and ticks < 20:  # the loop keeps turning meanwhile
            await asyncio.sleep(0.005)
            ticks += 1
        assert not short.done()
        release.set()
        return await long, await short, ticks

    long_id, short_id, ticks = asyncio.run(run())
    assert ticks == 20
    assert short_id > long_id
    assert db.run_read(_names) == ["long", "short"]


def test_a_write_waits_for_another_process_holding_sqlites_lock(db: Database) -> None:
    """Another connection (as another process would) holds SQLite's write lock: the loop's
    write comes back for it rather than blocking the loop or failing."""
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    import sqlite3

    other = sqlite3.connect(db.write_engine.url.database or "", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")

        async def run() -> int:
            write = asyncio.ensure_future(db.write(_add, "after"))
            for _ in range(10):
                await asyncio.sleep(0.005)
            assert not write.done()
            other.execute("COMMIT")
            return await write

        assert asyncio.run(run()) > 0
    finally:
        other.close()
    assert db.run_read(_names) == ["after"]


def _broken(conn: Conn, name: str) -> int:
    _add(conn, name)
    conn.execute(text("INSERT INTO no_such_table VALUES (1)"))
    return 0


def test_a_database_error_fails_only_its_own_write(db: Database) -> None:
    """On PostgreSQL an error aborts the transaction it happens in: the group commit's
    savepoint per write keeps the others of the batch going."""

    async def run() -> list[object]:
        jobs = [db.write(_broken if i % 5 == 2 else _add, f"d{i:02d}") for i in range(20)]
        return await asyncio.gather(*jobs, return_exceptions=True)

    results = asyncio.run(run())
    failed = [i for i, r in enumerate(results) if isinstance(r, Exception)]
    assert failed == [2, 7, 12, 17]
    assert db.run_read(_names) == [f"d{i:02d}" for i in range(20) if i % 5 != 2]


Step = Callable[[Conn], Any]


def _batches_of_two_processes(
    db_url: str, steps: tuple[list[Step], list[Step]], *, after_a_failed_write: bool = False
) -> tuple[list[tuple[Any, int]], list[tuple[Any, int]]]:
    """Each of two server processes (a Database each) writes its ``steps`` as one batch
    (one turn of the loop); the first step of each waits until the other's has run, so the
    two transactions are open together. Each step's result with its transaction's id.
    ``after_a_failed_write``: each process's batch before held a write that failed, so
    these run with a savepoint per write."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one write transaction at a time: no deadlock")
    ran = threading.Event(), threading.Event()

    def step(conn: Conn, fn: Step, mine: int | None) -> tuple[Any, int]:
        result = fn(conn)
        if mine is not None:
            ran[mine].set()
            assert ran[1 - mine].wait(30)
        return result, int(conn.execute(text("SELECT txid_current()")).scalar_one())

    def process(mine: int) -> list[tuple[Any, int]]:
        database = Database(db_url)
        try:

            async def batch() -> list[tuple[Any, int]]:
                if after_a_failed_write:
                    await asyncio.gather(
                        database.write(_nothing), database.write(_refuse), return_exceptions=True
                    )
                writes = [
                    database.write(step, fn, mine if index == 0 else None)
                    for index, fn in enumerate(steps[mine])
                ]
                return list(await asyncio.gather(*writes))

            return asyncio.run(batch())
        finally:
            database.close()

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        one, two = pool.submit(process, 0), pool.submit(process, 1)
        return one.result(timeout=60), two.result(timeout=60)


def _lock(key: str) -> Step:
    def take(conn: Conn) -> str:
        locks.lock(conn, [key])
        return key

    return take


def _nothing(conn: Conn) -> None:
    return None


def _refuse(conn: Conn) -> None:
    raise ValueError("refused")


def test_group_commits_of_two_processes_that_deadlock_still_both_succeed(db_url: str) -> None:
    """Two server processes' batches lock the same keys in opposite orders. PostgreSQL ends
    the deadlock by failing one write: its batch is rolled back and runs again, whole, once
    the other's has committed."""
    a, b = _lock("deadlock-a"), _lock("deadlock-b")
    one, two = _batches_of_two_processes(db_url, ([a, b, b, a], [b, a, a, b]))
    assert [key for key, _ in one] == ["deadlock-a", "deadlock-b", "deadlock-b", "deadlock-a"]
    assert [key for key, _ in two] == ["deadlock-b", "deadlock-a", "deadlock-a", "deadlock-b"]
    assert len({txid for _, txid in one}) == len({txid for _, txid in two}) == 1


def test_group_commits_with_savepoints_that_deadlock_still_both_succeed(db_url: str) -> None:
    """As above, with a savepoint per write (a write of each batch before failed): the
    write PostgreSQL fails runs again alone after its batch commits, and so do the writes
    after it (in that transaction they could meet the same cycle again)."""
    a, b = _lock("deadlock-a"), _lock("deadlock-b")
    one, two = _batches_of_two_processes(
        db_url, ([a, b, b, a], [b, a, a, b]), after_a_failed_write=True
    )
    assert [key for key, _ in one] == ["deadlock-a", "deadlock-b", "deadlock-b", "deadlock-a"]
    assert [key for key, _ in two] == ["deadlock-b", "deadlock-a", "deadlock-a", "deadlock-b"]
    victims = [steps for steps in (one, two) if steps[1][1] != steps[0][1]]
    assert len(victims) == 1  # the other batch ran whole, in one transaction
    (first, *later) = [txid for _, txid in victims[0]]
    assert first not in later  # after the commit
    assert len(set(later)) == len(later)  # each alone


def test_new_zone_keys_of_concurrent_batches_do_not_deadlock(db_url: str, db: Database) -> None:
    """A zone key seen for the first time is added and committed at once: two batches each
    adding a new key and then the other's wait for nothing, and each runs whole."""

    def zone(key: str) -> Step:
        return lambda conn: contacts_repository.zone_id(conn, key=key)

    x, y = zone("test|zone-x"), zone("test|zone-y")
    one, two = _batches_of_two_processes(db_url, ([x, y], [y, x]))
    assert len({txid for _, txid in one}) == 1
    assert len({txid for _, txid in two}) == 1
    assert one[0][0] == two[1][0]  # the same id for each key
    assert one[1][0] == two[0][0]
    with db.read_engine.connect() as conn:  # committed
        keys = dict(conn.execute(text("SELECT id, key FROM call_zones")).all())
    assert keys[one[0][0]] == "test|zone-x"
    assert keys[one[1][0]] == "test|zone-y"


def test_postgresql_caches_plans_and_bulk_databases_prepare_nothing(db_url: str) -> None:
    """Both engines let PostgreSQL cache plans (its per-row foreign-key checks' above all);
    the server's prepares its repeated statements, an import's prepares none (each is
    planned with its own values)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's plan cache")

    def plans(conn: Conn) -> tuple[str, int]:
        for _ in range(10):  # psycopg prepares a statement at its fifth run
            conn.execute(text("SELECT count(*) FROM workspaces WHERE id = :id"), {"id": 1})
        mode = conn.execute(text("SHOW plan_cache_mode")).scalar_one()
        prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()
        return mode, prepared

    for bulk, mode, prepares in ((True, "auto", False), (False, "auto", True)):
        database = Database(db_url, bulk=bulk)
        try:
            found_mode, prepared = database.run_read(plans)
        finally:
            database.close()
        assert found_mode == mode
        assert (prepared > 0) == prepares


def test_bulk_databases_keep_a_smaller_sqlite_page_cache(db_url: str) -> None:
    """An import's engine keeps 16 MB of SQLite's pages (its processes' memory is bounded,
    and it ran as fast as with the server's 64 MB), on its reads and its writes."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's page cache")

    def cache(conn: Conn) -> int:
        return int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())

    for bulk, kib in ((True, 16384), (False, 65536)):
        database = Database(db_url, bulk=bulk)
        try:
            assert database.run_read(cache) == -kib
            assert database.run_write(cache) == -kib
        finally:
            database.close()


async def _second_batch_ran_during_the_first(database: Database) -> bool:
    first_running, second_ran = threading.Event(), threading.Event()

    def first(conn: Conn) -> bool:
        first_running.set()
        return second_ran.wait(2)  # True only when the second batch ran meanwhile

    def second(conn: Conn) -> None:
        second_ran.set()

    one = asyncio.ensure_future(database.write(first))
    await asyncio.to_thread(first_running.wait, 10)
    two = asyncio.ensure_future(database.write(second))
    overlapped = await one
    await two
    return overlapped


def test_the_processes_of_a_server_share_its_group_commits_in_flight(db_url: str) -> None:
    """One server process keeps two of PostgreSQL's batches running at once; each of two
    processes one (two for the server), so their batches stay as large as one process's."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's group commits run in threads; SQLite's on the event loop")
    for processes, overlapped in ((1, True), (2, False)):
        database = Database(db_url, processes=processes)
        try:
            assert asyncio.run(_second_batch_ran_during_the_first(database)) is overlapped
        finally:
            database.close()


def test_a_new_zone_key_is_added_while_every_pooled_connection_is_held(db: Database) -> None:
    """Each of as many writers as the pool has connections adds a new zone key inside its
    transaction: the key's own short transaction does not wait for a pooled connection
    (which every writer holds until the others' keys are added)."""
    if db.is_sqlite:
        pytest.skip("SQLite writes one at a time: a zone key is added in the writer's transaction")
    writers = db.write_engine.pool.size() * 2  # and as many again above it (engines.create)
    holding = threading.Barrier(writers)

    def add(conn: Conn, key: str) -> int:
        holding.wait(timeout=20)  # every connection is checked out
        return contacts_repository.zone_id(conn, key=key)

    with concurrent.futures.ThreadPoolExecutor(writers) as threads:
        ids = list(threads.map(lambda i: db.run_write(add, f"test|held-{i}"), range(writers)))
    assert len(set(ids)) == writers
