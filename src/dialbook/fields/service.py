"""Rules for custom field definitions.

Values already stored on contacts are kept when a definition changes or goes; the
definition only governs values written from then on (and a deleted key is rejected).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dialbook.db import Conn, locks
from dialbook.errors import Conflict, NotFound, invalid
from dialbook.fields import repository
from dialbook.fields.schemas import (
    FieldBulkDelete,
    FieldCreate,
    FieldPage,
    FieldRead,
    FieldsDeleted,
    FieldUpdate,
)
from dialbook.kit import clock, cursors
from dialbook.kit.structs import set_fields
from dialbook.normalize.fields import FieldDefinition, FieldType, key_from_label


def definitions(conn: Conn, *, workspace_id: int) -> dict[str, FieldDefinition]:
    """Every definition of the workspace, keyed by key, in the form the normalizer takes."""
    return as_definitions(repository.all_for(conn, workspace_id=workspace_id))


def as_definitions(fields: Iterable[FieldRead]) -> dict[str, FieldDefinition]:
    """Definitions already read (``list_all``, ``define_labels``) in the normalizer's form."""
    return {
        f.key: FieldDefinition(key=f.key, type=f.type, options=tuple(f.options or ()))
        for f in fields
    }


def create(conn: Conn, *, workspace_id: int, data: FieldCreate) -> FieldRead:
    if repository.get_by_key(conn, workspace_id=workspace_id, key=data.key) is not None:
        raise Conflict(f"A custom field with key {data.key!r} already exists.")
    now = clock.now()
    return repository.insert_field(
        conn,
        values={
            "workspace_id": workspace_id,
            "key": data.key,
            "label": data.label or data.key.replace("_", " ").capitalize(),
            "type": data.type,
            "options": data.options,
            "created_at": now,
            "updated_at": now,
        },
    )


def define_labels(
    conn: Conn, *, workspace_id: int, wanted: Mapping[str, FieldType]
) -> list[FieldRead]:
    """Every definition of the workspace, after creating one for each label in ``wanted``
    (label -> type) that has none yet. Its key is ``key_from_label(label)``. One read when
    all are defined, as on nearly every dialect write."""
    defined = repository.all_for(conn, workspace_id=workspace_id)
    known = {f.key for f in defined}
    for label, type_ in wanted.items():
        key = key_from_label(label)
        if key in known:
            continue
        locks.lock(conn, [f"field:{workspace_id}:{key}"])  # two first uses create it once
        if repository.get_by_key(conn, workspace_id=workspace_id, key=key) is None:
            created = create(
                conn,
                workspace_id=workspace_id,
                data=FieldCreate(key=key, label=label[:200], type=type_),
            )
            defined.append(created)
        else:  # another writer created it since we read
            defined = repository.all_for(conn, workspace_id=workspace_id)
        known.add(key)
    return defined


def list_all(conn: Conn, *, workspace_id: int) -> list[FieldRead]:
    return repository.all_for(conn, workspace_id=workspace_id)


def get(conn: Conn, *, workspace_id: int, id: int) -> FieldRead:
    found = repository.get(conn, workspace_id=workspace_id, id=id)
    if found is None:
        raise NotFound(f"No custom field with id {id}.")
    return found


def update(conn: Conn, *, workspace_id: int, id: int, data: FieldUpdate) -> FieldRead:
    values: dict[str, Any] = set_fields(data)
    if not values:
        return get(conn, workspace_id=workspace_id, id=id)
    found = repository.update_field(
        conn, workspace_id=workspace_id, id=id, values=values, now=clock.now()
    )
    if found is None:
        raise NotFound(f"No custom field with id {id}.")
    return found


def page(conn: Conn, *, workspace_id: int, cursor: str | None, limit: int) -> FieldPage:
    rows = repository.page(
        conn, workspace_id=workspace_id, after_id=cursors.after(cursor), limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return FieldPage(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)


def delete_many(conn: Conn, *, workspace_id: int, which: FieldBulkDelete) -> FieldsDeleted:
    """Delete definitions by id, by key and/or every one no contact has a value for (stored
    values stay on contacts, as with one delete). Unknown ids and keys are skipped."""
    if not (which.ids or which.keys or which.unused):
        raise invalid("body", "name the fields to delete: ids, keys, or unused: true")
    fields = repository.all_for(conn, workspace_id=workspace_id)
    ids, keys = set(which.ids), set(which.keys)
    chosen = [f.id for f in fields if f.id in ids or f.key in keys]
    if which.unused:
        used = repository.keys_in_use(conn, workspace_id=workspace_id)
        chosen += [f.id for f in fields if f.key not in used]
    deleted = repository.delete_fields(conn, workspace_id=workspace_id, ids=sorted(set(chosen)))
    return FieldsDeleted(deleted=len(deleted), keys=deleted)


def delete(conn: Conn, *, workspace_id: int, id: int) -> None:
    if not repository.delete_field(conn, workspace_id=workspace_id, id=id):
        raise NotFound(f"No custom field with id {id}.")
