"""Salesfinity's use cases: canonical service calls composed in one transaction each.

Plain functions of a connection (run by ``Database.read/write``), like the canonical
services; no SQL. A request either does all it asks or, on any error, nothing at all.
Each returns canonical results (lists, contacts, definitions); the handler builds the wire
body after the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery
from dialbook.db import Conn
from dialbook.dialects import kit
from dialbook.dialects.salesfinity import translate
from dialbook.dialects.salesfinity.schemas import (
    ContactIn,
    CsvListsQuery,
    ListContactsQuery,
    ListCreateIn,
    ListsQuery,
    MergeIn,
)
from dialbook.dialects.salesfinity.translate import CustomValue, Incoming
from dialbook.errors import DuplicateContact, FieldError, InvalidInput, NotFound
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldRead
from dialbook.kit.validation import nul_errors
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.normalize.fields import FieldType
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller, KeyRead, WorkspaceRead

MAX_ERRORS = 100  # field errors reported for one request


@dataclass(frozen=True, slots=True)
class CreatedWith:
    """A list just created (with its count) and the warnings about its contacts."""

    lst: ListRead
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class Shown:
    """A contact and the workspace's custom field definitions (to show its values by), with
    the warnings about it when it was just added."""

    contact: Contact
    fields: list[FieldRead]
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class ListsShown:
    """A page of lists and how many there are in all."""

    lists: list[ListRead]
    total: int


@dataclass(frozen=True, slots=True)
class ListDetail:
    """A list, a page of its contacts, how many it has in all (or match the search), and the
    workspace's custom field definitions."""

    lst: ListRead
    contacts: list[Contact]
    total: int
    fields: list[FieldRead]


def create_list(conn: Conn, *, caller: Caller, body: ListCreateIn) -> CreatedWith:
    incoming = [
        translate.contact_in(c, prefix=f"contacts[{i}].") for i, c in enumerate(body.contacts)
    ]
    named = nul_errors({"name": body.name, "user_id": body.user_id})
    _check(named + [e for item in incoming for e in item.errors])
    lst = list_service.create_with(
        conn,
        caller=caller,
        name=body.name,
        dialect_settings=translate.list_settings(body.user_id),
        **translate.LIST_SETTINGS,
    )
    keys, defined = _define(
        conn, caller=caller, values=(v for item in incoming for v in item.custom)
    )
    errors: list[FieldError] = []
    for item in incoming:
        try:
            _insert(conn, caller=caller, incoming=item, lst=lst, keys=keys, fields=defined)
        except InvalidInput as error:
            errors += error.fields
    _check(errors)
    # The contacts a list is created with are its first import: they go to the queue now.
    contact_service.publish_list(conn, caller=caller, id=lst.id)
    warnings = [w for item in incoming for w in item.warnings]
    return CreatedWith(_counted(conn, caller=caller, lst=lst), warnings)


def add_contact(conn: Conn, *, caller: Caller, ref: str, body: ContactIn) -> Shown:
    lst = find_list(conn, caller=caller, ref=ref)
    incoming = translate.contact_in(body)
    _check(incoming.errors)
    keys, defined = _define(conn, caller=caller, values=incoming.custom)
    contact = _insert(
        conn,
        caller=caller,
        incoming=incoming,
        lst=lst,
        keys=keys,
        fields=defined,
    )
    return Shown(contact, defined, incoming.warnings)


def lists_page(conn: Conn, *, caller: Caller, query: ListsQuery) -> ListsShown:
    order = translate.parse_sort(query.sort, translate.LIST_SORTS, "-createdAt")
    lists = translate.sort_items(kit.every_list(conn, caller=caller), order)
    start, stop = translate.page_window(query.page, query.limit)
    return ListsShown(lists[start:stop], len(lists))


def csv_lists_page(conn: Conn, *, caller: Caller, query: CsvListsQuery) -> ListsShown:
    order = translate.parse_sort(query.sort, translate.LIST_SORTS, "-createdAt")
    lists = [
        lst
        for lst in kit.every_list(conn, caller=caller)
        if translate.matches_search(lst, query.search)
        and (query.user is None or translate.owner_of(lst) == query.user)
    ]
    lists = translate.sort_items(lists, order)
    start, stop = translate.page_window(query.page, query.limit)
    return ListsShown(lists[start:stop], len(lists))


def list_detail(conn: Conn, *, caller: Caller, ref: str, query: ListContactsQuery) -> ListDetail:
    lst = find_list(conn, caller=caller, ref=ref)
    order = translate.parse_sort(query.sort, translate.CONTACT_SORTS, "_id")
    search = (query.search or "").strip() or None
    _check(nul_errors({"search": search}))
    start, stop = translate.page_window(query.page, query.limit)
    if search is None and translate.is_insertion_order(order):
        total = _counted(conn, caller=caller, lst=lst).contact_count or 0
        shown = kit.contacts_at(
            conn,
            caller=caller,
            query=ContactQuery(list_id=lst.id),
            offset=start,
            limit=stop - start,
        )
    else:  # sorted or searched: Salesfinity's orders are not the canonical listing's
        query_all = ContactQuery(list_id=lst.id, q=search)
        rows = translate.sort_items(
            list(kit.each_contact(conn, caller=caller, query=query_all)), order
        )
        total = len(rows)
        shown = rows[start:stop]
    return ListDetail(lst, shown, total, _fields(conn, caller=caller))


