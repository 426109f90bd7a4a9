"""ClearTalk's operations: canonical service calls composed in one transaction each.

Plain functions of a connection (run by ``Database.write``), like the canonical services;
they hold no rules of their own beyond ClearTalk's, and no SQL. They return the contacts
created; the handler builds ClearTalk's answer after the transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact
from dialbook.db import Conn
from dialbook.dialects import kit
from dialbook.dialects.cleartalk import translate
from dialbook.dialects.cleartalk.errors import item_name, wire_name
from dialbook.dialects.cleartalk.schemas import BulkIn, ContactIn
from dialbook.dialects.cleartalk.translate import Created
from dialbook.errors import Conflict, DuplicateContact, FieldError, InvalidInput
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.normalize.fields import key_from_label
from dialbook.workspaces.schemas import Caller


def create_contact(conn: Conn, *, caller: Caller, body: ContactIn) -> Created:
    """Create one contact in the list ``listName`` names (created on first use)."""
    list_name, incoming = translate.contact_in(body)
    lst = list_service.find_or_create(conn, caller=caller, name=list_name)
    contact, labels = _create(conn, caller=caller, lst=lst, incoming=incoming, name=wire_name)
    return Created(contact, lst.name, labels)


def create_bulk(
    conn: Conn, *, caller: Caller, body: BulkIn
) -> tuple[str, translate.BulkHead, list[Created]]:
    """Create every item of ``data``, or none: one bad item rejects the whole request and the
    answer names every bad item (``data[3].phone``)."""
    head = translate.bulk_head(body)
    assert isinstance(body.data, list)
    lst = list_service.find_or_create(conn, caller=caller, name=head.list_name)
    created: list[Created] = []
    created_ids: dict[int, int] = {}  # contact id -> index of the item that created it
    problems: list[FieldError] = []
    invalid = False
    for index, item in enumerate(body.data):
        try:
            incoming = translate.item_in(item, index=index, tag=head.tag)
            contact, labels = _create(
                conn,
                caller=caller,
                lst=lst,
                incoming=incoming,
                name=partial(item_name, index=index),
            )
        except DuplicateContact as error:
            earlier = created_ids.get(error.existing_id)
            detail = (
                f"is the same as in data[{earlier}]"
                if earlier is not None
                else f"already used by contact {error.existing_id}"
            )
            problems.append(FieldError(f"data[{index}].{error.matching_field}", detail))
        except InvalidInput as error:
            invalid = True
            problems += error.fields
        else:
            created_ids[contact.id] = index
            created.append(Created(contact, lst.name, labels))
    if problems:
        rejected = len({p.name.partition(".")[0] for p in problems})
        detail = f"{rejected} of {len(body.data)} contacts were rejected; none were created."
        error_type = InvalidInput if invalid else Conflict
        raise error_type(detail, fields=problems)
    return lst.name, head, created


def _create(
    conn: Conn,
    *,
    caller: Caller,
    lst: ListRead,
    incoming: translate.Incoming,
    name: Callable[..., str],
) -> tuple[Contact, dict[str, str]]:
    """Map customField labels to workspace custom fields (created on first use), then create.

    Returns the contact and its custom field keys -> the labels the caller used.
    """
    wanted = {label: translate.field_type(value) for label, value in incoming.custom.items()}
    if incoming.disposition is not None:
        wanted.setdefault(translate.DISPOSITION, "string")
    defined = kit.define_labels(conn, caller=caller, wanted=wanted)
    labels = {key_from_label(label): label for label in incoming.custom}
    values = defined.values(incoming.custom)
    if incoming.disposition is not None:
        values[key_from_label(translate.DISPOSITION)] = incoming.disposition
    given = {**incoming.given, "list_id": lst.id, "custom_fields": values}
    try:
        contact = contact_service.create(
            conn,
            caller=caller,
            given=given,
            lst=lst,
            fields=defined.definitions,
        )
    except InvalidInput as error:
        raise kit.renamed(error, partial(name, labels=labels)) from None
    return contact, labels
