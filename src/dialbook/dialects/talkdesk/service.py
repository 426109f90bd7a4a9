"""Talkdesk's use cases: canonical service calls composed in one transaction each.

Plain functions of a connection (run by ``Database.read/write``), like the canonical
services; no SQL. They return canonical results (``translate.Results``): the handler
builds the wire body, with its links, after the transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Any

import msgspec

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery
from dialbook.db import Conn
from dialbook.dialects import kit
from dialbook.dialects.talkdesk import errors, translate
from dialbook.dialects.talkdesk.schemas import (
    BulkCreate,
    DeleteItem,
    DoNotCallListCreate,
    EntryDeleteItem,
    EntryIn,
    EntryQuery,
    PageQuery,
    PatchOp,
    RecordIn,
    RecordListCreate,
    RecordListQuery,
    RecordListUpdate,
)
from dialbook.dialects.talkdesk.translate import (
    BulkDeleteResult,
    BulkResult,
    EntriesCreatedResult,
    EntriesDeleteResult,
    EntryUpdateResult,
    Slice,
)
from dialbook.errors import (
    Conflict,
    DialbookError,
    DuplicateContact,
    FieldError,
    InvalidInput,
    NotFound,
)
from dialbook.fields.schemas import FieldRead
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import DuplicateKey, DuplicatePolicy, ListCreate, ListRead, ListUpdate
from dialbook.normalize.fields import FieldType
from dialbook.normalize.phones import PhoneError, parse_phone
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import Suppression, SuppressionListRead, SuppressionQuery
from dialbook.workspaces.schemas import Caller

_E164 = re.compile(r"^\+\d{8,15}$")


# -- record lists -------------------------------------------------------------------------


def _list(conn: Conn, *, caller: Caller, ref: str, count: bool = False) -> ListRead:
    """A record list by our id or its Talkdesk alias."""
    found = None
    if not translate.list_ref_is_absurd(ref):
        found = kit.find_list(conn, caller=caller, platform=translate.PLATFORM, refs=[ref])
    if found is None:
        raise NotFound(f"No record list with id {ref}.")
    if count:
        found = list_service.get(conn, workspace_id=caller.workspace_id, id=found.id)
    return found


def create_list(conn: Conn, *, caller: Caller, body: RecordListCreate) -> ListRead:
    policy = DuplicatePolicy(key=translate.duplicate_key(body.unique_identifier_type))
    data = ListCreate(name=body.name, duplicate_policy=policy)
    # Talkdesk documents no conflict on a record list's name: repeated names stay allowed.
    return list_service.create(conn, caller=caller, data=data, same_name_ok=True)


def get_list(conn: Conn, *, caller: Caller, ref: str) -> ListRead:
    return _list(conn, caller=caller, ref=ref, count=True)


def update_list(conn: Conn, *, caller: Caller, ref: str, body: RecordListUpdate) -> ListRead:
    lst = _list(conn, caller=caller, ref=ref)
    data = ListUpdate(name=body.name)
    if not isinstance(body.unique_identifier_type, msgspec.UnsetType):
        data.duplicate_policy = DuplicatePolicy(
            key=translate.duplicate_key(body.unique_identifier_type)
        )
    list_service.update(conn, caller=caller, id=lst.id, data=data)
    return list_service.get(conn, workspace_id=caller.workspace_id, id=lst.id)


def list_page(conn: Conn, *, caller: Caller, query: RecordListQuery) -> Slice[ListRead]:
    if query.status is not None and query.status.upper() != translate.LIST_STATUS:
        return Slice([], 0)
    total = list_service.count(conn, workspace_id=caller.workspace_id, name=query.name)
    offset, limit = kit.window(query.page, query.per_page)
    if offset >= total:
        return Slice([], total)
    lists = kit.lists_at(conn, caller=caller, offset=offset, limit=limit, name=query.name)
    return Slice(lists, total)


# -- records ------------------------------------------------------------------------------


def _record(conn: Conn, *, caller: Caller, lst: ListRead, ref: str) -> Contact:
    """A record of ``lst``; records of other lists are as unknown as missing ones."""
    contact_id = translate.parse_id(ref)
    if contact_id is not None:
        try:
            contact = contact_service.get(conn, caller=caller, id=contact_id)
        except NotFound:
            pass
        else:
            if contact.list_id == lst.id:
                return contact
    raise NotFound(f"No record with id {ref} in record list {lst.id}.")


def record_page(
    conn: Conn, *, caller: Caller, ref: str, query: PageQuery
) -> tuple[ListRead, Slice[Contact]]:
    lst = _list(conn, caller=caller, ref=ref, count=True)
    offset, limit = kit.window(query.page, query.per_page)
    total = lst.contact_count or 0
    contacts = (
        kit.contacts_at(
            conn, caller=caller, query=ContactQuery(list_id=lst.id), offset=offset, limit=limit
        )
        if offset < total
        else []
    )
    return lst, Slice(contacts, total)


def _define_fields(
    conn: Conn, *, caller: Caller, inbound: translate.Inbound
) -> list[FieldRead] | None:
    """Workspace custom fields for the extra_data keys that are not contact fields; the
    workspace's definitions when there are any."""
    wanted: dict[str, FieldType] = {label: "string" for label in inbound.custom_labels().values()}
    if not wanted:
        return None
    return kit.define_labels(conn, caller=caller, wanted=wanted).definitions


