"""All SQL for contacts, including the lookup indexes over phones, tags and external ids."""

from __future__ import annotations

import datetime as dt
import functools
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)

from dialbook.contacts import prepared
from dialbook.contacts.schemas import Contact
from dialbook.db import Conn, bulk, citus, locks
from dialbook.db import engine as engines
from dialbook.db.tables import (
    call_zones,
    contact_external_ids,
    contact_phones,
    contact_tags,
    contacts,
)
from dialbook.kit import cursors
from dialbook.kit.rows import AnyRow

# Queue state (dial_number, queue_rank, ...) is derived and internal; see queue/.
_QUEUE_COLUMNS = frozenset(
    {
        "dial_number",
        "dial_number_valid",
        "queue_rank",
        "due_at",
        "dnd_call",
        "zone_id",
        "lease_id",
        "lease_expires_at",
    }
    | {"dial_consent", "dial_consent_at", "dial_mobile", "dial_reassigned"}
)
_READ_COLUMNS = [c for c in contacts.c if c.name != "email_key" and c.name not in _QUEUE_COLUMNS]
_INDEXED = ("phones", "tags", "external_refs")


@dataclass(frozen=True, slots=True)
class Match:
    """An existing contact that a duplicate key points at."""

    id: int
    name: str | None
    field: str  # "phone" | "email" | "external_id"


def to_contact(values: dict[str, Any]) -> Contact:
    """A Contact from column values (internal columns are ignored)."""
    return msgspec.convert(values, Contact)


_CONTACT_FIELDS = Contact.__struct_fields__


def contact_data(values: dict[str, Any]) -> dict[str, Any]:
    """What :func:`to_contact` would give, as plain values, without checking them again:
    for the events of a batch of contacts just written from these values (converting
    each to a Contact cost an import more than writing its event)."""
    return {name: values[name] for name in _CONTACT_FIELDS}


def _contact(row: AnyRow) -> Contact:
    return msgspec.convert(row, Contact, from_attributes=True)


def insert_contact(conn: Conn, *, values: dict[str, Any]) -> int:
    # One statement on PostgreSQL (SQLite's statements are calls, not round trips). Citus
    # would run its CTEs as subplans through the coordinator: there the rows keep theirs.
    if conn.dialect.name == "postgresql" and not _on_citus(conn):
        dependents = [
            (table, _index_rows(values, field, ids={}))  # the statement fills in the ids
            for table, field in _INDEXED_BY
            if field in values
        ]
        return int(
            bulk.insert_with_dependents(
                conn, contacts, values, returning="id", dependents=dependents
            )
        )
    contact_id = int(bulk.insert_one(conn, contacts, values, returning="id"))
    _write_indexes(
        conn, contact_id=contact_id, workspace_id=values["workspace_id"], values=values, new=True
    )
    return contact_id


_citus: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _on_citus(conn: Conn) -> bool:
    """Whether the engine's database has the Citus extension (asked once per engine)."""
    found = _citus.get(conn.engine)
    if found is None:
        found = _citus[conn.engine] = citus.installed(conn)
    return found


_INDEXED_BY = (
    (contact_phones, "phones"),
    (contact_tags, "tags"),
    (contact_external_ids, "external_refs"),
)


def _index_rows(values: dict[str, Any], field: str, *, ids: dict[str, int]) -> list[dict[str, Any]]:
    """The lookup-index rows of one contact for one of its list fields, each once (a
    contact may carry the same external reference twice; the index keys each row), each
    with the ``ids`` naming the contact (its ``contact_id`` and ``workspace_id``)."""
    if field == "phones":  # numbers are unique per contact (contacts/normalize.py)
        return [
            {**ids, "number": p["number"], "position": i} for i, p in enumerate(values["phones"])
        ]
    if field == "tags":
        return [{**ids, "tag": tag} for tag in dict.fromkeys(values["tags"])]
    refs = dict.fromkeys((r["provider"], r["id"]) for r in values["external_refs"])
    return [{**ids, "provider": provider, "external_id": ref} for provider, ref in refs]


