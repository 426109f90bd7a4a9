"""Statements at driver speed, inside the caller's transaction.

SQLAlchemy's statement building and parameter processing cost several times the work of
SQLite itself for the small statements of a create request, and per row for bulk inserts.
The hot paths (creating a contact, the importer, the dial queue's lookups) therefore run
their statements on the transaction's own DBAPI cursor: executemany on SQLite, COPY on
PostgreSQL for big batches. Values go in as the columns take them (aware UTC datetimes,
dates, JSON-able objects for JSON columns) and are converted here once per column type.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import msgspec
from sqlalchemy import JSON, Boolean, Connection, Date, Table
from sqlalchemy.dialects import postgresql

from dialbook.db.types import UTCDateTime
from dialbook.kit import driver_values

S = TypeVar("S", bound=msgspec.Struct)

_json = msgspec.json.Encoder().encode
COPY_FROM = 100  # rows: below this an executemany beats setting up a COPY
_POSTGRESQL = postgresql.dialect()  # type: ignore[no-untyped-call]  # compiles column types

Convert = Callable[[Any], Any]


def cursor(conn: Connection) -> Any:
    """A DBAPI cursor on the connection's current transaction; on PostgreSQL a raw one,
    taking :func:`sql`'s ``$1`` placeholders. psycopg sends a raw cursor's statement as
    written, where its own ``%s`` style parses the text again at every execute of a
    statement with more than 50 parameters (it caches only smaller ones): a contact's
    insert, whose parsing was a sixth of the server's time per create."""
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite":
        return dbapi.cursor()  # type: ignore[union-attr]
    return _raw_cursor(dbapi.cursor_factory)(dbapi)  # type: ignore[union-attr]


@functools.cache
def _raw_cursor(factory: type) -> type:
    """The raw cursor class beside the connection's own: the statement check's cursors
    (db/statement_check.py) name theirs as ``raw_class``."""
    import psycopg  # not needed, nor imported, by SQLite's users

    return getattr(factory, "raw_class", None) or psycopg.RawCursor


def sql(conn: Connection, text: str) -> str:
    """``text`` written with ``?`` placeholders, as :func:`cursor` takes it: unchanged on
    SQLite, numbered (``$1``, ``$2``, ...) on PostgreSQL."""
    return _placeholders(text, sqlite=conn.dialect.name == "sqlite")


def _placeholders(text: str, *, sqlite: bool) -> str:
    return text if sqlite else _numbered(text)


@functools.lru_cache(maxsize=512)
def _numbered(text: str) -> str:
    parts = text.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], start=1)) + parts[-1]


