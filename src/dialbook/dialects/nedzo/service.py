"""Nedzo's operations: canonical service calls composed in one transaction each.

Plain functions of a connection (run by ``Database.read/write``), like the canonical
services; no SQL. Each returns canonical results with what translation needs (the list,
the custom field definitions or labels); the handler builds the wire body after the
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from msgspec import UnsetType

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery, Phone
from dialbook.db import Conn
from dialbook.dialects import kit
from dialbook.dialects.nedzo import schemas as wire
from dialbook.dialects.nedzo import translate
from dialbook.dialects.nedzo.errors import BadRequest, current_name, legacy_name
from dialbook.errors import FieldError, InvalidInput, NotFound, invalid
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldRead
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead, ListUpdate
from dialbook.normalize.fields import FieldType, key_from_label
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller, WorkspaceRead

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LegacySaved:
    """A contact the seed's API wrote, its list, and the workspace's custom field
    definitions (read only when the contact has custom fields)."""

    contact: Contact
    lst: ListRead
    fields: list[FieldRead]


@dataclass(frozen=True, slots=True)
class ListChanged:
    """A list the seed's API changed, the contacts moved into it, and the workspace's custom
    field definitions (read only when a moved contact has custom fields)."""

    lst: ListRead
    moved: list[Contact]
    fields: list[FieldRead]


@dataclass(frozen=True, slots=True)
class Labelled:
    """A contact of the current API and the labels of its custom fields (key -> display
    name; read only when needed)."""

    contact: Contact
    labels: dict[str, str]


@dataclass(frozen=True, slots=True)
class Upserted:
    created: bool
    contact: Contact
    labels: dict[str, str]


# -- shared -------------------------------------------------------------------------------


def _check_workspace(conn: Conn, *, caller: Caller, ref: str | None | UnsetType) -> None:
    """A ``workspaceId`` must name the key's own workspace (its UUID or its Nedzo alias):
    every dialbook key belongs to one workspace, so it is checked, never used to switch."""
    if not isinstance(ref, str) or not ref.strip():
        return
    workspace = workspace_service.get_workspace(conn, caller=caller, id=caller.workspace_id)
    if translate.from_uuid(ref) == workspace.id or workspace.known_as("nedzo", ref.strip()):
        return
    raise NotFound("Workspace not found")


def _get(conn: Conn, *, caller: Caller, ref: str) -> Contact:
    id = translate.from_uuid(ref)
    if id is None:
        raise NotFound("Contact not found")
    try:
        return contact_service.get(conn, caller=caller, id=id)
    except NotFound:
        raise NotFound("Contact not found") from None


def _find_list(conn: Conn, *, caller: Caller, ref: str | int) -> ListRead:
    """The list a Nedzo id names: its Nedzo alias, the UUID of its id, or its id."""
    own = translate.from_uuid(ref)
    refs = [str(ref).strip(), translate.parse_uuid(ref), None if own is None else str(own)]
    found = kit.find_list(conn, caller=caller, platform=translate.PLATFORM, refs=refs)
    if found is None:
        raise NotFound("Contact list not found")
    return found


def _list_for(conn: Conn, *, caller: Caller, ref: str | int | None) -> ListRead:
    """The list a contact goes to: the one ``contact_list_id`` names, else the default."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=None)
    try:
        return _find_list(conn, caller=caller, ref=ref)
    except NotFound:
        raise invalid("contact_list_id", "is not a contact list of this workspace") from None


def _first_phone_replaced(existing: Contact, phones: list[str]) -> list[str | Phone]:
    """Nedzo has one phone: a new one replaces the contact's first, others stay."""
    return [*phones, *existing.phones[1:]]