def _write_indexes(
    conn: Conn, *, contact_id: int, workspace_id: int, values: dict[str, Any], new: bool = False
) -> None:
    for table, field in _INDEXED_BY:
        if field in values:
            if not new:
                bulk.delete_where(
                    conn, table, {"workspace_id": workspace_id, "contact_id": contact_id}
                )
            ids = {"contact_id": contact_id, "workspace_id": workspace_id}
            bulk.insert_rows(conn, table, _index_rows(values, field, ids=ids))


_GET = select(*_READ_COLUMNS).where(
    contacts.c.id == bindparam("id"), contacts.c.workspace_id == bindparam("workspace_id")
)


def get(conn: Conn, *, workspace_id: int, id: int) -> Contact | None:
    row = conn.execute(_GET, {"id": id, "workspace_id": workspace_id}).one_or_none()
    return None if row is None else _contact(row)


_SELECT_MANY = f"SELECT {bulk.columns_of(contacts)} FROM contacts"


def get_many(conn: Conn, *, workspace_id: int, ids: Sequence[int]) -> dict[int, Contact]:
    """Contacts by id, in one query run by the driver (the dial queue's hot path)."""
    if not ids:
        return {}
    rows = bulk.query(
        conn,
        f"{_SELECT_MANY} WHERE workspace_id = ? AND id IN ({', '.join('?' * len(ids))})",
        [workspace_id, *ids],
    )
    found = [to_contact(bulk.as_row(conn, contacts, row)) for row in rows]
    return {contact.id: contact for contact in found}


def update_contact(
    conn: Conn, *, workspace_id: int, id: int, values: dict[str, Any], version: int
) -> bool:
    """Write ``values`` if the contact still has ``version``; bumps the version."""
    result = conn.execute(
        update(contacts)
        .where(
            contacts.c.id == id,
            contacts.c.workspace_id == workspace_id,
            contacts.c.version == version,
        )
        .values(**values, version=version + 1)
    )
    if result.rowcount == 0:
        return False
    if any(name in values for name in _INDEXED):
        _write_indexes(conn, contact_id=id, workspace_id=workspace_id, values=values)
    return True


def ids_in_list(
    conn: Conn,
    *,
    workspace_id: int,
    list_id: int,
    after_id: int,
    limit: int,
    status: str | None = None,
) -> list[int]:
    """Ids of the list's contacts (with ``status``), in id order, after ``after_id``."""
    query = select(contacts.c.id).where(
        contacts.c.workspace_id == workspace_id,
        contacts.c.list_id == list_id,
        contacts.c.id > after_id,
    )
    if status is not None:
        query = query.where(contacts.c.status == status)
    return [int(i) for i in conn.execute(query.order_by(contacts.c.id).limit(limit)).scalars()]


def release_held(conn: Conn, *, workspace_id: int, ids: Sequence[int], now: dt.datetime) -> None:
    """Move held contacts into the dial queue (a new version each)."""
    conn.execute(
        update(contacts)
        .where(
            contacts.c.workspace_id == workspace_id,
            contacts.c.id.in_(ids),
            contacts.c.status == "held",
        )
        .values(status="queued", due_at=now, updated_at=now, version=contacts.c.version + 1)
    )


