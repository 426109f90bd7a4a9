"""Every place that maps contact fields by name covers every canonical field.

The canonical fields are ``ContactCreate``'s (``contacts/canonical.py``). Adding one fails
these tests until it has a sample here and normalizing, the importer's headers, export and
every dialect handle it, or the dialect's table below says why the platform has no place
for it.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from starlette.testclient import TestClient

from dialbook.contacts import normalize
from dialbook.contacts.canonical import CANONICAL_FIELDS
from dialbook.imports.mapping import NOT_IMPORTED, recognize, to_given
from dialbook.normalize.fields import FieldDefinition
from tests.conftest import create_list

# A value for every canonical field but the list (each test puts the contact in one).
FULL: dict[str, Any] = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "full_name": "Ada Lovelace",
    "name_prefix": "Dr.",
    "name_suffix": "Jr.",
    "email": "ada@example.com",
    "phones": ["+12404522332"],
    "company": "Analytical Engines",
    "account": "ACC-7",
    "title": "Analyst",
    "website": "https://engines.example",
    "linkedin": "https://linkedin.example/ada",
    "street": "1 Engine Street",
    "city": "Rockville",
    "state": "MD",
    "postal_code": "20850",
    "country": "US",
    "timezone": "America/Chicago",
    "priority": 7,
    "dnc": True,
    "dnd": {"sms": "active"},
    "tags": ["poets"],
    "notes": "Met at the exhibition",
    "source": "referral",
    "date_of_birth": "1971-02-03",
    "gender": "female",
    "custom_fields": {"industry": "Computing"},
    "external_refs": [{"provider": "crm", "id": "ext-7"}],
}


def test_the_sample_sets_every_canonical_field() -> None:
    assert sorted({*FULL, "list_id"}) == sorted(CANONICAL_FIELDS)


def test_normalizing_reads_every_field() -> None:
    columns = normalize.build(
        {**FULL, "list_id": 5},
        regions=["US"],
        definitions={"industry": FieldDefinition(key="industry", type="string")},
    )
    assert [name for name in CANONICAL_FIELDS if columns.get(name) in (None, [], {})] == []


@pytest.fixture
def full_contact(api: TestClient) -> dict[str, Any]:
    """A stored contact with every canonical field set (the custom field defined)."""
    response = api.post("/v1/custom-fields", json={"key": "industry", "label": "Industry"})
    assert response.status_code == 201, response.text
    lst = create_list(api, name="Everything")["id"]
    response = api.post("/v1/contacts", json={**FULL, "list_id": lst})
    assert response.status_code == 201, response.text
    contact: dict[str, Any] = response.json()
    return contact


def _export_columns(field: str) -> list[str]:
    return {"phones": ["phone_1"], "custom_fields": ["custom.industry"]}.get(field, [field])


def test_export_and_import_mapping_cover_every_field(
    api: TestClient, full_contact: dict[str, Any]
) -> None:
    """Export writes a column for every field, the importer's mapping reads every one of
    them back (but the list: an import goes into the list it was started for), and the
    contact it gives is the one exported."""
    response = api.get(f"/v1/lists/{full_contact['list_id']}/export")
    assert response.status_code == 200, response.text
    reader = csv.DictReader(io.StringIO(response.text))
    header, row = list(reader.fieldnames or []), next(reader)
    assert [f for f in CANONICAL_FIELDS if not set(_export_columns(f)) <= set(header)] == []

    given, errors = to_given(row, recognize(header))
    assert errors == []
    assert sorted(given) == sorted(set(CANONICAL_FIELDS) - set(NOT_IMPORTED))

    other = create_list(api, name="Again")["id"]
    response = api.post("/v1/contacts", json=msgspec.to_builtins({**given, "list_id": other}))
    assert response.status_code == 201, response.text
    again = response.json()
    assert {f: again[f] for f in given} == {f: full_contact[f] for f in given}


# -- dialects -------------------------------------------------------------------------------
# Each platform's reading of a contact: where each canonical field shows (a path into its
# JSON), and the fields the platform has no place for, with why. A field must be in one.

Read = Callable[[TestClient, dict[str, Any]], dict[str, Any]]


def _highlevel(api: TestClient, contact: dict[str, Any]) -> dict[str, Any]:
    response = api.get(
        f"/compat/highlevel/contacts/{contact['id']}", headers={"Version": "2021-07-28"}
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["contact"]
    return found


def _nedzo(api: TestClient, contact: dict[str, Any]) -> dict[str, Any]:
    response = api.get(f"/compat/nedzo/v1/contacts/{uuid.UUID(int=contact['id'])}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _talkdesk(api: TestClient, contact: dict[str, Any]) -> dict[str, Any]:
    path = f"/compat/talkdesk/record-lists/{contact['list_id']}/records/{contact['id']}"
    response = api.get(path)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _salesfinity(api: TestClient, contact: dict[str, Any]) -> dict[str, Any]:
    path = f"/compat/salesfinity/v1/contact-lists/csv/{contact['list_id']:024x}"
    response = api.get(path, params={"limit": 100})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    found: dict[str, Any] = {"list": data["_id"], **data["contacts"][0]}
    return found


def _cleartalk(api: TestClient, contact: dict[str, Any]) -> dict[str, Any]:
    """ClearTalk reads no contact: its create answers with the one it stored, so the
    contact is sent again, every member ClearTalk has filled from the stored one."""
    body = {
        "listName": "Sent again",  # a new list: the phone is taken in the first
        "tag": contact["tags"][0],
        "firstName": contact["first_name"],
        "lastName": contact["last_name"],
        "email": contact["email"],
        "phone": contact["phones"][0]["number"],
        "dateOfBirth": contact["date_of_birth"],
        "contactSource": contact["source"],
        "clearTalkNotes": contact["notes"],
        "customField": contact["custom_fields"],
    }
    response = api.post("/compat/cleartalk/contacts", json=body)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


# platform -> (how it reads a contact, canonical field -> path, no place -> why)
DIALECTS: dict[str, tuple[Read, dict[str, str], dict[str, str]]] = {
    "highlevel": (
        _highlevel,
        {
            "first_name": "firstName",
            "last_name": "lastName",
            "full_name": "name",
            "email": "email",
            "phones": "phone",
            "company": "companyName",
            "website": "website",
            "street": "address1",
            "city": "city",
            "state": "state",
            "postal_code": "postalCode",
            "country": "country",
            "timezone": "timezone",
            "dnc": "dnd",
            "dnd": "dndSettings.SMS.status",
            "tags": "tags[0]",
            "source": "source",
            "date_of_birth": "dateOfBirth",
            "gender": "gender",
            "custom_fields": "customFields[0].value",
        },
        {
            "list_id": "a contact belongs to a location (the workspace), not to a list",
            "name_prefix": "no member",
            "name_suffix": "no member",
            "account": "no member",
            "title": "no member",
            "linkedin": "no member",
            "priority": "no member",
            "notes": "notes are a resource of their own, not a contact member",
            "external_refs": "no member",
        },
    ),
    "nedzo": (
        _nedzo,
        {
            "first_name": "firstName",
            "last_name": "lastName",
            "email": "email",
            "phones": "phone",
            "timezone": "timezone",
            "tags": "tags[0]",
            "custom_fields": "customFields.Industry",
        },
        # Nedzo's contact has a name, one phone, an email, a zone, tags and custom fields:
        # everything else is kept by dialbook, never shown.
        {
            "list_id": "a contact is the workspace's; campaigns are the legacy API's",
            **{
                name: "no member"
                for name in (
                    "full_name",
                    "name_prefix",
                    "name_suffix",
                    "company",
                    "account",
                    "title",
                    "website",
                    "linkedin",
                    "street",
                    "city",
                    "state",
                    "postal_code",
                    "country",
                    "priority",
                    "dnc",
                    "dnd",
                    "notes",
                    "source",
                    "date_of_birth",
                    "gender",
                    "external_refs",
                )
            },
        },  # fmt: skip
    ),
    "talkdesk": (
        _talkdesk,
        {
            "list_id": "record_list_id",
            "first_name": "first_name",
            "last_name": "last_name",
            "phones": "phone_numbers[0].phone_number",
            "timezone": "timezone",
            "priority": "priority",
            "external_refs": "external_id",
            "custom_fields": "extra_data.industry",
            # The contact fields Talkdesk carries in extra_data (translate.EXTRA_FIELDS).
            **{
                name: f"extra_data.{name}"
                for name in (
                    "country",
                    "state",
                    "city",
                    "street",
                    "postal_code",
                    "company",
                    "account",
                    "title",
                    "email",
                    "website",
                    "linkedin",
                )
            },
        },  # fmt: skip
        # A record has a first and a last name, phones, a zone, a priority and one external
        # id; extra_data keys other than the ones above are custom fields.
        {
            name: "no member (an extra_data key of that name is a custom field)"
            for name in (
                "full_name",
                "name_prefix",
                "name_suffix",
                "dnc",
                "dnd",
                "tags",
                "notes",
                "source",
                "date_of_birth",
                "gender",
            )
        },  # fmt: skip
    ),
    "salesfinity": (
        _salesfinity,
        {
            "list_id": "list",
            "first_name": "first_name",
            "last_name": "last_name",
            "email": "email",
            "phones": "phone_numbers[0].number",
            "company": "company",
            "account": "account",
            "title": "title",
            "website": "website",
            "linkedin": "linkedin",
            "timezone": "timezone",
            "priority": "priority",
            "notes": "notes",
            "custom_fields": "custom_fields[0].value",
            "external_refs": "external_relations.crm",
        },
        {
            name: "no member"
            for name in (
                "full_name",
                "name_prefix",
                "name_suffix",
                "street",
                "city",
                "state",
                "postal_code",
                "country",
                "dnc",
                "dnd",
                "tags",
                "source",
                "date_of_birth",
                "gender",
            )
        },  # fmt: skip
    ),
    "cleartalk": (
        _cleartalk,
        {
            "list_id": "listName",
            "first_name": "firstName",
            "last_name": "lastName",
            "email": "email",
            "phones": "phone",
            "tags": "tag",
            "date_of_birth": "dateOfBirth",
            "source": "contactSource",
            "notes": "clearTalkNotes",
            "custom_fields": "customField.industry",
        },
        {
            name: "no member"
            for name in (
                "full_name",
                "name_prefix",
                "name_suffix",
                "company",
                "account",
                "title",
                "website",
                "linkedin",
                "street",
                "city",
                "state",
                "postal_code",
                "country",
                "timezone",
                "priority",
                "dnc",
                "dnd",
                "gender",
                "external_refs",
            )
        },  # fmt: skip
    ),
}


def _at(document: Any, path: str) -> Any:
    for step in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        document = document[int(step[1:-1])] if step.startswith("[") else document.get(step)
        if document is None:
            return None
    return document


def test_every_dialect_is_listed() -> None:
    from dialbook import dialects

    assert sorted(DIALECTS) == sorted(d.name for d in dialects.discover())


@pytest.mark.parametrize("name", list(DIALECTS))
def test_every_dialect_maps_every_field_or_says_why_not(name: str) -> None:
    _read, shown, no_place = DIALECTS[name]
    assert set(shown) & set(no_place) == set()
    assert sorted({*shown, *no_place}) == sorted(CANONICAL_FIELDS)


@pytest.mark.parametrize("name", list(DIALECTS))
def test_every_dialect_shows_the_fields_it_maps(
    api: TestClient, full_contact: dict[str, Any], name: str
) -> None:
    read, shown, _no_place = DIALECTS[name]
    document = read(api, full_contact)
    assert {f: path for f, path in shown.items() if _at(document, path) in (None, "")} == {}