def query(conn: Connection, text: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run a read written with ``?`` placeholders; its rows as tuples."""
    found = cursor(conn)
    found.execute(sql(conn, text), tuple(params))
    return list(found.fetchall())


@functools.lru_cache(maxsize=256)  # a batch shares a handful of timestamps
def _sqlite_time(value: dt.datetime) -> str:
    return driver_values.sqlite_time(value)


@functools.lru_cache(maxsize=32)
def _converter(kind: type, sqlite: bool) -> Convert | None:
    if issubclass(kind, JSON):
        return lambda v: None if v is None else _json(v).decode()
    if not sqlite:
        return None
    if issubclass(kind, UTCDateTime):
        return lambda v: None if v is None else _sqlite_time(v)
    if issubclass(kind, Date):
        return lambda v: None if v is None else v.isoformat()
    if issubclass(kind, Boolean):
        return lambda v: None if v is None else int(v)
    return None


@functools.lru_cache(maxsize=128)
def _plan(
    table: Table, names: tuple[str, ...], dialect: str, returning: str | None
) -> tuple[str, Callable[[dict[str, Any]], Sequence[Any]]]:
    """The INSERT statement for these columns, and the function making a row's values."""
    sqlite = dialect == "sqlite"
    text, converters = _insert_text(table, names, sqlite)
    if returning:
        text += f' RETURNING "{returning}"'
    return _placeholders(text, sqlite=sqlite), _row_values(names, converters)


def _mark(column: Any, sqlite: bool) -> str:
    """A value's placeholder: PostgreSQL's JSON columns take the value's text, cast."""
    return "?::jsonb" if not sqlite and isinstance(column.type, JSON) else "?"


def _insert_text(
    table: Table, names: tuple[str, ...], sqlite: bool
) -> tuple[str, tuple[Convert | None, ...]]:
    """The INSERT with ``?`` placeholders, and each value's conversion."""
    columns = [table.c[name] for name in names]
    marks = ", ".join(_mark(c, sqlite) for c in columns)
    text = f'INSERT INTO "{table.name}" ({_quoted(names)}) VALUES ({marks})'
    return text, tuple(_converter(type(c.type), sqlite) for c in columns)  # type: ignore[arg-type]


def _row_values(
    names: tuple[str, ...], converters: tuple[Convert | None, ...]
) -> Callable[[dict[str, Any]], Sequence[Any]]:
    """A row's values in ``names`` order, converted. Rows that have every column (a batch
    usually does) are read with one C-level itemgetter; a missing column is NULL."""
    get = operator.itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    convert = [(i, c) for i, c in enumerate(converters) if c is not None]

    def values(row: dict[str, Any]) -> Sequence[Any]:
        try:
            found = list(get(row))
        except KeyError:
            found = [row.get(name) for name in names]
        for i, c in convert:
            found[i] = c(found[i])
        return found

    return values


def insert_value(conn: Connection, column: Any, value: Any) -> Any:
    """``value`` as the driver takes it for ``column``."""
    convert = _converter(type(column.type), conn.dialect.name == "sqlite")  # type: ignore[arg-type]
    return value if convert is None else convert(value)


def _names(table: Table, row: dict[str, Any]) -> tuple[str, ...]:
    """The table's columns that ``row`` has, in table order (cached per key set)."""
    return _names_for(table, frozenset(row))


@functools.lru_cache(maxsize=256)
def _names_for(table: Table, keys: frozenset[str]) -> tuple[str, ...]:
    return tuple(c.name for c in table.c if c.name in keys)


def insert_one(
    conn: Connection, table: Table, row: dict[str, Any], *, returning: str | None = None
) -> Any:
    """Insert one row (its keys are the columns); the ``returning`` column's value."""
    names = _names(table, row)
    text, values = _plan(table, names, conn.dialect.name, returning)
    found = cursor(conn)
    found.execute(text, values(row))
    return found.fetchone()[0] if returning else None


Dependents = Sequence[tuple[Table, Sequence[dict[str, Any]]]]


def insert_with_dependents(
    conn: Connection, table: Table, row: dict[str, Any], *, returning: str, dependents: Dependents
) -> Any:
    """PostgreSQL: insert ``row`` and, in the same statement, the rows of tables whose
    foreign key references ``table`` (their referencing columns are filled from the new
    row, so the dicts leave them out): one round trip where one per table cost a planning,
    an executor start-up and a network turn each. The new row's ``returning`` column."""
    present = [(child, rows) for child, rows in dependents if rows]
    shapes = tuple((child, _names(child, rows[0])) for child, rows in present)
    text, values = _plan_with_dependents(table, _names(table, row), returning, shapes)
    found = cursor(conn)
    found.execute(text, values(row, [rows for _, rows in present]))
    return found.fetchone()[0]


@functools.lru_cache(maxsize=64)
def _plan_with_dependents(
    table: Table,
    names: tuple[str, ...],
    returning: str,
    shapes: tuple[tuple[Table, tuple[str, ...]], ...],
) -> tuple[str, Callable[[dict[str, Any], list[Sequence[dict[str, Any]]]], list[Any]]]:
    insert, converters = _insert_text(table, names, sqlite=False)
    row_values = _row_values(names, converters)
    links = [_link(child, table) for child, _ in shapes]
    returned = dict.fromkeys([returning, *(theirs for link in links for _, theirs in link)])
    ctes = [f"new_row AS ({insert} RETURNING {_quoted(returned)})"]
    own_names: list[tuple[str, ...]] = []
    for index, ((child, child_names), link) in enumerate(zip(shapes, links, strict=True)):
        own = tuple(n for n in child_names if n not in dict(link))
        own_names.append(own)
        columns = [mine for mine, _ in link] + list(own)
        arrays = ", ".join(
            f"CAST(? AS {child.c[n].type.compile(dialect=_POSTGRESQL)}[])" for n in own
        )
        picked = [f'new_row."{theirs}"' for _, theirs in link] + [f'r."{n}"' for n in own]
        ctes.append(
            f'dependent_{index} AS (INSERT INTO "{child.name}"'
            f" ({_quoted(columns)})"
            f" SELECT {', '.join(picked)} FROM new_row,"
            f" unnest({arrays}) AS r({_quoted(own)}))"
        )
    text = _numbered(f'WITH {", ".join(ctes)} SELECT "{returning}" FROM new_row')

    def values(row: dict[str, Any], children: list[Sequence[dict[str, Any]]]) -> list[Any]:
        found = list(row_values(row))
        for own, rows in zip(own_names, children, strict=True):
            found += [[child_row[n] for child_row in rows] for n in own]
        return found

    return text, values


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _link(child: Table, parent: Table) -> list[tuple[str, str]]:
    """The (child column, parent column) pairs of ``child``'s foreign key to ``parent``."""
    (key,) = [fk for fk in child.foreign_key_constraints if fk.referred_table is parent]
    return [(element.parent.name, element.column.name) for element in key.elements]


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (the first row's keys are the columns; missing values are NULL)."""
    if not rows:
        return
    names = _names(table, rows[0])
    text, values = _plan(table, names, conn.dialect.name, None)
    tuples = [values(row) for row in rows]
    found = cursor(conn)
    if conn.dialect.name == "sqlite" or len(tuples) < COPY_FROM:
        found.executemany(text, tuples)
        return
    quoted = _quoted(names)
    with found.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row_values in tuples:
            copy.write_row(row_values)


def kinds(table: Table) -> tuple[str | None, ...]:
    """Each column's conversion, by name (``json``, ``time``, ``date``, ``bool`` or None),
    for code that makes the values itself, away from the database (the importer's
    workers: contacts/prepared.py)."""
    return tuple(_kind(type(c.type)) for c in table.c)


def _kind(kind: type) -> str | None:
    for base, name in ((JSON, "json"), (UTCDateTime, "time"), (Date, "date"), (Boolean, "bool")):
        if issubclass(kind, base):
            return name
    return None


def insert_prepared(
    conn: Connection, table: Table, names: Sequence[str], rows: Sequence[Any]
) -> None:
    """Insert rows whose values are ready for the driver: tuples in ``names`` order, or on
    PostgreSQL lines of COPY's text format (tab-separated, escaped, newline-ended)."""
    if not rows:
        return
    quoted = _quoted(names)
    found = cursor(conn)
    if isinstance(rows[0], str):
        with found.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            copy.write("".join(rows))
        return
    marks = ", ".join("?" * len(names))
    found.executemany(sql(conn, f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'), rows)


def update_rows(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], *, keys: tuple[str, ...]
) -> None:
    """Update one row per dict, found by its ``keys`` columns, to its other values (every
    dict has the first one's keys): one executemany."""
    if not rows:
        return
    names = tuple(name for name in rows[0] if name not in keys)
    text, values = _update_plan(table, names, keys, conn.dialect.name)
    cursor(conn).executemany(text, [values(row) for row in rows])


@functools.lru_cache(maxsize=64)
def _update_plan(
    table: Table, names: tuple[str, ...], keys: tuple[str, ...], dialect: str
) -> tuple[str, Callable[[dict[str, Any]], Sequence[Any]]]:
    sqlite = dialect == "sqlite"
    columns = [table.c[name] for name in (*names, *keys)]
    pairs = [f'"{c.name}" = {_mark(c, sqlite)}' for c in columns]
    text = (
        f'UPDATE "{table.name}" SET {", ".join(pairs[: len(names)])} '
        f"WHERE {' AND '.join(pairs[len(names) :])}"
    )
    converters = tuple(_converter(type(c.type), sqlite) for c in columns)  # type: ignore[arg-type]
    return _placeholders(text, sqlite=sqlite), _row_values((*names, *keys), converters)


def delete_where(conn: Connection, table: Table, where: dict[str, Any]) -> None:
    """Delete the rows whose columns equal ``where``'s values."""
    condition = " AND ".join(f'"{column}" = ?' for column in where)
    text = sql(conn, f'DELETE FROM "{table.name}" WHERE {condition}')
    cursor(conn).execute(text, tuple(where.values()))


@functools.lru_cache(maxsize=64)
def _processors(table: Table, dialect: Any) -> tuple[Convert | None, ...]:
    return tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in table.c)


def columns_of(table: Table) -> str:
    """Every column of ``table``, for a SELECT whose rows :func:`as_row` reads."""
    return ", ".join(f'"{c.name}"' for c in table.c)


def as_row(conn: Connection, table: Table, values: Sequence[Any]) -> dict[str, Any]:
    """A row of ``SELECT columns_of(table)`` as Python values, as SQLAlchemy would give."""
    return as_row_of(conn.dialect, table, values)


def as_struct(
    conn: Connection, table: Table, values: Sequence[Any], build: Callable[[dict[str, Any]], S]
) -> S:
    """``build(as_row(...))``, remembered by the row's raw values, as a copy: for a row read
    on every write (a list, a workspace) whose JSON and dates cost more to decode than the
    query. Any change to the row changes the key, so nothing can be stale."""
    try:
        found = _built(conn.dialect, table, build, tuple(values))
    except TypeError:  # a driver that decodes JSON itself gives unhashable values
        return build(as_row(conn, table, values))
    # A copy: callers may set fields of theirs (a list's contact_count).
    return msgspec.structs.replace(found)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=4096)
def _built(dialect: Any, table: Table, build: Callable[[dict[str, Any]], Any], values: Any) -> Any:
    return build(as_row_of(dialect, table, values))


def as_row_of(dialect: Any, table: Table, values: Sequence[Any]) -> dict[str, Any]:
    """:func:`as_row` for a connection of ``dialect``."""
    processors = _processors(table, dialect)
    return {
        str(c.name): value if process is None else process(value)
        for c, process, value in zip(table.c, processors, values, strict=True)
    }
