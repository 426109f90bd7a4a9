"""The plumbing every dialect shares: offset paging, lists by alias, custom fields by
label, and error field paths renamed into a platform's words.

Plain functions of a connection over the canonical services (never a repository), for a
dialect's ``service.py``; what is free of any domain (JSON Patch) is in ``dialbook.kit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery
from dialbook.db import Conn
from dialbook.errors import DialbookError, DuplicateContact, FieldError, InvalidInput, NotFound
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldRead
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.normalize.fields import FieldType, key_from_label
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import Suppression, SuppressionQuery
from dialbook.workspaces.schemas import Caller

E = TypeVar("E", bound=DialbookError)

# The most rows one canonical page query reads (ContactQuery's limit); longer windows are
# read in steps of this many.
READ = 500


# -- offset paging ------------------------------------------------------------------------


def window(page: int, per_page: int) -> tuple[int, int]:
    """The offset and limit of page ``page`` (counted from 1) of ``per_page`` items."""
    return (page - 1) * per_page, per_page


def contacts_at(
    conn: Conn, *, caller: Caller, query: ContactQuery, offset: int, limit: int
) -> list[Contact]:
    """Contacts ``offset`` .. ``offset + limit`` of those ``query`` filters, oldest first."""
    found: list[Contact] = []
    while len(found) < limit:
        step = msgspec.structs.replace(query, cursor=None, limit=min(READ, limit - len(found)))
        batch = contact_service.page(conn, caller=caller, query=step, offset=offset + len(found))
        found += batch.data
        if batch.next_cursor is None:
            break
    return found


def entries_at(
    conn: Conn, *, caller: Caller, query: SuppressionQuery, offset: int, limit: int
) -> list[Suppression]:
    """Suppression entries ``offset`` .. ``offset + limit`` of those ``query`` filters."""
    found: list[Suppression] = []
    while len(found) < limit:
        step = msgspec.structs.replace(query, cursor=None, limit=min(READ, limit - len(found)))
        batch = suppression_service.page(
            conn, caller=caller, query=step, offset=offset + len(found)
        )
        found += batch.data
        if batch.next_cursor is None:
            break
    return found


def lists_at(
    conn: Conn, *, caller: Caller, offset: int, limit: int, name: str | None = None
) -> list[ListRead]:
    """Lists ``offset`` .. ``offset + limit`` of the workspace (whose name contains
    ``name``), oldest first, with their contact counts."""
    found: list[ListRead] = []
    while len(found) < limit:
        batch = list_service.page(
            conn,
            workspace_id=caller.workspace_id,
            cursor=None,
            limit=min(READ, limit - len(found)),
            name=name,
            offset=offset + len(found),
        )
        found += batch.data
        if batch.next_cursor is None:
            break
    return found


def every_list(conn: Conn, *, caller: Caller) -> list[ListRead]:
    """All the workspace's lists, oldest first (for a platform that sorts or filters them
    in ways the canonical listing does not)."""
    return lists_at(
        conn,
        caller=caller,
        offset=0,
        limit=list_service.count(conn, workspace_id=caller.workspace_id),
    )


def each_contact(conn: Conn, *, caller: Caller, query: ContactQuery) -> Iterator[Contact]:
    """Every contact ``query`` filters, oldest first, read a page at a time (for a
    platform that sorts or copies them all)."""
    step = msgspec.structs.replace(query, cursor=None, limit=READ)
    while True:
        batch = contact_service.page(conn, caller=caller, query=step)
        yield from batch.data
        if batch.next_cursor is None:
            return
        step = msgspec.structs.replace(step, cursor=batch.next_cursor)


# -- lists by alias -----------------------------------------------------------------------


def find_list(
    conn: Conn,
    *,
    caller: Caller,
    platform: str,
    refs: Iterable[str | None],
    alias_only: bool = False,
) -> ListRead | None:
    """The list the first of ``refs`` that names one names: an alias set on it for
    ``platform``, or (unless ``alias_only``) our id; None when none does."""
    for ref in dict.fromkeys(r for r in refs if r is not None):
        try:
            found = list_service.find(
                conn, workspace_id=caller.workspace_id, platform=platform, ref=ref
            )
        except NotFound:
            continue
        if not alias_only or (found.aliases or {}).get(platform) == ref:
            return found
    return None


# -- custom fields by label ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labelled:
    """The workspace's custom field definitions once every label a request used has one."""

    keys: dict[str, str]  # label -> definition key
    definitions: list[FieldRead]

    @property
    def labels(self) -> dict[str, str]:
        """Definition key -> the label this request used for it."""
        return {key: label for label, key in self.keys.items()}

    def values(self, by_label: Mapping[str, Any]) -> dict[str, Any]:
        """Custom field values by label, keyed as the canonical model keys them."""
        return {key_from_label(label): value for label, value in by_label.items()}


def define_labels(conn: Conn, *, caller: Caller, wanted: Mapping[str, FieldType]) -> Labelled:
    """Define a custom field for each label (label -> type) that has none yet: a platform
    that names custom fields by label creates them on first use."""
    definitions = field_service.define_labels(conn, workspace_id=caller.workspace_id, wanted=wanted)
    return Labelled({label: key_from_label(label) for label in wanted}, definitions)


# -- errors in the platform's words -------------------------------------------------------


def renamed(error: E, name: Callable[[str], str]) -> E:
    """The same failure (same class, so the same status) with every field path renamed by
    ``name`` (canonical path -> the platform's); other errors are returned as they are."""
    if isinstance(error, DuplicateContact):
        return type(error)(
            existing_id=error.existing_id,
            matching_field=name(error.matching_field),
            existing_name=error.existing_name,
        )
    if isinstance(error, InvalidInput):
        return type(error)(fields=[FieldError(name(f.name), f.detail) for f in error.fields])
    return error
