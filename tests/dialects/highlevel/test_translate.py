"""The pure translation: canonical -> HighLevel wire -> canonical keeps every value HighLevel
can carry; names and messages come out in HighLevel's words."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.contacts.schemas import Contact, Phone
from dialbook.dialects.highlevel import schemas as wire
from dialbook.dialects.highlevel import translate
from dialbook.dialects.highlevel.endpoints import router
from dialbook.dialects.highlevel.translate import LocationView
from dialbook.errors import InvalidInput
from dialbook.normalize.dates import parse_date
from dialbook.normalize.fields import FieldDefinition, coerce_value

DEFINITIONS = {
    "pin": FieldDefinition("pin", "string"),
    "score": FieldDefinition("score", "number"),
    "since": FieldDefinition("since", "date"),
    "vip": FieldDefinition("vip", "boolean"),
    "plan": FieldDefinition("plan", "string", ("basic", "pro")),
}
LOC = LocationView(
    ref="ve9EPM428h8vShlRW1KT",
    field_ids={key: str(i) for i, key in enumerate(DEFINITIONS, start=1)},
    field_keys={str(i): key for i, key in enumerate(DEFINITIONS, start=1)},
    allows_duplicates=False,
)
# What a response carries that a request may not send back.
OUTPUT_ONLY = {"id", "locationId", "type", "deleted", "dateAdded", "dateUpdated"}
OUTPUT_ONLY |= {"firstNameLowerCase", "lastNameLowerCase", "fullNameLowerCase", "emailLowerCase"}
TEXT = {
    "first_name": 200,
    "last_name": 200,
    "full_name": 401,
    "email": 254,
    "company": 300,
    "street": 500,
    "city": 200,
    "state": 100,
    "postal_code": 20,
    "website": 500,
    "timezone": 64,
    "source": 200,
    "gender": 40,
}
SIX = ("call", "email", "sms", "whatsapp", "gmb", "fb")

# Stored text never holds NUL (every router's http.body.BodyPolicy refuses it).
_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    max_size=30,
)
_moment = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
_custom_values = st.fixed_dictionaries(
    {},
    optional={
        "pin": _text,
        "score": st.integers(-(10**12), 10**12)
        | st.floats(allow_nan=False, allow_infinity=False, width=64),
        "since": st.dates().map(dt.date.isoformat),
        "vip": st.booleans(),
        "plan": st.sampled_from(["basic", "pro"]),
    },
)


@st.composite
def contacts(draw: st.DrawFn) -> Contact:
    values: dict[str, Any] = {
        name: draw(st.none() | _text.map(lambda s, n=size: s[:n])) for name, size in TEXT.items()
    }
    numbers = draw(st.lists(st.integers(0, 9999), max_size=3, unique=True))
    return Contact(
        id=draw(st.integers(1, 2**53)),
        workspace_id=1,
        list_id=1,
        phones=[Phone(number=f"+1512555{n:04d}", raw=str(n), type="mobile") for n in numbers],
        account=None,
        title=None,
        linkedin=None,
        country=draw(st.none() | st.sampled_from(["US", "CA", "GB", "DE"])),
        timezone_source=None,
        timezone_candidates=None,
        priority=None,
        dnc=draw(st.booleans()),
        dnd=draw(
            st.dictionaries(
                st.sampled_from([*SIX, "voicemail"]),
                st.sampled_from(["active", "inactive", "permanent"]),
            )
        ),
        tags=draw(st.lists(_text.filter(lambda t: 0 < len(t) <= 255), max_size=5, unique=True)),
        notes=None,
        date_of_birth=draw(st.none() | st.dates()),
        custom_fields=draw(_custom_values),
        external_refs=[],
        status="queued",
        attempts=0,
        last_dial_at=None,
        last_outcome=None,
        created_at=draw(_moment),
        updated_at=draw(_moment),
        version=1,
        **values,
    )


def back_to_canonical(contact: Contact, *, v3: bool, iso_dob: bool) -> dict[str, Any]:
    """contact -> response JSON -> the same JSON sent back as an upsert -> canonical."""
    sent = json.loads(
        msgspec.json.encode(translate.contact_out(contact, LOC, v3=v3, iso_dob=iso_dob))
    )
    body = {k: v for k, v in sent.items() if k not in OUTPUT_ONLY}
    data = router.bodies.body(
        json.dumps({**body, "locationId": LOC.ref}).encode(), wire.ContactUpsertIn
    )
    return translate.update_given(data, LOC)


@given(contact=contacts(), v3=st.booleans(), iso_dob=st.booleans())
def test_canonical_to_wire_to_canonical_keeps_what_highlevel_carries(
    contact: Contact, v3: bool, iso_dob: bool
) -> None:
    given_back = back_to_canonical(contact, v3=v3, iso_dob=iso_dob)

    for name in TEXT:
        value = getattr(contact, name)
        assert given_back.get(name) == value, name
        assert (name in given_back) == (value is not None), name
    assert given_back.get("country") == contact.country
    assert given_back.get("phones") == ([contact.phones[0].number] if contact.phones else None)
    assert given_back["dnc"] == contact.dnc
    assert given_back.get("dnd", {}) == {k: v for k, v in contact.dnd.items() if k in SIX}
    assert given_back["tags"] == contact.tags
    if contact.date_of_birth is None:
        assert "date_of_birth" not in given_back
    else:
        assert parse_date(given_back["date_of_birth"]) == contact.date_of_birth
    stored = {
        key: coerce_value(DEFINITIONS[key], value)
        for key, value in given_back.get("custom_fields", {}).items()
    }
    assert stored == {
        key: coerce_value(DEFINITIONS[key], v) for key, v in contact.custom_fields.items()
    }


@given(contact=contacts())
def test_responses_never_hold_nulls(contact: Contact) -> None:
    def walk(value: Any) -> None:
        assert value is not None
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        if isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(msgspec.json.encode(translate.contact_out(contact, LOC))))


@given(st.integers(1, 10**17))
def test_contact_ids_round_trip(number: int) -> None:
    assert translate.contact_id(str(number)) == number


@pytest.mark.parametrize("raw", ["", "0", "007", "-3", "1e3", "abc", "١٢", "9" * 19, " 5"])
def test_strings_that_are_not_our_ids(raw: str) -> None:
    assert translate.contact_id(raw) is None


@pytest.mark.parametrize(
    ("canonical", "wire_name"),
    [
        ("phones[0].number", "phone"),
        ("phones", "phone"),
        ("first_name", "firstName"),
        ("full_name", "name"),
        ("street", "address1"),
        ("company", "companyName"),
        ("postal_code", "postalCode"),
        ("date_of_birth", "dateOfBirth"),
        ("custom_fields.score", "customFields.score"),
        ("dnd.whatsapp", "dndSettings.WhatsApp"),
        ("dnc", "dnd"),
        ("tags[3]", "tags[3]"),
        ("email", "email"),
        ("firstName", "firstName"),
    ],
)
def test_wire_names(canonical: str, wire_name: str) -> None:
    assert translate.wire_name(canonical) == wire_name


@pytest.mark.parametrize(
    ("message", "line"),
    [
        ("Object missing required field `locationId`", "locationId should not be empty"),
        (
            "Object contains unknown field `x` - at `$.dndSettings`",
            "property dndSettings.x should not exist",
        ),
        ("Expected `str | null`, got `int` - at `$.city`", "city must be a string"),
        ("Expected `int` <= 100 - at `$.limit`", "limit must not be greater than 100"),
        (
            "Expected `array` of length <= 100 - at `$.tags`",
            "tags must contain no more than 100 elements",
        ),
        ("Expected `object`, got `str` - at `$.dndSettings`", "dndSettings must be an object"),
    ],
)
def test_messages_read_like_highlevels(message: str, line: str) -> None:
    assert translate.describe(message) == line


def test_canonical_paths_are_renamed_in_messages() -> None:
    line = translate.describe(
        "Expected `str` of length <= 200 - at `$.first_name`", translate.wire_name
    )

    assert line == "firstName must be shorter than or equal to 200 characters"


@given(
    current=st.lists(st.integers(0, 99), max_size=4, unique=True),
    new=st.none() | st.integers(0, 99),
)
def test_the_phone_is_the_first_phone(current: list[int], new: int | None) -> None:
    phones = [
        Phone(number=f"+15125550{n:03d}", raw=f"+15125550{n:03d}", type="office") for n in current
    ]
    given_phone = [] if new is None else [f"+15125550{new:03d}"]

    result = translate.primary_phones(given_phone, phones)

    if new is not None and current and current[0] == new:
        assert result is None
    elif new is None:
        assert result == (phones[1:] if phones else None)
    else:
        assert result == [given_phone[0], *phones[1:]]


@pytest.mark.parametrize(
    ("raw", "sent"),
    [("1990_09_25", "1990-09-25"), ("09_25_1990", "09-25-1990"), ("1990/09/25", "1990/09/25")],
)
def test_birth_dates_with_underscores(raw: str, sent: str) -> None:
    data = wire.ContactUpdateIn(dateOfBirth=raw)

    assert translate.update_given(data, LOC)["date_of_birth"] == sent


def test_custom_field_values_are_strings() -> None:
    assert [translate.field_text(v) for v in ("a", 12, 12.5, True, False, ["a", "b"])] == [
        "a",
        "12",
        "12.5",
        "true",
        "false",
        "a, b",
    ]


def test_timestamps_have_milliseconds_and_z() -> None:
    moment = dt.datetime(2024, 6, 15, 10, 0, 0, 123456, tzinfo=dt.UTC)

    assert translate.timestamp(moment) == "2024-06-15T10:00:00.123Z"


def test_tag_ids_are_stable_and_short() -> None:
    assert translate.tag_id("vip") == translate.tag_id("vip")
    assert len(translate.tag_id("vip")) == 20
    assert translate.tag_id("vip") != translate.tag_id("VIP")


def test_unknown_custom_fields_name_their_position() -> None:
    data = wire.ContactUpdateIn(customFields=[wire.CustomFieldIn(id="nope", value=1)])

    with pytest.raises(InvalidInput) as raised:
        translate.update_given(data, LOC)

    assert raised.value.fields[0].detail.startswith("customFields.0 names no custom field")
