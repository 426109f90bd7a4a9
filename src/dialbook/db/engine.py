"""Engines for both backends, with the SQLite settings dialbook depends on."""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool, QueuePool

from dialbook.db import batch_memo
from dialbook.db.tenancy import CHECK_VARIABLE

_encode_json = msgspec.json.Encoder().encode


def _json_serializer(value: Any) -> str:
    return _encode_json(value).decode()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and pick the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def create(
    url: str,
    *,
    pool_size: int = 8,
    writer: bool = False,
    check_statements: bool = True,
    bulk: bool = False,
) -> Engine:
    """Create an engine. On SQLite, ``writer`` engines begin with BEGIN IMMEDIATE. On
    PostgreSQL, when DIALBOOK_CHECK_TENANCY asks for it (the tests do), every statement is
    checked against the tenancy rule (db/statement_check.py) unless ``check_statements``
    is off (the migrations, which rewrite every workspace's rows on purpose). A
    ``pool_size`` of 0 opens a connection for each use and keeps none; ``bulk``
    engines (imports, the command line) plan for many rows per statement on PostgreSQL
    and keep a smaller page cache on SQLite (see below)."""
    url = normalize_url(url)
    options: dict[str, Any] = {
        "json_serializer": _json_serializer,
        "json_deserializer": msgspec.json.decode,
    }
    if not is_sqlite(url):
        # PostgreSQL's own plan caching (``auto``): a statement psycopg has prepared (from
        # its fifth run on a connection), and the foreign-key checks PostgreSQL runs for
        # every inserted row, keep a generic plan where it costs no more than one made with
        # the values. A plan cached while the tables were small is made again once their
        # statistics change (contacts/statistics.py analyzes them as they grow). Forcing a
        # plan per execution (the servers' setting until 2026-12-06) planned every check of
        # every row again: twice PostgreSQL's CPU per create. ``bulk`` engines (imports, the
        # command line) prepare nothing, so their statements are planned with their values,
        # as one whose tables grow by thousands of rows between two runs needs.
        connect_args: dict[str, Any] = {"options": "-c plan_cache_mode=auto"}
        if bulk:
            connect_args["prepare_threshold"] = None
        if check_statements and os.environ.get(CHECK_VARIABLE):
            from dialbook.db import statement_check  # pglast: a dev dependency

            connect_args["cursor_factory"] = statement_check.cursor_class()
        options["connect_args"] = connect_args
        if pool_size:
            options.update(
                poolclass=QueuePool, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
        else:
            options.update(poolclass=NullPool)
        engine = create_engine(url, **options)
        _forget_on_savepoint_rollback(engine)
        return engine
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    if pool_size:
        options.update(poolclass=QueuePool, pool_size=pool_size, max_overflow=0)
    else:
        options.update(poolclass=NullPool)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
    # Pages SQLite keeps in the process (the OS's file cache is behind it). An import's
    # writer gains nothing from 64 MB: 1M-row imports ran as fast with 16 MB (10,183-10,663
    # against 9,023-10,712 rows/s, alternating) at 242-246 MB of peak memory summed over
    # the import's processes instead of 293-300 (the target is 300).
    cache_kb = 16384 if bulk else 65536

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide when transactions begin, so
        # savepoints work (see SQLAlchemy's "Serializable isolation / Savepoints" notes).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA cache_size=-{cache_kb}")
        if writer:  # checkpoints run beside the writer (see database._Checkpointer)
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    _forget_on_savepoint_rollback(engine)
    return engine


_unpooled: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def unpooled(engine: Engine) -> Engine:
    """An engine on ``engine``'s database that opens a connection for each use instead of
    drawing one from ``engine``'s pool: for a short transaction of its own begun while one
    of those connections is held. Were every pooled connection held by a caller doing the
    same, a pooled one would never come."""
    found = _unpooled.get(engine)
    if found is None:
        found = _unpooled[engine] = create(
            engine.url.render_as_string(hide_password=False), pool_size=0
        )
    return found


def _forget_on_savepoint_rollback(engine: Engine) -> None:
    """A savepoint a job rolls back (``begin_nested``) takes back what it wrote, and so
    what the batch remembered since (db/batch_memo.py)."""

    @event.listens_for(engine, "rollback_savepoint")
    def _forget(connection: Any, _name: Any, _context: Any) -> None:
        batch_memo.forget(connection)