def _insert(conn: Conn, *, caller: Caller, lst: ListRead, record: RecordIn) -> Contact:
    inbound = translate.record_to_given(
        record, external_required=lst.duplicate_policy.key == "external_id"
    )
    data = translate.to_create(inbound, list_id=lst.id)
    fields = _define_fields(conn, caller=caller, inbound=inbound)
    try:
        return contact_service.create(conn, caller=caller, data=data, lst=lst, fields=fields)
    except (InvalidInput, DuplicateContact) as error:
        raise kit.renamed(error, partial(translate.wire_field, names=inbound.names)) from None


def create_record(conn: Conn, *, caller: Caller, ref: str, record: RecordIn) -> Contact:
    lst = _list(conn, caller=caller, ref=ref)
    return _insert(conn, caller=caller, lst=lst, record=record)


def get_record(conn: Conn, *, caller: Caller, ref: str, record_ref: str) -> Contact:
    lst = _list(conn, caller=caller, ref=ref)
    return _record(conn, caller=caller, lst=lst, ref=record_ref)


def _change(
    conn: Conn,
    *,
    caller: Caller,
    lst: ListRead,
    contact: Contact,
    before: dict[str, object],
    after: dict[str, object],
) -> Contact:
    """Write what differs between two wire forms of ``contact`` through the canonical update."""
    inbound = translate.record_changes(
        before, after, contact, external_required=lst.duplicate_policy.key == "external_id"
    )
    data = translate.to_update(inbound)
    _define_fields(conn, caller=caller, inbound=inbound)
    try:
        return contact_service.update(conn, caller=caller, id=contact.id, data=data)
    except (InvalidInput, DuplicateContact) as error:
        raise kit.renamed(error, partial(translate.wire_field, names=inbound.names)) from None


def patch_record(
    conn: Conn, *, caller: Caller, ref: str, record_ref: str, ops: list[PatchOp]
) -> Contact:
    lst = _list(conn, caller=caller, ref=ref)
    contact = _record(conn, caller=caller, lst=lst, ref=record_ref)
    before = translate.record_doc(contact)
    after = translate.apply_patch(before, ops)  # a bad patch document: 400
    try:
        return _change(conn, caller=caller, lst=lst, contact=contact, before=before, after=after)
    except InvalidInput as error:  # a patch that leaves an invalid record: 422
        raise errors.unprocessable(error) from None


def delete_record(conn: Conn, *, caller: Caller, ref: str, record_ref: str) -> None:
    lst = _list(conn, caller=caller, ref=ref)
    contact = _record(conn, caller=caller, lst=lst, ref=record_ref)
    contact_service.delete(conn, caller=caller, id=contact.id)


def create_records(conn: Conn, *, caller: Caller, ref: str, body: BulkCreate) -> BulkResult:
    """Each record created or reported alone (a failed one leaves nothing behind)."""
    lst = _list(conn, caller=caller, ref=ref)
    result = BulkResult(lst)
    for index, item in enumerate(body.records):
        try:
            record = translate.decode_record(item)
            with conn.begin_nested():
                contact = _insert(conn, caller=caller, lst=lst, record=record)
        except DialbookError as error:
            result.failed.append((index, None, error))
        else:
            result.records.append(contact)
    return result