def set_dial_columns(
    conn: Conn, *, workspace_id: int, columns: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """Store what the next claim dials, (contact id, normalize.dial_columns) each: derived
    queue state, not a field of the contact (no new version)."""
    if columns:
        names = list(columns[0][1])
        conn.execute(
            update(contacts)
            .where(
                contacts.c.workspace_id == workspace_id,
                contacts.c.id == bindparam("contact_id"),
            )
            .values({name: bindparam(f"new_{name}") for name in names}),
            [
                {"contact_id": i, **{f"new_{name}": values[name] for name in names}}
                for i, values in columns
            ],
        )


def delete_many(conn: Conn, *, workspace_id: int, ids: Sequence[int]) -> None:
    conn.execute(
        delete(contacts).where(contacts.c.workspace_id == workspace_id, contacts.c.id.in_(ids))
    )


def delete_contact(conn: Conn, *, workspace_id: int, id: int) -> bool:
    result = conn.execute(
        delete(contacts).where(contacts.c.id == id, contacts.c.workspace_id == workspace_id)
    )
    return result.rowcount > 0


def lock_keys(conn: Conn, *, workspace_id: int, keys: Iterable[str]) -> None:
    """Serialize writers that touch the same duplicate keys (see db/locks.py)."""
    locks.lock(conn, (f"contact:{workspace_id}:{key}" for key in keys))


def find_by_phone(
    conn: Conn,
    *,
    workspace_id: int,
    numbers: Sequence[str],
    list_id: int | None,
    exclude_id: int | None = None,
) -> Match | None:
    """The oldest contact having one of ``numbers``."""
    if not numbers:
        return None
    text = (
        "SELECT c.id, c.full_name FROM contact_phones p JOIN contacts c"
        " ON c.workspace_id = p.workspace_id AND c.id = p.contact_id"
        f" WHERE p.workspace_id = ? AND p.number IN ({', '.join('?' * len(numbers))})"
    )
    return _first_match(conn, text, [workspace_id, *numbers], list_id, exclude_id, "phone")


def find_by_email(
    conn: Conn,
    *,
    workspace_id: int,
    email_key: str,
    list_id: int | None,
    exclude_id: int | None = None,
) -> Match | None:
    text = "SELECT c.id, c.full_name FROM contacts c WHERE c.workspace_id = ? AND c.email_key = ?"
    return _first_match(conn, text, [workspace_id, email_key], list_id, exclude_id, "email")


def find_by_external_id(
    conn: Conn,
    *,
    workspace_id: int,
    refs: Sequence[tuple[str, str]],
    list_id: int | None,
    exclude_id: int | None = None,
) -> Match | None:
    if not refs:
        return None
    text = (
        "SELECT c.id, c.full_name FROM contact_external_ids x JOIN contacts c"
        " ON c.workspace_id = x.workspace_id AND c.id = x.contact_id"
        " WHERE x.workspace_id = ? AND ("
        + " OR ".join("(x.provider = ? AND x.external_id = ?)" for _ in refs)
        + ")"
    )
    params = [workspace_id, *(value for ref in refs for value in ref)]
    return _first_match(conn, text, params, list_id, exclude_id, "external_id")


def _first_match(
    conn: Conn,
    text: str,
    params: list[Any],
    list_id: int | None,
    exclude_id: int | None,
    field: str,
) -> Match | None:
    """The oldest contact ``text`` selects (``c.id, c.full_name``), in the list and not the
    excluded one. Duplicate checks run on every write: the driver runs them, not SQLAlchemy's
    statement building.

    The unary ``+`` on ``list_id`` and ``id`` keeps their indexes out of the plan. Without
    statistics (a database that grew by creates, never analyzed), SQLite otherwise walks
    the list's or the workspace's contacts in id order for the ``ORDER BY ... LIMIT 1``,
    probing each for the key: a create then cost time in proportion to the list. The key's
    own index finds the few candidates; sorting them is nothing."""
    if list_id is not None:
        text += " AND +c.list_id = ?"
        params.append(list_id)
    if exclude_id is not None:
        text += " AND c.id != ?"
        params.append(exclude_id)
    rows = bulk.query(conn, text + " ORDER BY +c.id LIMIT 1", params)
    return Match(rows[0][0], rows[0][1], field) if rows else None


def _scoped(query: Any, list_id: int | None, exclude_id: int | None) -> Any:
    """``query`` kept to a list and without a contact. ``list_id + 0``: as ``+c.list_id``
    in _first_match, so that the key's index, not the list's, drives the plan."""
    if list_id is not None:
        query = query.where(contacts.c.list_id + 0 == list_id)
    if exclude_id is not None:
        query = query.where(contacts.c.id != exclude_id)
    return query


def distinct_tags(conn: Conn, *, workspace_id: int) -> list[str]:
    """Every tag on the workspace's contacts, each once, sorted."""
    rows = conn.execute(
        select(contact_tags.c.tag)
        .where(contact_tags.c.workspace_id == workspace_id)
        .distinct()
        .order_by(contact_tags.c.tag)
    )
    return [str(row.tag) for row in rows]


@dataclass(frozen=True, slots=True)
class Filters:
    """Which contacts a listing or a count takes (None: any)."""

    list_id: int | None = None
    tag: str | None = None
    phone: str | None = None
    email_key: str | None = None
    text_query: str | None = None
    updated_since: dt.datetime | None = None
    external_id: str | None = None
    status: str | None = None


def _where(workspace_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [contacts.c.workspace_id == workspace_id]
    if filters.list_id is not None:
        conditions.append(contacts.c.list_id == filters.list_id)
    if filters.tag is not None:
        conditions.append(
            contacts.c.id.in_(
                select(contact_tags.c.contact_id).where(
                    contact_tags.c.workspace_id == workspace_id, contact_tags.c.tag == filters.tag
                )
            )
        )
    if filters.phone is not None:
        conditions.append(
            contacts.c.id.in_(
                select(contact_phones.c.contact_id).where(
                    contact_phones.c.workspace_id == workspace_id,
                    contact_phones.c.number == filters.phone,
                )
            )
        )
    if filters.email_key is not None:
        conditions.append(contacts.c.email_key == filters.email_key)
    if filters.text_query:
        needle = filters.text_query.lower()
        conditions.append(
            or_(
                func.lower(contacts.c.full_name).contains(needle, autoescape=True),
                contacts.c.email_key.contains(needle, autoescape=True),
                func.lower(contacts.c.company).contains(needle, autoescape=True),
            )
        )
    if filters.updated_since is not None:
        conditions.append(contacts.c.updated_at >= filters.updated_since)
    if filters.external_id is not None:
        conditions.append(
            contacts.c.id.in_(
                select(contact_external_ids.c.contact_id).where(
                    contact_external_ids.c.workspace_id == workspace_id,
                    contact_external_ids.c.external_id == filters.external_id,
                )
            )
        )
    if filters.status is not None:
        conditions.append(contacts.c.status == filters.status)
    return conditions


def page(
    conn: Conn,
    *,
    workspace_id: int,
    filters: Filters,
    limit: int,
    after_id: int = 0,
    offset: int = 0,
) -> list[Contact]:
    """Contacts oldest first: those after ``after_id`` (a cursor), ``offset`` of them
    skipped (offset paging, for platforms that page by number)."""
    after = contacts.c.id > after_id
    if filters.phone is not None or filters.external_id is not None:
        # A key finds a handful of contacts: let its lookup drive. Given a range on id,
        # SQLite walks the workspace's ids instead and tests each against the key's
        # contacts (1M contacts: ~100 ms instead of ~0.2 ms); ``id + 0`` is no index range.
        after = (contacts.c.id + 0) > after_id
    conditions = [*_where(workspace_id, filters), after]
    query = select(*_READ_COLUMNS).where(and_(*conditions)).order_by(contacts.c.id).limit(limit)
    if offset:  # past the 64-bit range (and so any table) it finds nothing, as at its end
        query = query.offset(min(offset, cursors.MAX_ID))
    return [_contact(row) for row in conn.execute(query)]


def count(conn: Conn, *, workspace_id: int, filters: Filters) -> int:
    """How many contacts ``filters`` takes."""
    query = select(func.count()).select_from(contacts).where(and_(*_where(workspace_id, filters)))
    return int(conn.execute(query).scalar_one())


def insert_many(conn: Conn, *, rows: list[dict[str, Any]]) -> list[int]:
    """Insert contacts in one batch (with their lookup indexes); their ids, in order."""
    if not rows:
        return []
    ids = _allocate_ids(conn, len(rows))
    for contact_id, row in zip(ids, rows, strict=True):
        row["id"] = contact_id
    bulk.insert_rows(conn, contacts, rows)
    for table, field in _INDEXED_BY:
        bulk.insert_rows(
            conn,
            table,
            [
                r
                for row in rows
                for r in _index_rows(
                    row, field, ids={"contact_id": row["id"], "workspace_id": row["workspace_id"]}
                )
            ],
        )
    return ids


def row_format(conn: Conn) -> prepared.RowFormat:
    """How :func:`insert_prepared` takes new contacts on this connection's backend."""
    return _row_format(conn.dialect.name)


@functools.lru_cache(maxsize=2)
def _row_format(dialect: str) -> prepared.RowFormat:
    names = tuple(str(c.name) for c in contacts.c)  # plain str: workers unpickle no SQLAlchemy
    return prepared.row_format(
        names, bulk.kinds(contacts), "copy" if dialect == "postgresql" else "sqlite"
    )


def insert_prepared(
    conn: Conn,
    *,
    workspace_id: int,
    rows: Sequence[prepared.NewContact],
    zone_ids: Sequence[int | None],
    now: dt.datetime,
) -> list[int]:
    """Insert contacts made ready by contacts/prepared.py (with their lookup indexes),
    ``zone_ids`` theirs in order; their ids, in order."""
    if not rows:
        return []
    fmt = row_format(conn)
    ids = _allocate_ids(conn, len(rows))
    ws = workspace_id
    pairs = list(zip(ids, rows, strict=True))
    found: list[Any]
    phones: list[Any]
    tags: list[Any]
    refs: list[Any]
    if fmt.driver == "copy":  # lines of COPY text: the workers escaped their values
        at = now.isoformat()
        zones = ["\\N" if z is None else str(z) for z in zone_ids]
        found = [
            f"{i}\t{z}\t{at}\t{at}\t{at}\t{r.values}\n"
            for (i, r), z in zip(pairs, zones, strict=True)
        ]
        phones = [f"{i}\t{ws}\t{n}\t{p}\n" for i, r in pairs for p, n in enumerate(r.phones)]
        tags = [f"{i}\t{ws}\t{t}\n" for i, r in pairs for t in r.tags]
        refs = [f"{i}\t{ws}\t{p}\t{e}\n" for i, r in pairs for p, e in r.refs]
    else:
        at = bulk.insert_value(conn, contacts.c.created_at, now)
        found = [(i, z, at, at, at, *r.values) for (i, r), z in zip(pairs, zone_ids, strict=True)]
        phones = [(i, ws, n, p) for i, r in pairs for p, n in enumerate(r.phones)]
        tags = [(i, ws, t) for i, r in pairs for t in r.tags]
        refs = [(i, ws, p, e) for i, r in pairs for p, e in r.refs]
    bulk.insert_prepared(conn, contacts, (*prepared.WRITER_COLUMNS, *fmt.names), found)
    for table, values in (
        (contact_phones, phones),
        (contact_tags, tags),
        (contact_external_ids, refs),
    ):
        bulk.insert_prepared(conn, table, [c.name for c in table.c], values)
    return ids


def _allocate_ids(conn: Conn, count: int) -> list[int]:
    """Ids for a batch, taken before inserting it. SQLite: after the highest (the write
    transaction holds the database's write lock); PostgreSQL: from the id sequence."""
    if conn.dialect.name == "postgresql":
        return [
            int(i)
            for (i,) in bulk.query(
                conn,
                "SELECT nextval(pg_get_serial_sequence('contacts', 'id'))"
                " FROM generate_series(1, ?)",
                [count],
            )
        ]
    highest = conn.execute(select(func.coalesce(func.max(contacts.c.id), 0))).scalar_one()
    return list(range(int(highest) + 1, int(highest) + 1 + count))


def existing_keys(
    conn: Conn, *, workspace_id: int, list_id: int | None, key: str, values: Sequence[Any]
) -> dict[Any, int]:
    """For many duplicate keys at once: key value -> the id of a contact that has it.

    ``key`` is "phone" (E.164 numbers), "email" (lower-cased) or "external_id" ((provider,
    id) pairs).
    """
    if key in _EXISTING and values:
        return _existing_keys(
            conn, workspace_id=workspace_id, list_id=list_id, key=key, values=values
        )
    found: dict[Any, int] = {}
    for start in range(0, len(values), 500):
        chunk = list(values[start : start + 500])
        if key == "phone":
            query = (
                select(contact_phones.c.number, contacts.c.id)
                .join(contacts, _same_contact(contact_phones))
                .where(
                    contact_phones.c.workspace_id == workspace_id,
                    contact_phones.c.number.in_(chunk),
                )
            )
        elif key == "email":
            query = select(contacts.c.email_key, contacts.c.id).where(
                contacts.c.workspace_id == workspace_id, contacts.c.email_key.in_(chunk)
            )
        else:
            query = (
                select(
                    contact_external_ids.c.provider,
                    contact_external_ids.c.external_id,
                    contacts.c.id,
                )
                .join(contacts, _same_contact(contact_external_ids))
                .where(
                    contact_external_ids.c.workspace_id == workspace_id,
                    tuple_(contact_external_ids.c.provider, contact_external_ids.c.external_id).in_(
                        chunk
                    ),
                )
            )
        query = _scoped(query, list_id, None).order_by(contacts.c.id + 0)  # the oldest wins
        for row in conn.execute(query):
            value = (row[0], row[1]) if key == "external_id" else row[0]
            found.setdefault(value, int(row[-1]))
    return found


_EXISTING = {
    "phone": "SELECT p.number, c.id FROM contact_phones p JOIN contacts c"
    " ON c.workspace_id = p.workspace_id AND c.id = p.contact_id"
    " WHERE p.workspace_id = ? AND p.number {values}",
    "email": "SELECT c.email_key, c.id FROM contacts c"
    " WHERE c.workspace_id = ? AND c.email_key {values}",
}


def _existing_keys(
    conn: Conn, *, workspace_id: int, list_id: int | None, key: str, values: Sequence[Any]
) -> dict[Any, int]:
    """existing_keys of phones and emails on the driver: one statement on PostgreSQL (the
    values as one array), batches of 500 on SQLite (its limit on bound values)."""
    postgres = conn.dialect.name == "postgresql"
    batches = (
        [list(values)] if postgres else [values[i : i + 500] for i in range(0, len(values), 500)]
    )
    found: dict[Any, int] = {}
    for batch in batches:
        text = _EXISTING[key].format(
            values="= ANY(?)" if postgres else f"IN ({', '.join('?' * len(batch))})"
        )
        params: list[Any] = [workspace_id, *([batch] if postgres else batch)]
        if list_id is not None:
            text += " AND c.list_id = ?"
            params.append(list_id)
        for value, contact_id in bulk.query(conn, text + " ORDER BY c.id", params):
            found.setdefault(value, int(contact_id))  # the oldest wins
    return found


def _same_contact(index: Any) -> ColumnElement[bool]:
    """An index row's contact: joined on workspace_id too, so the join stays in one
    workspace (db/tenancy.py)."""
    return and_(
        contacts.c.workspace_id == index.c.workspace_id, contacts.c.id == index.c.contact_id
    )


def max_phones(conn: Conn, *, workspace_id: int, list_id: int) -> int:
    """The most phones any contact of the list has (export column count)."""
    length = (
        func.jsonb_array_length(contacts.c.phones)
        if conn.dialect.name == "postgresql"
        else func.json_array_length(contacts.c.phones)
    )
    return int(
        conn.execute(
            select(func.coalesce(func.max(length), 0)).where(
                contacts.c.workspace_id == workspace_id, contacts.c.list_id == list_id
            )
        ).scalar_one()
    )


_ANALYZED = (contacts, contact_phones, contact_tags, contact_external_ids)
_FIRST_PAGES = 8  # a table never analyzed gets its statistics once it has this many pages


def analyze(conn: Conn, *, tables: Sequence[str] | None = None) -> None:
    """Refresh the planner's statistics of the contact tables, or of those of ``tables``
    (PostgreSQL; after big loads). Tables another process is analyzing are skipped."""
    if conn.dialect.name == "postgresql":
        for table in _ANALYZED:
            if tables is None or table.name in tables:
                conn.exec_driver_sql(f'ANALYZE (SKIP_LOCKED) "{table.name}"')


def outgrown_statistics(conn: Conn) -> list[str]:
    """The contact tables now at least twice the pages their planner statistics describe,
    or never analyzed and past a few pages (PostgreSQL: read from its catalog; where the
    tables hold no rows themselves, as on a Citus coordinator, none)."""
    if conn.dialect.name != "postgresql":
        return []
    rows = bulk.query(
        conn,
        "SELECT relname FROM pg_class"
        " WHERE relname = ANY(?) AND relkind = 'r'"
        " AND relnamespace = current_schema()::regnamespace"
        " AND pg_relation_size(oid) / current_setting('block_size')::int"
        " >= greatest(CASE WHEN reltuples < 0 THEN 0 ELSE 2 * relpages END, ?)",
        [[table.name for table in _ANALYZED], _FIRST_PAGES],
    )
    return [str(row[0]) for row in rows]


# -- call zones: the zone keys contacts are in (normalize/zone_keys.py) -----------------


def zone_ids(conn: Conn, *, keys: Iterable[str]) -> dict[str, int]:
    """The ids of many zone keys (a batch's), read in one statement; those not known yet
    are added one by one (:func:`zone_id`)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    found = {
        str(key): int(id)
        for key, id in bulk.query(
            conn, f"SELECT key, id FROM call_zones WHERE key IN ({marks})", wanted
        )
    }
    for key in wanted:
        if key not in found:
            found[key] = zone_id(conn, key=key)
    return found


def zone_id(conn: Conn, *, key: str) -> int:
    """The id of a zone key, added on first use (the dial queue reads them back)."""
    if conn.dialect.name == "postgresql":
        return _committed_zone_id(conn, key)
    found = bulk.query(conn, "SELECT id FROM call_zones WHERE key = ?", [key])
    if found:
        return int(found[0][0])
    conn.execute(insert(call_zones).values(key=key))
    return int(conn.execute(select(call_zones.c.id).where(call_zones.c.key == key)).scalar_one())


# Zone keys are never renamed nor removed, so a committed key's id holds for the engine's
# life: each PostgreSQL engine remembers the ones it has seen.
_known_zones: weakref.WeakKeyDictionary[Engine, dict[str, int]] = weakref.WeakKeyDictionary()


def _committed_zone_id(conn: Conn, key: str) -> int:
    """A new zone key is added and committed on a connection of its own, not in the
    caller's transaction: concurrent write batches each holding a new key uncommitted
    while waiting for the other's would deadlock, again at every job of the batches. That
    connection is not drawn from the caller's pool, which the callers may all hold."""
    known = _known_zones.setdefault(conn.engine, {})
    found = known.get(key)
    if found is not None:
        return found
    rows = bulk.query(conn, "SELECT id FROM call_zones WHERE key = ?", [key])
    if not rows:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        with engines.unpooled(conn.engine).begin() as own:
            own.execute(pg_insert(call_zones).values(key=key).on_conflict_do_nothing())
            rows = bulk.query(own, "SELECT id FROM call_zones WHERE key = ?", [key])
    known[key] = found = int(rows[0][0])
    return found