def _renaming(
    call: Callable[..., T],
    name: Callable[[str], str],
    problems: list[FieldError] | None = None,
    **kwargs: Any,
) -> T:
    """Run a canonical service call, renaming the fields of its InvalidInput and reporting
    ``problems`` (found before the call) with them; the transaction rolls back on either."""
    try:
        result = call(**kwargs)
    except InvalidInput as error:
        named = kit.renamed(error, name)
        raise type(named)(fields=[*named.fields, *(problems or [])]) from None
    if problems:
        raise InvalidInput(fields=problems)
    return result


# -- legacy: /v1/contact/, /v1/contact-list/ ----------------------------------------------


def _legacy_fields(
    conn: Conn, *, caller: Caller, items: list[wire.CustomFieldValue]
) -> tuple[dict[str, Any], dict[str, int], list[FieldRead]]:
    """``custom_fields`` as canonical values, each key's position in the request, and every
    definition of the workspace (read once, for the create and the answer).

    A ``custom_field_id`` that is the UUID of one of our definitions names it; any other
    UUID names the definition created for it on first use (labelled with the UUID).
    """
    errors: list[tuple[int, FieldError]] = []
    named: list[tuple[int, Any, int | None, str]] = []  # (position, value, our id, label)
    new_labels: dict[str, FieldType] = {}
    for index, item in enumerate(items):
        spelled = translate.parse_uuid(item.custom_field_id)
        if spelled is None:
            errors.append((index, FieldError(_field_id_name(index), "is not a UUID")))
            continue
        own = translate.from_uuid(item.custom_field_id)
        if own is None:
            new_labels[spelled] = "string"
        named.append((index, item.value, own, spelled))
    defined = kit.define_labels(conn, caller=caller, wanted=new_labels).definitions
    keys_by_id = {f.id: f.key for f in defined}
    values: dict[str, Any] = {}
    positions: dict[str, int] = {}
    for index, value, own, label in named:
        key = key_from_label(label) if own is None else keys_by_id.get(own)
        if key is None:
            problem = "is not a custom field of this workspace"
            errors.append((index, FieldError(_field_id_name(index), problem)))
            continue
        values[key] = value
        positions[key] = index
    if errors:
        raise InvalidInput(fields=[error for _, error in sorted(errors, key=lambda e: e[0])])
    return values, positions, defined


def _field_id_name(index: int) -> str:
    return f"custom_fields[{index}].custom_field_id"


def _fields_for(conn: Conn, *, caller: Caller, contacts: list[Contact]) -> list[FieldRead]:
    """The workspace's definitions when one of ``contacts`` has custom fields to show."""
    if not any(c.custom_fields for c in contacts):
        return []
    return field_service.list_all(conn, workspace_id=caller.workspace_id)


def create_legacy(conn: Conn, *, caller: Caller, body: wire.LegacyContactIn) -> LegacySaved:
    given, problems = translate.legacy_given(body)
    lst = _list_for(conn, caller=caller, ref=body.contact_list_id)
    values, positions, defined = _legacy_fields(conn, caller=caller, items=body.custom_fields or [])
    given.update(list_id=lst.id, custom_fields=values)
    contact = _renaming(
        contact_service.create,
        lambda n: legacy_name(n, positions),
        problems,
        conn=conn,
        caller=caller,
        given=given,
        lst=lst,
        fields=defined,
    )
    return LegacySaved(contact, lst, defined)


def update_legacy(
    conn: Conn, *, caller: Caller, ref: str, body: wire.LegacyContactPatch
) -> LegacySaved:
    existing = _get(conn, caller=caller, ref=ref)
    given, problems = translate.legacy_given(body)
    if "phones" in given:
        given["phones"] = _first_phone_replaced(existing, given["phones"])
    if not isinstance(body.contact_list_id, UnsetType):
        given["list_id"] = _list_for(conn, caller=caller, ref=body.contact_list_id).id
    positions: dict[str, int] = {}
    if isinstance(body.custom_fields, list):
        given["custom_fields"], positions, _ = _legacy_fields(
            conn, caller=caller, items=body.custom_fields
        )
    contact = _renaming(
        contact_service.update,
        lambda n: legacy_name(n, positions),
        problems,
        conn=conn,
        caller=caller,
        id=existing.id,
        given=given,
    )
    lst = list_service.get(
        conn, workspace_id=caller.workspace_id, id=contact.list_id, with_count=False
    )
    return LegacySaved(contact, lst, _fields_for(conn, caller=caller, contacts=[contact]))