def update_records(conn: Conn, *, caller: Caller, ref: str, ops: list[PatchOp]) -> BulkResult:
    lst = _list(conn, caller=caller, ref=ref)
    groups = translate.group_bulk_ops(ops)  # a malformed path fails the request: 400
    result = BulkResult(lst)
    for group in groups:
        try:
            with conn.begin_nested():
                contact = _record(conn, caller=caller, lst=lst, ref=group.record_ref)
                before = translate.record_doc(contact)
                after = translate.apply_record_ops(before, group)
                changed = _change(
                    conn, caller=caller, lst=lst, contact=contact, before=before, after=after
                )
        except DialbookError as error:
            result.failed.append((group.ops[0][0], group.record_ref, error))
        else:
            result.records.append(changed)
    return result


def delete_records(
    conn: Conn, *, caller: Caller, ref: str, items: list[DeleteItem]
) -> BulkDeleteResult:
    lst = _list(conn, caller=caller, ref=ref)
    translate.check_delete_items(items)  # a malformed item fails the request: 400
    result = BulkDeleteResult(lst)
    for item in items:
        try:
            count = _delete_matching(conn, caller=caller, lst=lst, item=item)
        except DialbookError as error:
            result.failed.append((item, error))
            continue
        if count == 0:
            result.failed.append((item, None))
        result.deleted += count
    return result


def _delete_matching(conn: Conn, *, caller: Caller, lst: ListRead, item: DeleteItem) -> int:
    """Delete the records ``item`` names; how many there were."""
    if item.id is not None:
        try:
            contact = _record(conn, caller=caller, lst=lst, ref=str(item.id))
        except NotFound:
            return 0
        contact_service.delete(conn, caller=caller, id=contact.id)
        return 1
    if item.phone_number is not None:
        try:
            e164 = parse_phone(
                item.phone_number, [lst.default_region, caller.default_region]
            ).number
        except PhoneError as error:
            # A number written in E.164 whose length is impossible is refused on the way in,
            # but it names no record (or one stored before it was refused): look it up.
            e164 = re.sub(r"[\s().-]", "", item.phone_number)
            if not _E164.match(e164):
                raise InvalidInput(fields=[FieldError("phone_number", str(error))]) from None
        columns: dict[str, object] = {"phones": [{"number": e164}]}
        key: DuplicateKey = "phone"
    else:
        columns = {"external_refs": [{"provider": item.external_provider, "id": item.external_id}]}
        key = "external_id"
    # Look in this list only, whatever the list's duplicate policy says.
    scoped = msgspec.structs.replace(lst, duplicate_policy=DuplicatePolicy(key=key, scope="list"))
    count = 0
    while True:
        match = contact_service.find_match(
            conn, workspace_id=caller.workspace_id, lst=scoped, columns=columns, keys=[key]
        )
        if match is None:
            return count
        contact_service.delete(conn, caller=caller, id=match.id)
        count += 1


# -- do-not-call lists --------------------------------------------------------------------


def _dncl(conn: Conn, *, caller: Caller, ref: str, count: bool = False) -> SuppressionListRead:
    """A do-not-call list (a suppression list of the caller's workspace) by our id."""
    list_id = translate.parse_id(ref)
    try:
        if list_id is None:
            raise NotFound()
        return suppression_service.get_list(
            conn, workspace_id=caller.workspace_id, id=list_id, with_count=count
        )
    except NotFound:
        raise NotFound(f"No do-not-call list with id {ref}.") from None


def _entry(conn: Conn, *, caller: Caller, dncl: SuppressionListRead, ref: str) -> Suppression:
    """An entry of ``dncl``; entries of other lists are as unknown as missing ones."""
    entry_id = translate.parse_id(ref)
    if entry_id is not None:
        try:
            entry = suppression_service.get(conn, caller=caller, id=entry_id)
        except NotFound:
            pass
        else:
            if entry.suppression_list_id == dncl.id:
                return entry
    raise NotFound(f"No entry with id {ref} in do-not-call list {dncl.id}.")


