"""HighLevel's own webhook bodies, for endpoints created with ``format: "highlevel"``.

A receiver written for HighLevel's contact webhooks (ContactCreate, ContactUpdate,
ContactDelete, ContactDndUpdate, ContactTagUpdate) works unchanged: a flat contact with
``type`` and ``locationId`` (the workspace's HighLevel alias, else its id), the fields as
HighLevel's webhook reference lists them. An update that changes only tags is sent as
ContactTagUpdate. Other event types are not sent to such endpoints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from dialbook.contacts.schemas import Contact
from dialbook.db import Conn
from dialbook.dialects.highlevel import translate
from dialbook.events.schemas import Event
from dialbook.fields import service as field_service
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import system_caller

TYPES = {
    "contact.created": "ContactCreate",
    "contact.updated": "ContactUpdate",
    "contact.deleted": "ContactDelete",
    "contact.dnc_changed": "ContactDndUpdate",
}
# The contact fields of HighLevel's webhook payloads (its reference, 2021-04-15).
FIELDS = (
    "id",
    "locationId",
    "address1",
    "city",
    "state",
    "companyName",
    "country",
    "source",
    "dateAdded",
    "dateUpdated",
    "dateOfBirth",
    "dnd",
    "dndSettings",
    "email",
    "name",
    "firstName",
    "lastName",
    "phone",
    "postalCode",
    "tags",
    "website",
    "timezone",
    "customFields",
)


def bodies(conn: Conn, workspace_id: int, found: Sequence[Event]) -> list[bytes | None]:
    caller = system_caller(workspace_id)
    workspace = workspace_service.get_workspace(conn, caller=caller, id=workspace_id)
    loc = translate.LocationView(
        ref=translate.location_ref(workspace),
        field_ids={},
        field_keys={},
        allows_duplicates=False,
    )
    if any(event.data and event.data.get("custom_fields") for event in found):
        loc = translate.with_fields(loc, field_service.list_all(conn, workspace_id=workspace_id))
    return [_body(event, loc) for event in found]


def _body(event: Event, loc: translate.LocationView) -> bytes | None:
    name = TYPES.get(event.type)
    if name is None or not event.data:
        return None
    if name == "ContactUpdate" and event.changes and set(event.changes) <= {"tags"}:
        name = "ContactTagUpdate"
    contact = msgspec.convert(event.data, Contact)
    shown: dict[str, Any] = msgspec.to_builtins(translate.contact_out(contact, loc))
    body = {"type": name, **{k: shown[k] for k in FIELDS if k in shown}}
    body.setdefault("tags", [])
    body["dnd"] = contact.dnc
    return msgspec.json.encode(body)
