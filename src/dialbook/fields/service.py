"""Rules for custom field definitions.

Values already stored on contacts are kept when a definition changes or goes; the
definition only governs values written from then on (and a deleted key is rejected).
"""

from __future__ import annotations

from typing import Any

from dialbook.db import Conn, locks
from dialbook.errors import Conflict, NotFound
from dialbook.fields import repository
from dialbook.fields.schemas import FieldCreate, FieldRead, FieldUpdate
from dialbook.kit import clock
from dialbook.kit.structs import set_fields
from dialbook.normalize.fields import FieldDefinition, FieldType, key_from_label


def definitions(conn: Conn, *, workspace_id: int) -> dict[str, FieldDefinition]:
    """Every definition of the workspace, keyed by key, in the form the normalizer takes."""
    return {
        f.key: FieldDefinition(key=f.key, type=f.type, options=tuple(f.options or ()))
        for f in repository.all_for(conn, workspace_id=workspace_id)
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


def define_by_label(conn: Conn, *, workspace_id: int, label: str, type: FieldType) -> FieldRead:
    """The definition a dialect's free-form field maps to, created on first use."""
    key = key_from_label(label)
    locks.lock(conn, [f"field:{workspace_id}:{key}"])  # two first uses create it once
    found = repository.get_by_key(conn, workspace_id=workspace_id, key=key)
    if found is not None:
        return found
    return create(
        conn, workspace_id=workspace_id, data=FieldCreate(key=key, label=label[:200], type=type)
    )


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


def delete(conn: Conn, *, workspace_id: int, id: int) -> None:
    if not repository.delete_field(conn, workspace_id=workspace_id, id=id):
        raise NotFound(f"No custom field with id {id}.")
