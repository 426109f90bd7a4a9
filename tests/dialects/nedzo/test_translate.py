"""Pure translation: canonical -> Nedzo wire -> canonical, property-tested."""

from __future__ import annotations

import datetime as dt
import typing
import uuid
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.contacts.schemas import Status
from dialbook.dialects.nedzo import schemas as wire
from dialbook.dialects.nedzo import translate
from dialbook.dialects.nedzo.errors import BadRequest, current_name, is_legacy, legacy_name
from dialbook.errors import InvalidInput
from dialbook.fields.schemas import FieldRead
from dialbook.normalize.names import normalize_names
from dialbook.normalize.phones import parse_phone
from tests.factories import NOW, make_contact, phone

words = st.from_regex(r"[A-Z][a-z]{1,12}", fullmatch=True)
texts = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ,.#'-]{0,30}[A-Za-z0-9.]", fullmatch=True).map(
    lambda s: " ".join(s.split())
)
emails = st.from_regex(r"[a-z][a-z0-9]{0,10}@[a-z]{2,10}\.(com|org|net)", fullmatch=True)
us_phones = st.from_regex(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True)
countries = st.sampled_from(["US", "CA", "GB", "AU", "DE", "MX", "IN"])
zones = st.sampled_from(["America/New_York", "America/Chicago", "Europe/London", "Asia/Kolkata"])
keys = st.from_regex(r"[a-z]{2,8}(_[a-z]{2,8})?", fullmatch=True)
ids = st.integers(1, translate.MAX_ID)


def definition(id: int, key: str, label: str) -> FieldRead:
    return FieldRead(
        id=id, key=key, label=label, type="string", options=None, created_at=NOW, updated_at=NOW
    )


# -- ids ----------------------------------------------------------------------------------


@given(id=ids)
def test_ids_round_trip_through_their_uuid(id: int) -> None:
    shown = translate.to_uuid(id)
    assert translate.from_uuid(shown) == id
    assert translate.from_uuid(shown.upper()) == id
    assert translate.from_uuid(uuid.UUID(shown).hex) == id


@given(other=st.uuids())
def test_uuids_that_are_not_ours_name_no_id(other: uuid.UUID) -> None:
    if other.int > translate.MAX_ID or other.int == 0:
        assert translate.from_uuid(str(other)) is None


@pytest.mark.parametrize("garbage", ["", "42", "abc", "3c90c3cc", "../etc", "0" * 40, "🙂"])
def test_garbage_names_no_id(garbage: str) -> None:
    assert translate.from_uuid(garbage) is None


def test_a_list_is_shown_by_its_nedzo_alias_else_by_its_id() -> None:
    seed = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    assert translate.list_ref(id=5, aliases={"nedzo": seed}, is_default=False) == seed
    assert translate.list_ref(id=5, aliases={"highlevel": "x"}, is_default=False) == (
        "00000000-0000-0000-0000-000000000005"
    )
    assert translate.list_ref(id=5, aliases=None, is_default=True) is None


def test_custom_fields_are_known_by_the_uuid_they_were_made_for_else_by_their_id() -> None:
    seed = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    found = translate.field_wire_ids(
        [definition(1, "f_3c90c3cc", seed), definition(9, "industry", "Industry")]
    )
    assert found == {"f_3c90c3cc": seed, "industry": "00000000-0000-0000-0000-000000000009"}


# -- values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("US", "US"),
        ("us", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("united  kingdom", "GB"),
        ("Canada", "CA"),
        ("", None),
        (None, None),
    ],
)
def test_countries_become_iso_codes(raw: str | None, code: str | None) -> None:
    assert translate.country_code(raw) == code


@pytest.mark.parametrize("raw", ["<string>", "XX", "Narnia"])
def test_unknown_countries_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="ISO 3166-1"):
        translate.country_code(raw)


def test_every_canonical_status_has_a_nedzo_status() -> None:
    assert set(typing.get_args(Status)) == set(translate.STATUS)
    assert translate.STATUS["held"] == translate.STATUS["queued"] == "Waiting"


@pytest.mark.parametrize(
    ("value", "text"), [(250, "250"), (2.5, "2.5"), (True, "true"), (["a", "b"], "a, b")]
)
def test_custom_values_are_returned_as_strings(value: Any, text: str) -> None:
    assert translate.as_text(value) == text


def test_unknown_custom_field_names_are_a_400_and_bad_values_a_422() -> None:
    names = translate.field_names([definition(1, "lead_source", "Lead Source")])
    assert translate.custom_by_name({"lead source": "x", "lead_source": None}, names) == {
        "lead_source": None
    }
    with pytest.raises(BadRequest):
        translate.custom_by_name({"Industry": "x"}, names)
    with pytest.raises(InvalidInput) as caught:
        translate.custom_by_name({"Lead Source": {"a": 1}}, names)
    assert caught.value.status == 422


# -- round trips --------------------------------------------------------------------------


