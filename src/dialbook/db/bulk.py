"""Inserting many rows at driver speed: executemany on SQLite, COPY on PostgreSQL.

SQLAlchemy's per-row parameter processing costs more than the insert itself for big
batches, so bulk paths (the importer) convert values here once per column type and hand
the driver plain tuples. Values must be what the table's columns take: aware UTC
datetimes, dates, JSON-able objects for JSON columns.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from sqlalchemy import JSON, Boolean, Connection, Date, Table

from dialbook.db.types import UTCDateTime

_json = msgspec.json.Encoder().encode


@functools.lru_cache(maxsize=256)  # a batch shares a handful of timestamps
def _sqlite_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _converter(column_type: Any, sqlite: bool) -> Callable[[Any], Any] | None:
    if isinstance(column_type, JSON):
        return lambda v: None if v is None else _json(v).decode()
    if not sqlite:
        return None
    if isinstance(column_type, UTCDateTime):
        return lambda v: None if v is None else _sqlite_time(v)
    if isinstance(column_type, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(v)
    return None


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name; missing keys are NULL) into ``table``."""
    if not rows:
        return
    sqlite = conn.dialect.name == "sqlite"
    columns = [c for c in table.c if any(c.name in row for row in rows[:1])]
    converters = [_converter(c.type, sqlite) for c in columns]
    names = [c.name for c in columns]
    tuples = [
        tuple(
            value if convert is None else convert(value)
            for value, convert in zip((row.get(n) for n in names), converters, strict=True)
        )
        for row in rows
    ]
    quoted = ", ".join(f'"{n}"' for n in names)
    if sqlite:
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', tuples)
        return
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for values in tuples:
            copy.write_row(values)
