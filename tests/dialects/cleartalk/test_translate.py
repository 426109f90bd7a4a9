"""Pure translation: canonical -> ClearTalk wire -> canonical, property-tested."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.dialects.cleartalk import translate
from dialbook.dialects.cleartalk.errors import item_name, wire_name
from dialbook.dialects.cleartalk.schemas import BulkItem, ContactIn
from dialbook.errors import InvalidInput
from dialbook.normalize.dates import parse_date
from dialbook.normalize.emails import normalize_email
from dialbook.normalize.fields import key_from_label
from dialbook.normalize.names import normalize_names
from dialbook.normalize.phones import parse_phone
from tests.factories import NOW, make_contact, phone

words = st.from_regex(r"[A-Z][a-z]{1,12}", fullmatch=True)
texts = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ,.!'-]{0,40}[A-Za-z0-9.!]", fullmatch=True).map(
    lambda s: " ".join(s.split())
)
emails = st.from_regex(
    r"[a-z][a-z0-9]{0,10}(\.[a-z0-9]{1,5})?@[a-z]{2,10}\.(com|org|net)", fullmatch=True
)
us_phones = st.from_regex(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True)
keys = st.from_regex(r"[a-z]{2,8}(_[a-z]{2,8})?", fullmatch=True).filter(
    lambda k: k != translate.DISPOSITION
)
values = st.one_of(texts, st.integers(-(10**9), 10**9), st.booleans())


def label_of(key: str) -> str:
    return key.replace("_", " ").title()


def canonical(given_value: Any) -> Any:
    """What the canonical service makes of a text member ("" and null mean no value)."""
    return given_value or None


@given(
    first=st.none() | words,
    last=st.none() | words,
    email=st.none() | emails,
    number=st.none() | us_phones,
    born=st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)),
    source=st.none() | texts,
    notes=st.none() | texts,
    tag=st.none() | texts,
    custom=st.dictionaries(keys, values, max_size=5),
    disposition=st.none() | texts,
)
def test_a_contact_survives_the_round_trip(
    first: str | None,
    last: str | None,
    email: str | None,
    number: str | None,
    born: dt.date | None,
    source: str | None,
    notes: str | None,
    tag: str | None,
    custom: dict[str, Any],
    disposition: str | None,
) -> None:
    names = normalize_names(first, last, None)
    stored = dict(custom)
    if disposition:
        stored[translate.DISPOSITION] = disposition
    contact = make_contact(
        first_name=names.first,
        last_name=names.last,
        full_name=names.full,
        email=email,
        phones=[phone(number)] if number else [],
        date_of_birth=born,
        source=source,
        notes=notes,
        tags=[tag] if tag else [],
        custom_fields=stored,
    )
    labels = {key: label_of(key) for key in custom}
    wire = translate.contact_out(contact, list_name="Leads", labels=labels)
    if not number:
        return  # a contact without a phone cannot be sent back (phone must not be empty)
    back = msgspec.json.decode(msgspec.json.encode(wire), type=ContactIn)
    list_name, incoming = translate.contact_in(back)

    assert list_name == "Leads"
    result = incoming.given
    assert canonical(result["first_name"]) == contact.first_name
    assert canonical(result["last_name"]) == contact.last_name
    assert canonical(result["email"]) == contact.email
    if result["email"]:
        assert normalize_email(result["email"]) == contact.email
    assert [parse_phone(p, ["US"]).number for p in result["phones"]] == [number]
    assert (parse_date(result["date_of_birth"]) if result["date_of_birth"] else None) == born
    assert canonical(result["source"]) == contact.source
    assert canonical(result["notes"]) == contact.notes
    assert result["tags"] == contact.tags
    assert {key_from_label(label): value for label, value in incoming.custom.items()} == custom
    assert incoming.disposition == disposition


@given(
    item=st.builds(
        BulkItem, phone=us_phones, first_name=st.none() | words, email=st.none() | emails
    )
)
def test_a_bulk_item_carries_the_requests_tag(item: BulkItem) -> None:
    incoming = translate.item_in(item, index=0, tag="webinar")
    assert incoming.given["tags"] == ["webinar"]
    assert incoming.given["phones"] == [item.phone]
    assert incoming.given["first_name"] == item.first_name


def test_timestamps_are_utc_with_milliseconds() -> None:
    assert translate.timestamp(NOW) == "2026-11-25T12:00:01.234Z"
    other = NOW.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert translate.timestamp(other) == "2026-11-25T12:00:01.234Z"


def test_missing_members_are_all_reported() -> None:
    with pytest.raises(InvalidInput) as caught:
        translate.contact_in(ContactIn(first_name="Jane"))
    assert [f.name for f in caught.value.fields] == [
        "listName",
        "tag",
        "lastName",
        "email",
        "phone",
        "dateOfBirth",
        "contactSource",
        "clearTalkNotes",
        "customField",
    ]


@pytest.mark.parametrize(
    ("value", "kind"),
    [(True, "boolean"), (3, "number"), (2.5, "number"), (["a"], "string_list"), ("x", "string")],
)
def test_a_new_custom_field_takes_the_type_of_its_first_value(value: Any, kind: str) -> None:
    assert translate.field_type(value) == kind


@pytest.mark.parametrize(
    ("canonical_name", "single", "bulk"),
    [
        ("phones[0].number", "phone", "data[4].phone"),
        ("phones", "phone", "data[4].phone"),
        ("email", "email", "data[4].email"),
        ("first_name", "firstName", "data[4].first_name"),
        ("full_name", "firstName", "data[4].first_name"),
        ("date_of_birth", "dateOfBirth", "data[4].date_of_birth"),
        ("source", "contactSource", "data[4].contact_source"),
        ("notes", "clearTalkNotes", "data[4].clear_talk_notes"),
        ("tags[0]", "tag", "tag"),
        ("list_id", "listName", "listName"),
        ("custom_fields.lead_score", "customField.Lead Score", "data[4].custom_field.Lead Score"),
        ("custom_fields.disposition", "disposition", "data[4].disposition"),
    ],
)
def test_canonical_field_names_become_cleartalks(
    canonical_name: str, single: str, bulk: str
) -> None:
    labels = {"lead_score": "Lead Score"}
    assert wire_name(canonical_name, labels) == single
    assert item_name(canonical_name, 4, labels) == bulk
    assert wire_name(single, labels) == single  # renaming twice changes nothing
