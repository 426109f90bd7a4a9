"""HighLevel's use cases: canonical service calls composed in one transaction each.

Plain functions of a connection (run by ``Database.read/write``), like the canonical
services; no SQL. Each checks the location first, then does the operation, so nothing is
half-written; each returns canonical results with the location's view (``LocationView``),
from which the handler builds the wire body after the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery, UpsertResult
from dialbook.db import Conn
from dialbook.dialects.highlevel import schemas as wire
from dialbook.dialects.highlevel import translate
from dialbook.dialects.highlevel.errors import NO_LOCATION_ACCESS
from dialbook.dialects.highlevel.translate import LocationView
from dialbook.errors import DuplicateContact, Forbidden
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldCreate, FieldRead
from dialbook.kit import cursors
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller

# Upsert and create look for an existing contact by email first, then by phone.
MATCH_ORDER = ("email", "phone")


def _location(
    conn: Conn, *, caller: Caller, location_id: str | None, fields: bool = False
) -> tuple[LocationView, ListRead]:
    """The caller's location (403 when ``location_id`` names another) and its list; with
    ``fields``, its custom field definitions too."""
    workspace = workspace_service.get_workspace(conn, caller=caller, id=caller.workspace_id)
    if location_id is not None and not workspace.known_as(translate.PLATFORM, location_id):
        raise Forbidden(NO_LOCATION_ACCESS)
    default = list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=None)
    definitions = field_service.list_all(conn, workspace_id=caller.workspace_id) if fields else None
    return translate.location_view(workspace, default, definitions), default


def _described(
    conn: Conn, *, caller: Caller, loc: LocationView, contacts: Iterable[Contact | None]
) -> LocationView:
    """``loc`` with the custom field definitions when a contact to answer with has values."""
    if loc.fields_loaded or not any(c is not None and c.custom_fields for c in contacts):
        return loc
    definitions = field_service.list_all(conn, workspace_id=caller.workspace_id)
    return translate.with_fields(loc, definitions)


def _wants_fields(data: wire.ContactFieldsIn) -> bool:
    return bool(data.customFields)


def create(
    conn: Conn, *, caller: Caller, data: wire.ContactCreateIn
) -> tuple[Contact, LocationView]:
    loc, default = _location(
        conn, caller=caller, location_id=data.locationId, fields=_wants_fields(data)
    )
    contact = contact_service.create(
        conn,
        caller=caller,
        given=translate.create_given(data, loc),
        match_on=[] if loc.allows_duplicates else list(MATCH_ORDER),
        lst=default,
    )
    return contact, _described(conn, caller=caller, loc=loc, contacts=[contact])


def upsert(
    conn: Conn, *, caller: Caller, data: wire.ContactUpsertIn
) -> tuple[UpsertResult, LocationView]:
    loc, default = _location(
        conn, caller=caller, location_id=data.locationId, fields=_wants_fields(data)
    )
    given = translate.update_given(data, loc)
    if data.createNewIfDuplicateAllowed and loc.allows_duplicates:
        contact = contact_service.create(conn, caller=caller, given=given, match_on=[], lst=default)
        loc = _described(conn, caller=caller, loc=loc, contacts=[contact])
        return UpsertResult(created=True, contact=contact), loc
    result, given = _upsert_matching_first(conn, caller=caller, given=given)
    if not result.created and "phones" in given:
        phones = translate.primary_phones(given["phones"], result.contact.phones)
        if phones is not None:
            contact = contact_service.update(
                conn, caller=caller, id=result.contact.id, given={"phones": phones}
            )
            result = UpsertResult(created=False, contact=contact, matched_on=result.matched_on)
    return result, _described(conn, caller=caller, loc=loc, contacts=[result.contact])


def _upsert_matching_first(
    conn: Conn, *, caller: Caller, given: dict[str, Any]
) -> tuple[UpsertResult, dict[str, Any]]:
    """HighLevel updates the contact matching the first field of its sequence and ignores
    a second field that belongs to another contact; so a value that would make the
    matched contact a duplicate of another is dropped and the upsert tried again (nothing
    is written before the duplicate check fails). Returns the fields that were applied."""
    fields = {"phone": "phones", "email": "email"}
    while True:
        try:
            result = contact_service.upsert(
                conn, caller=caller, given=given, match_on=list(MATCH_ORDER)
            )
            return result, given
        except DuplicateContact as duplicate:
            field = fields.get(duplicate.matching_field)
            if field is None or field not in given:
                raise
            given = {k: v for k, v in given.items() if k != field}


def get(conn: Conn, *, caller: Caller, id: int) -> tuple[Contact, LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=None)
    contact = contact_service.get(conn, caller=caller, id=id)
    return contact, _described(conn, caller=caller, loc=loc, contacts=[contact])


def update(
    conn: Conn, *, caller: Caller, id: int, data: wire.ContactUpdateIn
) -> tuple[Contact, LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=None, fields=_wants_fields(data))
    existing = contact_service.get(conn, caller=caller, id=id)
    given = translate.update_given(data, loc)
    if "phones" in given:
        phones = translate.primary_phones(given.pop("phones"), existing.phones)
        if phones is not None:
            given["phones"] = phones
    contact = contact_service.update(conn, caller=caller, id=id, given=given)
    return contact, _described(conn, caller=caller, loc=loc, contacts=[contact])


def page(
    conn: Conn, *, caller: Caller, query: wire.ContactListQuery
) -> tuple[list[Contact], bool, int, LocationView]:
    loc, default = _location(conn, caller=caller, location_id=query.locationId)
    after = translate.start_after_id(query.startAfterId)
    text = query.query.strip() if query.query and query.query.strip() else None
    page = contact_service.page(
        conn,
        caller=caller,
        query=ContactQuery(
            list_id=default.id,
            q=text,
            cursor=None if after is None else cursors.encode(after),
            limit=query.limit,
        ),
    )
    total = _total(conn, caller, default, text)
    loc = _described(conn, caller=caller, loc=loc, contacts=page.data)
    return page.data, page.next_cursor is not None, total, loc


def _total(conn: Conn, caller: Caller, default: ListRead, text: str | None) -> int:
    """How many contacts the listing has in all (``meta.total``; clients page until they
    have that many)."""
    return contact_service.count(
        conn, caller=caller, query=ContactQuery(list_id=default.id, q=text)
    )


def duplicate(
    conn: Conn, *, caller: Caller, query: wire.DuplicateQuery
) -> tuple[Contact | None, LocationView]:
    """The contact an upsert with this email / number would update (email first)."""
    loc, default = _location(conn, caller=caller, location_id=query.locationId)
    list_id = default.id if default.duplicate_policy.scope == "list" else None
    email, number = (query.email or "").strip(), (query.number or "").strip()
    searches = [ContactQuery(list_id=list_id, email=email, limit=1)] if email else []
    searches += [ContactQuery(list_id=list_id, phone=number, limit=1)] if number else []
    for search in searches:
        page = contact_service.page(conn, caller=caller, query=search)
        if page.data:
            return page.data[0], _described(conn, caller=caller, loc=loc, contacts=page.data)
    return None, loc


def fields(conn: Conn, *, caller: Caller, location_id: str) -> tuple[list[FieldRead], LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=location_id)
    return field_service.list_all(conn, workspace_id=caller.workspace_id), loc


def create_field(
    conn: Conn, *, caller: Caller, location_id: str, data: FieldCreate
) -> tuple[FieldRead, LocationView]:
    loc, _ = _location(conn, caller=caller, location_id=location_id)
    return field_service.create(conn, workspace_id=caller.workspace_id, data=data), loc


def location_tags(
    conn: Conn, *, caller: Caller, location_id: str
) -> tuple[list[str], LocationView]:
    loc, default = _location(conn, caller=caller, location_id=location_id)
    in_use = contact_service.tags_in_use(conn, caller=caller)
    return [*translate.registered_tags(default.dialect_settings), *in_use], loc


def create_tag(conn: Conn, *, caller: Caller, location_id: str, name: str) -> LocationView:
    loc, default = _location(conn, caller=caller, location_id=location_id)
    settings = translate.with_registered_tag(default.dialect_settings, name)
    if settings is not None:
        list_service.set_dialect_settings(conn, caller=caller, id=default.id, settings=settings)
    return loc


def delete(conn: Conn, *, caller: Caller, id: int) -> None:
    contact_service.delete(conn, caller=caller, id=id)


def change_tags(
    conn: Conn, *, caller: Caller, id: int, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> list[str]:
    """The contact's tags after adding ``add`` and removing ``remove``."""
    contact = contact_service.change_tags(conn, caller=caller, id=id, add=add, remove=remove)
    return contact.tags