def _entry_for_number(
    conn: Conn, *, caller: Caller, list_id: int, number: str, in_force: bool
) -> Suppression | None:
    """The list's entry for an E.164 number (only if in force now, with ``in_force``)."""
    query = SuppressionQuery(
        suppression_list_id=list_id, number=number, include_expired=not in_force, limit=1
    )
    found = suppression_service.page(conn, caller=caller, query=query).data
    return found[0] if found else None


def dncl_page(conn: Conn, *, caller: Caller, query: PageQuery) -> Slice[SuppressionListRead]:
    """A write: the workspace's default suppression list is created on first use."""
    lists = suppression_service.list_lists(conn, workspace_id=caller.workspace_id)
    offset, limit = kit.window(query.page, query.per_page)
    return Slice(lists[offset : offset + limit], len(lists))


def create_dncl(conn: Conn, *, caller: Caller, body: DoNotCallListCreate) -> SuppressionListRead:
    name = body.name.strip()
    if not name:
        raise InvalidInput(fields=[FieldError("name", "must not be blank")])
    return suppression_service.create_list(conn, workspace_id=caller.workspace_id, name=name)


def get_dncl(conn: Conn, *, caller: Caller, ref: str) -> SuppressionListRead:
    return _dncl(conn, caller=caller, ref=ref, count=True)


def delete_dncl(conn: Conn, *, caller: Caller, ref: str) -> None:
    dncl = _dncl(conn, caller=caller, ref=ref)
    try:
        suppression_service.delete_list(conn, workspace_id=caller.workspace_id, id=dncl.id)
    except Conflict:
        raise errors.DefaultDoNotCallList(
            f"Do-not-call list {dncl.id} is the workspace's default list and cannot be "
            "deleted; delete its entries instead.",
        ) from None


def entry_page(
    conn: Conn, *, caller: Caller, ref: str, query: PageQuery
) -> tuple[SuppressionListRead, Slice[Suppression]]:
    """The list's entries (expired ones too), oldest first."""
    dncl = _dncl(conn, caller=caller, ref=ref, count=True)
    offset, limit = kit.window(query.page, query.per_page)
    total = dncl.entry_count or 0
    entries = (
        kit.entries_at(
            conn,
            caller=caller,
            query=SuppressionQuery(suppression_list_id=dncl.id, include_expired=True),
            offset=offset,
            limit=limit,
        )
        if offset < total
        else []
    )
    return dncl, Slice(entries, total)


def create_entries(
    conn: Conn, *, caller: Caller, ref: str, body: EntryIn | list[Any]
) -> EntriesCreatedResult:
    """All the entries or none: every bad one is named (``[i].phone_number``)."""
    dncl = _dncl(conn, caller=caller, ref=ref)
    items, problems = translate.entries_in(body)
    today = clock.now().date()
    checked = []
    for prefix, item in items:
        try:
            number = suppression_service.normalize_number(
                item.phone_number, caller, field=f"{prefix}phone_number"
            )
        except InvalidInput as error:
            problems += error.fields
            continue
        expiry = item.expiration_date
        problem = None if expiry is None else translate.expiration_problem(expiry, today)
        if problem is not None:
            problems.append(FieldError(f"{prefix}expiration_date", problem))
            continue
        checked.append(translate.to_suppression(item, number=number, list_id=dncl.id))
    if problems:
        raise InvalidInput(fields=problems)
    result = EntriesCreatedResult(dncl)
    stored: dict[int, Suppression] = {}
    for data in checked:
        known = _entry_for_number(
            conn, caller=caller, list_id=dncl.id, number=data.number, in_force=False
        )
        entry = suppression_service.add(conn, caller=caller, data=data, source="dialect")
        stored[entry.id] = entry
        if known is None:
            result.created += 1
        else:
            result.updated += 1
    result.entries = list(stored.values())
    return result


def get_entry(conn: Conn, *, caller: Caller, ref: str, entry_ref: str) -> Suppression:
    dncl = _dncl(conn, caller=caller, ref=ref)
    return _entry(conn, caller=caller, dncl=dncl, ref=entry_ref)


def patch_entry(
    conn: Conn, *, caller: Caller, ref: str, entry_ref: str, ops: list[PatchOp]
) -> Suppression:
    dncl = _dncl(conn, caller=caller, ref=ref)
    entry = _entry(conn, caller=caller, dncl=dncl, ref=entry_ref)
    changes = translate.entry_changes(list(enumerate(ops)))  # a bad patch document: 400
    try:
        data = translate.entry_update(changes, today=clock.now().date())
    except InvalidInput as error:  # a patch that leaves an invalid entry: 422
        raise errors.unprocessable_entry(error) from None
    return suppression_service.update(conn, caller=caller, id=entry.id, data=data)


