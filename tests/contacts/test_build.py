"""contacts/normalize.build, the pure step every write takes: given fields in, column values
out, every bad field named at once, warnings for what is kept or ignored."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from dialbook.contacts import normalize
from dialbook.contacts.schemas import ContactCreate, ContactUpdate
from dialbook.contacts.service import given_fields
from dialbook.errors import FieldError, InvalidInput


def given(**fields: Any) -> dict[str, Any]:
    return given_fields(msgspec.convert(fields, ContactCreate))


def build(fields: dict[str, Any], **options: Any) -> dict[str, Any]:
    return normalize.build(fields, regions=["US"], definitions={}, **options)


def test_a_national_number_is_read_in_the_contacts_country() -> None:
    columns = build(given(phones=["030 1234567"], country="Germany"))
    assert columns["country"] == "DE"
    assert columns["phones"][0]["number"] == "+49301234567"
    assert (columns["timezone"], columns["timezone_source"]) == ("Europe/Berlin", "phone")
    assert columns["dial_number"] == "+49301234567"


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidInput) as refused:
        build(given(phones=["12"], email="nope", date_of_birth="1990-02-30"))
    assert [field.name for field in refused.value.fields] == [
        "email",
        "phones[0].number",
        "date_of_birth",
    ]


def test_nothing_to_identify_is_refused_on_phones() -> None:
    with pytest.raises(InvalidInput) as refused:
        build(given(company="Acme"))
    assert [field.name for field in refused.value.fields] == ["phones"]


def test_an_unusable_zone_is_ignored_with_a_warning_and_the_zone_inferred() -> None:
    warnings: list[FieldError] = []
    columns = build(given(phones=["+12404522332"], timezone="Mars/Base"), warnings=warnings)
    assert columns["timezone"] == "America/New_York"
    assert [w.name for w in warnings] == ["timezone"]
    assert "Mars/Base" in warnings[0].detail


def test_a_us_state_by_name_is_stored_as_its_code_and_an_unknown_one_warned() -> None:
    assert build(given(phones=["+12404522332"], state=" florida "))["state"] == "FL"
    warnings: list[FieldError] = []
    columns = build(given(phones=["+12404522332"], state="Atlantis"), warnings=warnings)
    assert columns["state"] == "Atlantis"
    assert [w.name for w in warnings] == ["state"]


def test_an_update_merges_over_the_existing_contact() -> None:
    first = build(given(phones=["+12404522332"], email="ada@example.com"))
    existing = stored_contact(first)
    change = given_fields(ContactUpdate(email="grace@example.com"))
    columns = normalize.build(change, regions=["US"], definitions={}, existing=existing)
    assert columns["email"] == "grace@example.com"
    assert columns["dial_number"] == "+12404522332"  # the phones it had


def stored_contact(columns: dict[str, Any]) -> Any:
    """A stored contact with ``columns``, as the repository would return it."""
    from dialbook.contacts.repository import to_contact
    from dialbook.kit import clock

    now = clock.now()
    row = {
        **normalize.defaults(),
        **columns,
        "id": 1,
        "workspace_id": 1,
        "list_id": 1,
        "status": "queued",
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return to_contact(row)