def update_contact_list(
    conn: Conn, *, caller: Caller, ref: str, body: wire.ContactListPatch
) -> ListChanged:
    """Rename a list, set its campaign, and move the contacts ``contact_ids`` names into it
    (contacts already in it and not named stay: a contact is in exactly one list)."""
    lst = _find_list(conn, caller=caller, ref=ref)
    if not isinstance(body.name, UnsetType):
        lst = list_service.update(conn, caller=caller, id=lst.id, data=ListUpdate(name=body.name))
    if not isinstance(body.campaign_id, UnsetType):
        campaign = None if body.campaign_id is None else translate.parse_uuid(body.campaign_id)
        if body.campaign_id is not None and campaign is None:
            raise invalid("campaign_id", "is not a UUID")
        lst = list_service.set_dialect_settings(
            conn,
            caller=caller,
            id=lst.id,
            settings=translate.with_campaign(lst.dialect_settings, campaign),
        )
    moved: list[Contact] = []
    if not isinstance(body.contact_ids, UnsetType):
        members = [
            _member(conn, caller=caller, ref=r, index=i) for i, r in enumerate(body.contact_ids)
        ]
        problems = [m for m in members if isinstance(m, FieldError)]
        if problems:
            raise InvalidInput(fields=problems)
        moved = [
            contact_service.update(conn, caller=caller, id=m.id, given={"list_id": lst.id})
            for m in members
            if isinstance(m, Contact)
        ]
    return ListChanged(lst, moved, _fields_for(conn, caller=caller, contacts=moved))


def _member(conn: Conn, *, caller: Caller, ref: str, index: int) -> Contact | FieldError:
    try:
        return _get(conn, caller=caller, ref=ref)
    except NotFound:
        return FieldError(f"contact_ids[{index}]", "is not a contact of this workspace")


# -- current: /v1/contacts ----------------------------------------------------------------


def _labels(conn: Conn, *, caller: Caller) -> dict[str, str]:
    """Custom field key -> display name, for every definition of the workspace."""
    return _custom(conn, caller=caller, raw=None)[1]


def _custom(
    conn: Conn, *, caller: Caller, raw: Mapping[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, str], list[FieldRead]]:
    """``customFields`` as canonical custom fields (None when not sent), the labels (key ->
    display name) of every definition, and the definitions: one read for all three."""
    definitions = field_service.list_all(conn, workspace_id=caller.workspace_id)
    labels = {d.key: d.label for d in definitions}
    if raw is None:
        return None, labels, definitions
    custom = translate.custom_by_name(raw, translate.field_names(definitions))
    return custom, labels, definitions


def _labels_for(conn: Conn, *, caller: Caller, contacts: list[Contact]) -> dict[str, str]:
    """The labels, when one of ``contacts`` has custom fields to show."""
    return _labels(conn, caller=caller) if any(c.custom_fields for c in contacts) else {}


def _require_phone_or_email(given: Mapping[str, Any]) -> None:
    if not given.get("phones") and not (given.get("email") or "").strip():
        raise InvalidInput(
            fields=[
                FieldError("phone", "or email is required"),
                FieldError("email", "or phone is required"),
            ]
        )