def merge(conn: Conn, *, caller: Caller, ref: str, body: MergeIn) -> ListRead:
    target = find_list(conn, caller=caller, ref=ref)
    sources: dict[int, ListRead] = {}
    for source_ref in body.source_list_ids:
        source = find_list(conn, caller=caller, ref=source_ref)
        if source.id != target.id:  # the target among the sources is ignored
            sources.setdefault(source.id, source)
    defined = set(field_service.definitions(conn, workspace_id=caller.workspace_id))
    for source in sources.values():
        for contact in kit.each_contact(conn, caller=caller, query=ContactQuery(list_id=source.id)):
            given = translate.copy_given(contact, list_id=target.id, defined=defined)
            try:
                contact_service.create(conn, caller=caller, given=given)
            except DuplicateContact:
                continue  # the target's duplicate policy already holds this one
    if body.delete_sources:
        for source in sources.values():
            contact_service.delete_list(conn, caller=caller, id=source.id)
    return _counted(conn, caller=caller, lst=target)


def reimport(conn: Conn, *, caller: Caller, ref: str) -> ListRead:
    lst = find_list(conn, caller=caller, ref=ref)
    contact_service.publish_list(conn, caller=caller, id=lst.id)
    return _counted(conn, caller=caller, lst=lst)


def delete_list(conn: Conn, *, caller: Caller, ref: str) -> ListRead:
    """The list deleted, as it was (with its count) before."""
    lst = _counted(conn, caller=caller, lst=find_list(conn, caller=caller, ref=ref))
    contact_service.delete_list(conn, caller=caller, id=lst.id)
    return lst


def remove_contact(conn: Conn, *, caller: Caller, ref: str, contact_ref: str) -> Shown:
    lst = find_list(conn, caller=caller, ref=ref)
    contact_id = translate.from_wire_id(contact_ref)
    contact: Contact | None = None
    if contact_id is not None:
        try:
            contact = contact_service.get(conn, caller=caller, id=contact_id)
        except NotFound:
            contact = None
    if contact is None or contact.list_id != lst.id:
        raise NotFound(f"Contact {contact_ref} not found in contact list {ref}.")
    contact_service.delete(conn, caller=caller, id=contact.id)
    return Shown(contact, _fields(conn, caller=caller), [])


def custom_fields(conn: Conn, *, caller: Caller) -> tuple[WorkspaceRead, list[FieldRead]]:
    workspace = workspace_service.get_workspace(conn, caller=caller, id=caller.workspace_id)
    return workspace, _fields(conn, caller=caller)


def team(conn: Conn, *, caller: Caller) -> tuple[WorkspaceRead, list[KeyRead]]:
    """Admin keys see every key of the workspace; other keys see themselves."""
    workspace = workspace_service.get_workspace(conn, caller=caller, id=caller.workspace_id)
    keys = workspace_service.list_keys(conn, workspace_id=caller.workspace_id)
    if not caller.is_admin:
        keys = [k for k in keys if k.id == caller.key_id]
    return workspace, keys


# -- helpers ----------------------------------------------------------------------------


def find_list(conn: Conn, *, caller: Caller, ref: str) -> ListRead:
    """The list a Salesfinity id names: a Salesfinity alias set on a list, or our own id
    (as 24 hex digits)."""
    found = kit.find_list(
        conn, caller=caller, platform=translate.PLATFORM, refs=[ref], alias_only=True
    )
    if found is not None:
        return found
    list_id = translate.from_wire_id(ref)
    if list_id is not None:
        try:
            return list_service.get(
                conn, workspace_id=caller.workspace_id, id=list_id, with_count=False
            )
        except NotFound:
            pass
    raise NotFound(f"Contact list {ref} not found.")


def _counted(conn: Conn, *, caller: Caller, lst: ListRead) -> ListRead:
    return list_service.get(conn, workspace_id=caller.workspace_id, id=lst.id)


def _fields(conn: Conn, *, caller: Caller) -> list[FieldRead]:
    return field_service.list_all(conn, workspace_id=caller.workspace_id)


def _define(
    conn: Conn, *, caller: Caller, values: Iterable[CustomValue]
) -> tuple[dict[str, str], list[FieldRead]]:
    """label -> definition key, defining each new label on first use (its first type); and
    every definition of the workspace, to answer with."""
    wanted: dict[str, FieldType] = {}
    for value in values:
        wanted.setdefault(value.label, value.type)
    labelled = kit.define_labels(conn, caller=caller, wanted=wanted)
    return labelled.keys, labelled.definitions


def _insert(
    conn: Conn,
    *,
    caller: Caller,
    incoming: Incoming,
    lst: ListRead,
    keys: dict[str, str],
    fields: list[FieldRead],
) -> Contact:
    given, positions = translate.given_for(incoming, list_id=lst.id, keys=keys)
    try:
        return contact_service.create(conn, caller=caller, given=given, lst=lst, fields=fields)
    except InvalidInput as error:
        name = partial(translate.wire_path, prefix=incoming.prefix, custom_positions=positions)
        raise kit.renamed(error, name) from None


def _check(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInput(fields=errors[:MAX_ERRORS])
