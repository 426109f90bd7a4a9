"""The pure translations, property-tested: canonical -> wire -> canonical keeps every value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.contacts.schemas import Contact, ContactCreate
from dialbook.dialects.talkdesk import translate
from dialbook.dialects.talkdesk.schemas import READ_ONLY, PatchOp, RecordIn
from dialbook.normalize import countries

BASE = "http://dialbook.test/compat/talkdesk"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _examples() -> list[str]:
    numbers = []
    for region in ("US", "GB", "PT", "DE", "FR", "BR", "JP", "IN", "AU", "MX"):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                numbers.append(
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
                )
    return numbers


NUMBERS = _examples()
TYPES = ["home", "office", "mobile", "extra_1", "extra_2", "extra_3"]
ZONES = ["Europe/Lisbon", "America/New_York", "GMT", "Asia/Tokyo", "America/Los_Angeles"]
COUNTRIES = sorted(countries.ALPHA_2)

words = st.from_regex(
    r"[A-Za-z\u00c0-\u00ff'-]{1,12}( [A-Za-z\u00c0-\u00ff'-]{1,12}){0,2}", fullmatch=True
)
short_text = (
    st.text(alphabet=st.characters(categories=["L", "N"], include_characters=" -.,'"), max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
custom_keys = st.from_regex(r"[a-z][a-z0-9]{0,10}(_[a-z0-9]{1,8}){0,2}", fullmatch=True).filter(
    lambda k: k not in translate.EXTRA_FIELDS
)


@st.composite
def contacts(draw: st.DrawFn) -> Contact:
    phones = draw(
        st.lists(
            st.tuples(st.sampled_from(NUMBERS), st.sampled_from(TYPES)),
            min_size=1,
            max_size=5,
            unique_by=lambda p: p[0],
        )
    )
    ref = draw(
        st.none()
        | st.fixed_dictionaries(
            {
                "provider": short_text.filter(lambda s: len(s) <= 100),
                "id": short_text,
                "url": st.none() | st.just("https://crm.example/x"),
                "sync": st.booleans(),
            }
        )
    )
    first, last = draw(words), draw(words)
    fields: dict[str, Any] = {
        name: draw(st.none() | short_text.filter(lambda s: len(s) <= 20))
        for name in translate.EXTRA_FIELDS
        if name not in ("country", "email")
    }
    return msgspec.convert(
        {
            "id": draw(st.integers(1, 2**40)),
            "workspace_id": 1,
            "list_id": draw(st.integers(1, 2**40)),
            "first_name": first,
            "last_name": last,
            "full_name": f"{first} {last}",
            "email": draw(st.none() | st.sampled_from(["a@example.com", "Jo.Doe@mail.example"])),
            "phones": [
                {"number": n, "raw": n, "type": t, "country": None, "valid": True}
                for n, t in phones
            ],
            **fields,
            "country": draw(st.none() | st.sampled_from(COUNTRIES)),
            "timezone": draw(st.none() | st.sampled_from(ZONES)),
            "timezone_source": None,
            "timezone_candidates": None,
            "priority": draw(st.none() | st.integers(1, 10)),
            "dnc": False,
            "dnd": {},
            "tags": [],
            "notes": None,
            "source": None,
            "date_of_birth": None,
            "gender": None,
            "custom_fields": draw(st.dictionaries(custom_keys, short_text, max_size=4)),
            "external_refs": [ref] if ref else [],
            "status": "queued",
            "attempts": 0,
            "last_dial_at": None,
            "last_outcome": None,
            "created_at": NOW,
            "updated_at": NOW,
            "version": 1,
        },
        Contact,
    )


def _over_the_wire(contact: Contact) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(msgspec.json.encode(translate.record_out(contact, BASE)))
    return doc


def _back(doc: dict[str, Any], list_id: int) -> ContactCreate:
    record = msgspec.convert({k: v for k, v in doc.items() if k not in READ_ONLY}, RecordIn)
    inbound = translate.record_to_given(record, external_required=False)
    return translate.to_create(inbound, list_id=list_id)


@given(contacts())
def test_canonical_to_wire_to_canonical_keeps_every_value(contact: Contact) -> None:
    back = _back(_over_the_wire(contact), contact.list_id)
    assert back.list_id == contact.list_id
    assert [(p.number, p.type) for p in back.phones if not isinstance(p, str)] == [
        (p.number, p.type) for p in contact.phones
    ]
    assert (back.first_name, back.last_name) == (contact.first_name, contact.last_name)
    assert back.timezone == contact.timezone
    assert back.priority == contact.priority
    assert back.external_refs == contact.external_refs
    for name in translate.EXTRA_FIELDS:
        assert getattr(back, name) == getattr(contact, name), name
    assert back.custom_fields == contact.custom_fields


def _stored(create: ContactCreate, contact_id: int) -> Contact:
    """What the store keeps for an already-normalized create (E.164 phones, known zones)."""
    data = msgspec.to_builtins(create)
    data["phones"] = [
        {"number": p["number"], "raw": p["number"], "type": p["type"]} for p in data["phones"]
    ]
    data.update(
        id=contact_id,
        workspace_id=1,
        full_name=None,
        timezone_source=None,
        timezone_candidates=None,
        status="queued",
        attempts=0,
        last_dial_at=None,
        last_outcome=None,
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )
    return msgspec.convert(data, Contact)


@given(contacts())
def test_wire_to_canonical_to_wire_gives_the_same_record(contact: Contact) -> None:
    wire = _over_the_wire(contact)
    again = _over_the_wire(_stored(_back(wire, contact.list_id), contact.id))
    assert again == wire


@given(st.none() | st.integers(1, 10))
def test_priority_maps_both_ways_and_keeps_the_dial_order(priority: int | None) -> None:
    canonical = translate.priority_to_canonical(priority)
    assert translate.priority_from_canonical(canonical) == priority
    if priority is not None and priority < 10:
        # Talkdesk dials higher priorities first; dialbook dials lower numbers first.
        assert translate.priority_to_canonical(priority + 1) < canonical  # type: ignore[operator]


@given(st.integers(-(2**31), 2**31))
def test_any_canonical_priority_reads_as_a_talkdesk_priority(priority: int) -> None:
    assert 1 <= translate.priority_from_canonical(priority) <= 10  # type: ignore[operator]


@pytest.mark.parametrize(
    "phone_type", ["HOME", "OFFICE", "MOBILE", "EXTRA_1", "EXTRA_2", "EXTRA_3"]
)
def test_phone_types_map_both_ways(phone_type: str) -> None:
    canonical = translate.phone_type_to_canonical(phone_type)
    assert translate.phone_type_from_canonical(canonical) == phone_type


CANONICAL_NAMES = [
    "phones",
    "phones[0].number",
    "phones[3].type",
    "external_refs[0].provider",
    "external_refs[0].url",
    "custom_fields.job_title",
    "email",
    "country",
    "first_name",
    "priority",
    "phone",
    "list_id",
]


@given(st.sampled_from(CANONICAL_NAMES), st.sampled_from(["phone_numbers", "phone_number"]))
def test_field_names_translate_once(name: str, phone_field: str) -> None:
    names = translate.Names(phone_field, {"job_title": "Job Title"})
    wire = translate.wire_field(name, names)
    assert translate.wire_field(wire, names) == wire
    assert not wire.startswith(("phones", "external_refs", "custom_fields"))


@given(contacts(), custom_keys, short_text)
def test_add_then_remove_of_an_extra_data_key_changes_nothing(
    contact: Contact, key: str, value: str
) -> None:
    doc = translate.record_doc(contact, BASE)
    ops = [
        PatchOp(op="add", path=f"/extra_data/{key}", value=value),
        PatchOp(op="remove", path=f"/extra_data/{key}"),
    ]
    if key in doc["extra_data"]:
        ops = ops[:1] + [PatchOp(op="add", path=f"/extra_data/{key}", value=doc["extra_data"][key])]
    after = translate.apply_patch(doc, ops)
    assert after == doc
    assert translate.record_changes(doc, after, contact, external_required=False).given == {}


@given(contacts(), st.none() | st.integers(1, 10))
def test_a_priority_patch_changes_only_the_priority(contact: Contact, priority: int | None) -> None:
    doc = translate.record_doc(contact, BASE)
    after = translate.apply_patch(doc, [PatchOp(op="replace", path="/priority", value=priority)])
    given_ = translate.record_changes(doc, after, contact, external_required=False).given
    expected = (
        {}
        if priority == doc["priority"]
        else {"priority": translate.priority_to_canonical(priority)}
    )
    assert given_ == expected


def test_json_pointer_escapes_are_understood() -> None:
    doc: dict[str, Any] = {"extra_data": {}}
    patched = translate.apply_patch(doc, [PatchOp(op="add", path="/extra_data/a~1b~0c", value=1)])
    assert patched == {"extra_data": {"a/b~c": 1}}


# -- do-not-call entries ----------------------------------------------------------------------


@given(st.dates(max_value=translate.MAX_EXPIRATION))
def test_an_expiration_date_round_trips_and_lasts_the_whole_day(date: dt.date) -> None:
    expires = translate.expires_at(date)
    assert expires is not None
    assert translate.expiration_date(expires) == date
    last_moment = dt.datetime.combine(date, dt.time.max, dt.UTC)
    assert last_moment < expires  # in force through the whole day (UTC) ...
    assert expires - last_moment <= dt.timedelta(microseconds=1)  # ... and not a moment more


@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 2),
        max_value=dt.datetime(9998, 12, 31, 23, 59),
        timezones=st.just(dt.UTC),
    )
)
def test_any_canonical_expiry_reads_as_the_last_day_it_is_in_force(expires: dt.datetime) -> None:
    date = translate.expiration_date(expires)
    assert date is not None
    assert dt.datetime.combine(date, dt.time(), dt.UTC) < expires
    # Written back, the entry lasts at least as long as it did.
    rewritten = translate.expires_at(date)
    assert rewritten is not None
    assert rewritten >= expires


def test_no_expiration_date_is_no_expiry() -> None:
    assert translate.expires_at(None) is None
    assert translate.expiration_date(None) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (dt.date(2026, 11, 25), None),
        (dt.date(2026, 11, 24), "must not be in the past"),
        (translate.MAX_EXPIRATION, None),
        (dt.date.max, "or earlier"),
    ],
)
def test_expiration_dates_are_today_or_later(value: dt.date, problem: str | None) -> None:
    found = translate.expiration_problem(value, NOW.date())
    assert found is None if problem is None else problem in (found or "")


def test_entry_patches_change_only_reason_and_expiration_date() -> None:
    ops = [
        (0, PatchOp(op="replace", path="/expiration_date", value="2026-12-01")),
        (1, PatchOp(op="remove", path="/reason")),
    ]
    changes = translate.entry_changes(ops)
    assert changes == {"expiration_date": "2026-12-01", "reason": None}
    update = translate.entry_update(changes, today=NOW.date())
    assert update.expires_at == dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    assert update.reason is None
    assert not translate.entry_op_allowed(PatchOp(op="replace", path="/phone_number", value="1"))
    assert not translate.entry_op_allowed(PatchOp(op="replace", path="/reason"))
    assert translate.entry_op_allowed(PatchOp(op="remove", path="/reason"))
    groups = translate.group_entry_ops(
        [
            PatchOp(op="replace", path="/7/reason", value="a"),
            PatchOp(op="replace", path="/8/reason", value="b"),
            PatchOp(op="remove", path="/7/expiration_date"),
        ]
    )
    assert [(g.entry_ref, [(i, op.path) for i, op in g.ops]) for g in groups] == [
        ("7", [(0, "/reason"), (2, "/expiration_date")]),
        ("8", [(1, "/reason")]),
    ]