@given(
    first=words,
    last=st.none() | words,
    email=emails,
    number=st.none() | us_phones,
    company=st.none() | texts,
    street=st.none() | texts,
    city=st.none() | texts,
    state=st.none() | texts,
    postal=st.none() | st.from_regex(r"[0-9]{5}", fullmatch=True),
    country=st.none() | countries,
    title=st.none() | texts,
    dnc=st.booleans(),
    custom=st.dictionaries(keys, texts, max_size=4),
    list_id=st.none() | ids,
)
def test_a_contact_survives_the_seed_api_round_trip(
    first: str,
    last: str | None,
    email: str,
    number: str | None,
    company: str | None,
    street: str | None,
    city: str | None,
    state: str | None,
    postal: str | None,
    country: str | None,
    title: str | None,
    dnc: bool,
    custom: dict[str, str],
    list_id: int | None,
) -> None:
    names = normalize_names(first, last, None)
    contact = make_contact(
        first_name=names.first,
        last_name=names.last,
        full_name=names.full,
        email=email,
        phones=[phone(number)] if number else [],
        company=company,
        street=street,
        city=city,
        state=state,
        postal_code=postal,
        country=country,
        title=title,
        dnc=dnc,
        custom_fields=custom,
    )
    field_ids = {key: str(uuid.uuid5(uuid.NAMESPACE_URL, key)) for key in custom}
    list_ref = translate.to_uuid(list_id) if list_id else None
    out = translate.legacy_out(contact, list_ref=list_ref, field_ids=field_ids)
    back = msgspec.json.decode(msgspec.json.encode(out), type=wire.LegacyContactIn)
    given_fields, problems = translate.legacy_given(back)

    assert problems == []
    assert translate.from_uuid(back.contact_list_id or "") == list_id
    assert translate.from_uuid(out.id) == contact.id
    assert translate.from_uuid(out.subaccount_id) == contact.workspace_id
    assert (
        normalize_names(
            given_fields["first_name"], given_fields["last_name"], given_fields["full_name"]
        )
        == names
    )
    for canonical in ("email", "company", "street", "city", "state", "postal_code", "country"):
        assert given_fields[canonical] == getattr(contact, canonical), canonical
    assert given_fields["title"] == contact.title
    assert given_fields["dnc"] == dnc
    assert [parse_phone(p, ["US"]).number for p in given_fields["phones"]] == (
        [number] if number else []
    )
    by_id = {wire_id: key for key, wire_id in field_ids.items()}
    assert {by_id[c.custom_field_id]: c.value for c in back.custom_fields or []} == custom
    assert out.status == "Waiting"
    assert out.last_dial_time is None


@given(
    first=st.none() | words,
    last=st.none() | words,
    email=st.none() | emails,
    number=st.none() | us_phones,
    zone=st.none() | zones,
    tags=st.lists(texts, max_size=5, unique=True),
    custom=st.dictionaries(keys, texts, max_size=4),
    dialed=st.none() | st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)),
)
def test_a_contact_survives_the_current_api_round_trip(
    first: str | None,
    last: str | None,
    email: str | None,
    number: str | None,
    zone: str | None,
    tags: list[str],
    custom: dict[str, str],
    dialed: dt.datetime | None,
) -> None:
    contact = make_contact(
        first_name=first,
        last_name=last,
        email=email,
        phones=[phone(number)] if number else [],
        timezone=zone,
        tags=tags,
        custom_fields=custom,
        last_dial_at=dialed.replace(tzinfo=dt.UTC) if dialed else None,
    )
    labels = {key: key.replace("_", " ").title() for key in custom}
    out = translate.current_out(contact, labels=labels)
    data = msgspec.to_builtins(out)
    for read_only in ("id", "createdAt", "updatedAt"):
        data.pop(read_only)
    back = msgspec.convert(data, wire.ContactIn)
    given_fields = translate.current_given(back)
    definitions = [definition(i + 1, k, label) for i, (k, label) in enumerate(labels.items())]

    assert translate.from_uuid(back.workspace_id or "") == contact.workspace_id
    assert given_fields["first_name"] == first
    assert given_fields["last_name"] == last
    assert given_fields["email"] == email
    assert given_fields["phones"] == ([number] if number else [])
    assert given_fields["timezone"] == zone
    assert sorted(given_fields["tags"]) == sorted(tags)
    names = translate.field_names(definitions)
    assert translate.custom_by_name(back.custom_fields or {}, names) == custom


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("canonical", "legacy", "current"),
    [
        ("phones[0].number", "phone", "phone"),
        ("company", "business_name", "company"),
        ("title", "job_title", "title"),
        ("street", "full_address", "street"),
        ("list_id", "contact_list_id", "list_id"),
        ("first_name", "first_name", "firstName"),
        ("email", "email", "email"),
        ("timezone", "timezone", "timezone"),
        ("custom_fields.lead_source", "custom_fields[2].value", "customFields.Lead Source"),
    ],
)
def test_canonical_field_names_become_nedzos(canonical: str, legacy: str, current: str) -> None:
    assert legacy_name(canonical, {"lead_source": 2}) == legacy
    assert current_name(canonical, {"lead_source": "Lead Source"}) == current
    assert legacy_name(legacy, {"lead_source": 2}) == legacy
    assert current_name(current, {"lead_source": "Lead Source"}) == current


@pytest.mark.parametrize(
    ("path", "legacy"),
    [
        ("/compat/nedzo/v1/contact/", True),
        ("/compat/nedzo/v1/contact", True),
        ("/compat/nedzo/v1/contact/abc", True),
        ("/compat/nedzo/v1/contact-list/abc", True),
        ("/compat/nedzo/v1/contacts", False),
        ("/compat/nedzo/v1/contacts/abc", False),
        ("/compat/nedzo/anything", False),
    ],
)
def test_the_seed_routes_are_told_apart(path: str, legacy: bool) -> None:
    assert is_legacy(path) is legacy