def create(conn: Conn, *, caller: Caller, body: wire.ContactIn) -> Labelled:
    _check_workspace(conn, caller=caller, ref=body.workspace_id)
    given = translate.current_given(body)
    _require_phone_or_email(given)
    custom, labels, defined = _custom(conn, caller=caller, raw=body.custom_fields or None)
    if custom is not None:
        given["custom_fields"] = custom
    contact = _renaming(
        contact_service.create,
        lambda n: current_name(n, labels),
        conn=conn,
        caller=caller,
        given=given,
        fields=defined,
    )
    return Labelled(contact, labels)


def get(conn: Conn, *, caller: Caller, ref: str) -> Labelled:
    contact = _get(conn, caller=caller, ref=ref)
    return Labelled(contact, _labels_for(conn, caller=caller, contacts=[contact]))


def page(
    conn: Conn, *, caller: Caller, query: wire.ContactQuery
) -> tuple[list[Contact], dict[str, str]]:
    """Oldest first, ``offset`` contacts skipped."""
    _check_workspace(conn, caller=caller, ref=query.workspace_id)
    found = kit.contacts_at(
        conn, caller=caller, query=ContactQuery(), offset=query.offset, limit=query.limit
    )
    return found, _labels_for(conn, caller=caller, contacts=found)


def update(conn: Conn, *, caller: Caller, ref: str, body: wire.ContactPatch) -> Labelled:
    """Tags are added to the contact's; customFields merge key by key (null clears one)."""
    _check_workspace(conn, caller=caller, ref=body.workspace_id)
    existing = _get(conn, caller=caller, ref=ref)
    given = translate.current_given(body)
    raw = body.custom_fields if isinstance(body.custom_fields, dict) else None
    custom, labels, _ = _custom(conn, caller=caller, raw=raw)
    if custom is not None:
        given["custom_fields"] = custom
    if not given:
        raise BadRequest(fields=[FieldError("body", "must set at least one field")])
    if "tags" in given:
        given["tags"] = [*existing.tags, *given["tags"]]
    if "phones" in given:
        given["phones"] = _first_phone_replaced(existing, given["phones"])
    contact = _renaming(
        contact_service.update,
        lambda n: current_name(n, labels),
        conn=conn,
        caller=caller,
        id=existing.id,
        given=given,
    )
    return Labelled(contact, labels)


def upsert(conn: Conn, *, caller: Caller, body: wire.UpsertIn) -> Upserted:
    """Match phone first, then email; tags are added; the time zone is applied only to a new
    contact; ``preserveExisting`` fills only the matched contact's empty fields."""
    _check_workspace(conn, caller=caller, ref=body.workspace_id)
    given = translate.current_given(body)
    _require_phone_or_email(given)
    raw = body.custom_fields if isinstance(body.custom_fields, dict) else None
    custom, labels, _ = _custom(conn, caller=caller, raw=raw)
    if custom is not None:
        given["custom_fields"] = custom
    timezone = given.pop("timezone", None)
    result = _renaming(
        contact_service.upsert,
        lambda n: current_name(n, labels),
        conn=conn,
        caller=caller,
        given=given,
        match_on=["phone", "email"],
        preserve_existing=body.preserve_existing,
        add_tags=True,
    )
    contact = result.contact
    changes: dict[str, Any] = {}
    if result.created and timezone:
        changes["timezone"] = timezone
    if result.matched_on == "email" and given.get("phones") and not body.preserve_existing:
        # The new number was added after the contact's own: Nedzo's one phone is the new one.
        changes["phones"] = [contact.phones[-1], *contact.phones[:-1]]
    if changes:
        contact = contact_service.update(conn, caller=caller, id=contact.id, given=changes)
    return Upserted(result.created, contact, labels)


def delete(conn: Conn, *, caller: Caller, ref: str) -> None:
    contact_service.delete(conn, caller=caller, id=_get(conn, caller=caller, ref=ref).id)


def workspace(conn: Conn, *, caller: Caller) -> WorkspaceRead:
    """The key's own workspace (what the n8n node lists to choose from)."""
    return workspace_service.get_workspace(conn, caller=caller, id=caller.workspace_id)