def update_entries(
    conn: Conn, *, caller: Caller, ref: str, ops: list[PatchOp]
) -> tuple[SuppressionListRead, list[EntryUpdateResult]]:
    dncl = _dncl(conn, caller=caller, ref=ref)
    groups = translate.group_entry_ops(ops)  # a malformed path fails the request: 400
    today = clock.now().date()
    return dncl, [
        _update_one(conn, caller=caller, dncl=dncl, group=group, today=today) for group in groups
    ]


def _update_one(
    conn: Conn,
    *,
    caller: Caller,
    dncl: SuppressionListRead,
    group: translate.EntryOps,
    today: dt.date,
) -> EntryUpdateResult:
    """One entry of a multiple-entry update: changed, or left alone with its errors."""
    try:
        entry = _entry(conn, caller=caller, dncl=dncl, ref=group.entry_ref)
    except NotFound:
        return EntryUpdateResult(group.entry_ref, None)
    refused = next((op for _, op in group.ops if not translate.entry_op_allowed(op)), None)
    if refused is not None:
        return EntryUpdateResult(group.entry_ref, entry, refused=refused)
    try:
        data = translate.entry_update(translate.entry_changes(group.ops), today=today)
    except InvalidInput as error:
        return EntryUpdateResult(group.entry_ref, entry, error=error)
    changed = suppression_service.update(conn, caller=caller, id=entry.id, data=data)
    return EntryUpdateResult(group.entry_ref, changed)


def delete_entry(conn: Conn, *, caller: Caller, ref: str, entry_ref: str) -> None:
    dncl = _dncl(conn, caller=caller, ref=ref)
    entry = _entry(conn, caller=caller, dncl=dncl, ref=entry_ref)
    suppression_service.remove(conn, caller=caller, id=entry.id)


def delete_entries(
    conn: Conn, *, caller: Caller, ref: str, items: list[EntryDeleteItem]
) -> EntriesDeleteResult:
    dncl = _dncl(conn, caller=caller, ref=ref)
    translate.check_entry_delete_items(items)  # a malformed item fails the request: 400
    result = EntriesDeleteResult(dncl)
    ids: list[int] = []
    for item in items:
        if item.id is not None:
            try:
                ids.append(_entry(conn, caller=caller, dncl=dncl, ref=str(item.id)).id)
            except NotFound:
                result.failed.append((item, None))
            continue
        assert item.phone_number is not None
        try:
            number = suppression_service.normalize_number(item.phone_number, caller)
        except InvalidInput as error:
            result.failed.append((item, error))
            continue
        found = _entry_for_number(
            conn, caller=caller, list_id=dncl.id, number=number, in_force=False
        )
        if found is None:
            result.failed.append((item, None))
        else:
            ids.append(found.id)
    result.deleted = suppression_service.delete(conn, caller=caller, ids=list(dict.fromkeys(ids)))
    return result


def query_entries(
    conn: Conn, *, caller: Caller, ref: str, body: EntryQuery, query: PageQuery
) -> tuple[SuppressionListRead, Slice[Suppression]]:
    """The list's entries in force now for the numbers asked (each number once, in the order
    asked). A ``timezone`` is checked but does not narrow the answer: see the docs."""
    dncl = _dncl(conn, caller=caller, ref=ref)
    problems = translate.check_timezones(body.phone_numbers)
    numbers: list[str] = []
    for index, item in enumerate(body.phone_numbers):
        try:
            numbers.append(
                suppression_service.normalize_number(
                    item.phone_number, caller, field=f"phone_numbers[{index}].phone_number"
                )
            )
        except InvalidInput as error:
            problems += error.fields
    if problems:
        raise InvalidInput(fields=problems)
    found = [
        entry
        for number in dict.fromkeys(numbers)
        if (
            entry := _entry_for_number(
                conn, caller=caller, list_id=dncl.id, number=number, in_force=True
            )
        )
        is not None
    ]
    offset, limit = kit.window(query.page, query.per_page)
    return dncl, Slice(found[offset : offset + limit], len(found))
