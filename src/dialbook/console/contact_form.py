"""The contact edit form: a contact's fields as they are shown, and back into the
``ContactUpdate`` of the fields the user changed (so an untouched field is never
rewritten), with every error named by the form field it belongs to.

Phones are one a line, the number as the user likes it and optionally its type last
(``(415) 555-0123 mobile``); a number kept from before keeps its consent and dialing
state. Tags are separated by commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, get_args

from starlette.datastructures import FormData

from dialbook.contacts.schemas import Contact, ContactUpdate, PhoneType
from dialbook.errors import FieldError
from dialbook.http.body import decode_query

TEXT = (
    "first_name",
    "last_name",
    "email",
    "company",
    "title",
    "account",
    "website",
    "linkedin",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "timezone",
    "priority",
    "source",
    "date_of_birth",
    "gender",
)
FIELDS = (*TEXT, "phones", "tags", "notes")
_PHONE_TYPES = frozenset(get_args(PhoneType))


def values_of(contact: Contact) -> dict[str, str]:
    """The form's fields for ``contact``, as text."""
    values = {name: _text(getattr(contact, name)) for name in TEXT}
    values["phones"] = "\n".join(
        f"{p.number}{' x' + p.extension if p.extension else ''} {p.type}" for p in contact.phones
    )
    values["tags"] = ", ".join(contact.tags)
    values["notes"] = contact.notes or ""
    return values


def submitted(form: FormData) -> dict[str, str]:
    values = {}
    for name in FIELDS:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    return values


def parse(form: FormData, contact: Contact) -> ContactUpdate:
    """The fields changed from ``contact``'s as a ContactUpdate (empty: cleared)."""
    before, after = values_of(contact), submitted(form)
    body: dict[str, Any] = {}
    for name in FIELDS:
        if _same(before[name], after[name]):
            continue
        if name == "phones":
            body["phones"] = [_phone(line) for line in after[name].splitlines() if line.strip()]
        elif name == "tags":
            body["tags"] = [t.strip() for t in after[name].split(",") if t.strip()]
        else:
            body[name] = after[name] or None
    return decode_query(body, ContactUpdate)


def field_of(path: str) -> str:
    """The form field a canonical path such as ``phones[1].number`` belongs to."""
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if head in ("full_name", "name_prefix", "name_suffix"):
        return "first_name"
    return head if head in FIELDS else "first_name"


def by_field(errors: Iterable[FieldError]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(field_of(error.name), []).append(error.detail)
    return found


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _same(before: str, after: str) -> bool:
    return " ".join(before.split()) == " ".join(after.split())


def _phone(line: str) -> dict[str, Any] | str:
    words = line.split()
    if len(words) > 1 and words[-1].lower() in _PHONE_TYPES:
        return {"number": " ".join(words[:-1]), "type": words[-1].lower()}
    return line.strip()
