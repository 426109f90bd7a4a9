"""The pure translations: ids, contacts, external relations, sorting, error names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.contacts.schemas import Contact, ExternalRef, Phone
from dialbook.dialects.salesfinity import translate
from dialbook.dialects.salesfinity.schemas import ContactIn
from dialbook.errors import FieldError, InvalidInput
from dialbook.fields.schemas import FieldRead

NOW = dt.datetime(2026, 3, 4, 5, 6, 7, 891_000, tzinfo=dt.UTC)

# -- ids --------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=translate.MAX_ID))
def test_ids_round_trip(value: int) -> None:
    wire = translate.to_wire_id(value)
    assert len(wire) == 24
    assert wire == wire.lower()
    assert translate.from_wire_id(wire) == value
    assert translate.from_wire_id(wire.upper()) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0" * 24,
        "f" * 24,  # beyond a 64-bit id
        "8" + "0" * 23,
        "0" * 23,
        "0" * 25,
        "g" * 24,
        "12",
        "507f1f77bcf86cd79943901",
        " 507f1f77bcf86cd799439011",
        "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠١٢٣",  # Arabic-Indic digits
    ],
)
def test_texts_that_are_no_id_of_ours(text: str) -> None:
    assert translate.from_wire_id(text) is None


def test_times_look_like_javascript() -> None:
    assert translate.wire_time(NOW) == "2026-03-04T05:06:07.891Z"
    naive = NOW.replace(tzinfo=None)
    assert translate.wire_time(naive) == "2026-03-04T05:06:07.891Z"
    paris = NOW.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert translate.wire_time(paris) == "2026-03-04T05:06:07.891Z"


# -- canonical -> wire -> canonical -----------------------------------------------------

FIELDS = [
    FieldRead(
        id=i + 1,
        key=key,
        label=label,
        type=kind,  # type: ignore[arg-type]
        options=None,
        created_at=NOW,
        updated_at=NOW,
    )
    for i, (key, label, kind) in enumerate(
        [
            ("industry", "Industry", "string"),
            ("employee_count", "Employee Count", "number"),
            ("decision_maker", "Decision Maker", "boolean"),
            ("products", "Products", "string_list"),
            ("renewal", "Renewal", "date"),
        ]
    )
]
# Text as clients send it; NUL is refused (no backend stores it), see test_errors.
CHARACTERS = st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00")
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "industry": st.text(CHARACTERS, min_size=1, max_size=30),
    "employee_count": st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    "decision_maker": st.booleans(),
    "products": st.lists(st.text(CHARACTERS, min_size=1, max_size=10), max_size=4),
    "renewal": st.dates().map(lambda d: d.isoformat()),
}

words = st.text(CHARACTERS, min_size=1, max_size=40)
phones = st.builds(
    Phone,
    number=st.sampled_from(["+14155552671", "+12404522332", "+442079460958", "+15551234567"]),
    raw=st.just("raw"),
    type=st.sampled_from(["mobile", "direct", "office"]),
    extension=st.none() | st.from_regex(r"\A[0-9]{1,10}\Z"),
    country=st.none() | st.sampled_from(["US", "GB", "CA"]),
)
refs = st.lists(
    st.builds(
        ExternalRef,
        provider=st.sampled_from(["salesforce", "hubspot", "crm"]),
        id=st.from_regex(r"\A[A-Za-z0-9]{1,18}\Z"),
        url=st.none() | st.just("https://crm.example/r/1"),
        sync=st.booleans(),
    ),
    max_size=6,
).map(lambda found: sorted(found, key=lambda r: r.provider))  # grouped, as the wire is


@st.composite
def contacts(draw: st.DrawFn) -> Contact:
    keys = draw(st.lists(st.sampled_from(list(VALUES)), unique=True))
    return msgspec.convert(
        {
            "id": draw(st.integers(1, translate.MAX_ID)),
            "workspace_id": 1,
            "list_id": 7,
            "first_name": draw(st.none() | words),
            "last_name": draw(st.none() | words),
            "full_name": None,
            "email": draw(st.none() | st.from_regex(r"\A[a-z]{1,10}@[a-z]{1,10}\.com\Z")),
            "phones": draw(st.lists(phones, max_size=10)),
            "company": draw(st.none() | words),
            "account": draw(st.none() | words),
            "title": draw(st.none() | words),
            "website": draw(st.none() | words),
            "linkedin": draw(st.none() | words),
            "street": None,
            "city": None,
            "state": None,
            "postal_code": None,
            "country": None,
            "timezone": draw(st.none() | st.sampled_from(["America/Chicago", "Europe/London"])),
            "timezone_source": "given",
            "timezone_candidates": None,
            "priority": draw(st.none() | st.integers(0, translate.MAX_PRIORITY)),
            "dnc": False,
            "dnd": {},
            "tags": [],
            "notes": draw(st.none() | st.text(CHARACTERS, max_size=2000)),
            "source": None,
            "date_of_birth": None,
            "gender": None,
            "custom_fields": {key: draw(VALUES[key]) for key in keys},
            "external_refs": draw(refs),
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


def _to_wire_and_back(contact: Contact) -> tuple[dict[str, Any], translate.Incoming]:
    wire = translate.contact_out(contact, FIELDS)
    # Through JSON and the request schema, as a client that echoes a contact back would.
    sent = msgspec.json.decode(msgspec.json.encode(wire), type=ContactIn)
    incoming = translate.contact_in(sent)
    given, _ = translate.given_for(
        incoming, list_id=contact.list_id, keys={f.label: f.key for f in FIELDS}
    )
    return given, incoming


@given(contacts())
def test_canonical_to_wire_to_canonical(contact: Contact) -> None:
    given, incoming = _to_wire_and_back(contact)
    assert incoming.errors == []
    assert incoming.warnings == []
    for name in (
        "list_id",
        "first_name",
        "last_name",
        "email",
        "company",
        "account",
        "title",
        "website",
        "linkedin",
        "timezone",
        "priority",
        "notes",
        "external_refs",
    ):
        assert given[name] == getattr(contact, name), name
    assert [(p.number, p.type, p.extension, p.country) for p in given["phones"]] == [
        (p.number, p.type, p.extension, p.country) for p in contact.phones
    ]
    assert given.get("custom_fields", {}) == contact.custom_fields


@given(refs)
def test_external_relations_round_trip(found: list[ExternalRef]) -> None:
    wire = translate.external_relations_out(found)
    errors: list[tuple[str, str]] = []
    back = translate.external_refs_in(
        msgspec.json.decode(msgspec.json.encode(wire)), lambda *e: errors.append(e)
    )
    assert errors == []
    assert back == found
    assert translate.external_relations_out(back) == wire


def test_external_relations_shapes() -> None:
    errors: list[tuple[str, str]] = []
    refs = translate.external_refs_in(
        {
            "salesforce": "003XX",
            "hubspot": {"id": 42, "url": "https://app.hubspot.com/c/42", "sync": True},
            "crm": ["a", "b"],
            "nothing": None,
        },
        lambda *e: errors.append(e),
    )
    assert errors == []
    assert [(r.provider, r.id, r.url, r.sync) for r in refs] == [
        ("salesforce", "003XX", None, False),
        ("hubspot", "42", "https://app.hubspot.com/c/42", True),
        ("crm", "a", None, False),
        ("crm", "b", None, False),
    ]
    assert translate.external_relations_out(refs) == {
        "salesforce": "003XX",
        "hubspot": {"id": "42", "url": "https://app.hubspot.com/c/42", "sync": True},
        "crm": ["a", "b"],
    }


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ({"x": True}, "external_relations.x"),
        ({"x": {"url": "u"}}, "external_relations.x.id"),
        ({"x": {"id": "1", "sync": "yes"}}, "external_relations.x.sync"),
        ({"x": {"id": "1", "url": 5}}, "external_relations.x.url"),
        ({"x": ["1", {}]}, "external_relations.x[1].id"),
        ({"x": ""}, "external_relations.x"),
        ({"x": "y" * 256}, "external_relations.x"),
        ({"": "1"}, "external_relations."),
        ({"x": [str(i) for i in range(21)]}, "external_relations"),
    ],
)
def test_bad_external_relations(value: dict[str, Any], name: str) -> None:
    errors: list[tuple[str, str]] = []
    translate.external_refs_in(value, lambda *e: errors.append(e))
    assert name in [e[0] for e in errors]


def test_nul_characters_are_named_where_they_are() -> None:
    body = {"a": ["x", "y\x00"], "b\x00": 1, "c": {"d": "\x00"}}
    assert [e.name for e in translate.nul_errors(body)] == ["a[1]", "b\x00", "c.d"]
    assert translate.nul_errors("\x00") == [FieldError("body", "must not contain NUL characters")]


def test_a_text_that_is_no_email_is_left_out_with_a_warning() -> None:
    wire = msgspec.convert(
        {"first_name": "A", "phone_numbers": [], "email": "[email protected]"}, ContactIn
    )
    incoming = translate.contact_in(wire, prefix="contacts[2].")
    assert incoming.given["email"] is None
    assert len(incoming.warnings) == 1
    assert incoming.warnings[0].startswith("contacts[2].email")
    assert incoming.errors == []


def test_country_codes() -> None:
    errors: list[tuple[str, str]] = []

    def read(**phone: Any) -> Any:
        wire = msgspec.convert(
            {"first_name": "A", "phone_numbers": [{"type": "mobile", **phone}]}, ContactIn
        )
        result = translate.contact_in(wire)
        errors.extend((e.name, e.detail) for e in result.errors)
        return result.given["phones"]

    assert read(number="020 7946 0958", country_code="gb")[0].country == "GB"
    assert read(number="4155552671", country_code="+1")[0].number == "+14155552671"
    assert read(number="+4155552671", country_code="44")[0].number == "+4155552671"
    assert read(number="415", extension="ext. 12")[0].extension == "12"
    assert errors == []
    read(number="1", country_code="USA")
    read(number="1", country_code="ZZ")
    read(number="1", extension="x")
    read(number="1", extension="١٢")  # digits, but not ones a dialer can send
    assert [name for name, _ in errors] == [
        "phone_numbers[0].country_code",
        "phone_numbers[0].country_code",
        "phone_numbers[0].extension",
        "phone_numbers[0].extension",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (3.0, 3), (0, 0), (-1, None), (1.5, None), (2**31, None), (None, None)],
)
def test_priority(value: float | None, expected: int | None) -> None:
    wire = msgspec.convert({"first_name": "A", "phone_numbers": [], "priority": value}, ContactIn)
    incoming = translate.contact_in(wire)
    assert incoming.given["priority"] == expected
    assert bool(incoming.errors) == (value is not None and expected is None)


def test_custom_field_definitions_wanted() -> None:
    wire = msgspec.convert(
        {
            "first_name": "A",
            "phone_numbers": [],
            "custom_fields": [
                {"type": "string", "label": " Tags ", "value": ["a", "b"]},
                {"type": "number", "label": "Empty", "value": None},
                {"type": "boolean", "label": "  ", "value": True},
            ],
        },
        ContactIn,
    )
    incoming = translate.contact_in(wire)
    assert [(c.index, c.label, c.type) for c in incoming.custom] == [(0, "Tags", "string_list")]
    assert [e.name for e in incoming.errors] == ["custom_fields[2].label"]


def test_custom_fields_out_are_in_definition_order() -> None:
    out = translate.custom_fields_out(
        {
            "zzz": 1,
            "decision_maker": False,
            "industry": "SaaS",
            "aaa": "x",
            "renewal": "2026-01-01",
        },
        FIELDS,
    )
    assert [(c.label, c.type, c.value) for c in out] == [
        ("Industry", "string", "SaaS"),
        ("Decision Maker", "boolean", False),
        ("Renewal", "string", "2026-01-01"),
        ("aaa", "string", "x"),
        ("zzz", "number", 1),
    ]


# -- sorting and pages ------------------------------------------------------------------


class Row(msgspec.Struct):
    id: int
    name: str | None
    created_at: int


def test_sorting() -> None:
    rows = [Row(1, "b", 1), Row(2, None, 1), Row(3, "a", 2), Row(4, "b", 3)]
    order = translate.parse_sort("name,-createdAt", translate.LIST_SORTS, "-createdAt")
    assert order == [("name", False), ("createdAt", True)]
    assert [r.id for r in translate.sort_items(rows, order)] == [2, 3, 4, 1]
    newest = translate.parse_sort(None, translate.LIST_SORTS, "-createdAt")
    assert [r.id for r in translate.sort_items(rows, newest)] == [4, 3, 2, 1]
    assert translate.parse_sort(" , ", translate.LIST_SORTS, "_id") == [("_id", False)]
    assert translate.is_insertion_order([("createdAt", False)])
    assert not translate.is_insertion_order([("createdAt", True)])
    with pytest.raises(InvalidInput) as raised:
        translate.parse_sort("password", translate.LIST_SORTS, "_id")
    assert raised.value.fields[0].name == "sort"


@pytest.mark.parametrize(
    ("total", "page", "limit", "next_page"),
    [(0, 1, 10, None), (10, 1, 10, None), (11, 1, 10, 2), (25, 2, 10, 3), (25, 3, 10, None)],
)
def test_pagination(total: int, page: int, limit: int, next_page: int | None) -> None:
    pages = translate.pagination(total, page, limit)
    assert (pages.total, pages.page, pages.next) == (total, page, next_page)


# -- error names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("canonical", "wire"),
    [
        ("phones", "phone_numbers"),
        ("phones[3]", "phone_numbers[3]"),
        ("phones[0].number", "phone_numbers[0].number"),
        ("phones[1].country", "phone_numbers[1].country_code"),
        ("phone", "phone_numbers"),
        ("external_refs", "external_relations"),
        ("external_refs[2].id", "external_relations"),
        ("external_id", "external_relations"),
        ("custom_fields.industry", "custom_fields[4].value"),
        ("custom_fields.other", "custom_fields.other"),
        ("list_id", "id"),
        ("email", "email"),
        ("phone_numbers[0].number", "phone_numbers[0].number"),
    ],
)
def test_field_names(canonical: str, wire: str) -> None:
    assert translate.wire_field(canonical, {"industry": 4}) == wire


def test_wire_errors_keep_details_and_add_the_prefix() -> None:
    errors = translate.wire_errors(
        [FieldError("phones[0].number", "is bad")], prefix="contacts[9].", custom_positions={}
    )
    assert errors == [FieldError("contacts[9].phone_numbers[0].number", "is bad")]
