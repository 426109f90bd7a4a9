from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dialbook.normalize.phones import PhoneError, parse_phone, split_extension, type_for_line

REGIONS = ["US", "CA", "GB", "DE", "FR", "PT", "AU", "IN", "BR", "MX", "JP", "ES"]


@st.composite
def valid_numbers(draw: st.DrawFn) -> phonenumbers.PhoneNumber:
    region = draw(st.sampled_from(REGIONS))
    kind = draw(
        st.sampled_from(
            [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
        )
    )
    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    # Vary the last digits of the example; keep only numbers libphonenumber calls valid.
    national = str(example.national_number)
    tail = draw(st.integers(0, 999)) if len(national) > 4 else 0
    number = phonenumbers.PhoneNumber(
        country_code=example.country_code,
        national_number=int(national[:-3] + f"{tail:03d}")
        if len(national) > 4
        else example.national_number,
        italian_leading_zero=example.italian_leading_zero,
    )
    assume(phonenumbers.is_valid_number(number))
    return number


@given(valid_numbers(), st.sampled_from(["NATIONAL", "INTERNATIONAL", "E164", "RFC3966"]))
def test_every_written_form_of_a_valid_number_gives_its_e164(
    number: phonenumbers.PhoneNumber, style: str
) -> None:
    region = phonenumbers.region_code_for_number(number)
    written = phonenumbers.format_number(number, getattr(phonenumbers.PhoneNumberFormat, style))
    parsed = parse_phone(written, [region])
    assert parsed.number == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert parsed.valid
    assert parsed.country == region


@given(valid_numbers())
def test_parsing_e164_is_idempotent(number: phonenumbers.PhoneNumber) -> None:
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    once = parse_phone(e164)
    assert parse_phone(once.number) == once


@given(st.text(max_size=80), st.lists(st.sampled_from([*REGIONS, None]), max_size=3))
def test_any_text_parses_or_raises_phone_error(raw: str, regions: list[str | None]) -> None:
    try:
        parsed = parse_phone(raw, regions)
    except PhoneError:
        return
    assert parsed.number.startswith("+")
    assert parsed.number[1:].isdigit()


@given(st.integers(1, 99999999))
def test_extensions_in_every_spelling(ext: int) -> None:
    for written in (
        f"240-452-2332x{ext}",
        f"(240) 452-2332 ext. {ext}",
        f"240 452 2332;ext={ext}",
        f"2404522332 ext {ext}",
    ):
        parsed = parse_phone(written, ["US"])
        assert parsed.number == "+12404522332"
        assert parsed.extension == str(ext)


@pytest.mark.parametrize(
    ("raw", "regions", "e164", "valid"),
    [
        ("001-672-799-2170x5610", ["US"], "+16727992170", True),
        ("(240)452-2332x4601", ["US"], "+12404522332", True),
        ("+1-887-577-1205", [], "+18875771205", False),
        ("223.427.4047", ["US"], "+12234274047", True),
        ("011 44 20 7946 0958", ["US"], "+442079460958", True),
        ("020 7946 0958", ["GB"], "+442079460958", True),
        ("1-240-452-2332", ["US"], "+12404522332", True),
        ("+15551234567", [], "+15551234567", False),
        ("929 312 312", ["PT"], "+351929312312", True),
    ],
)
def test_messy_real_world_formats(raw: str, regions: list[str], e164: str, valid: bool) -> None:
    parsed = parse_phone(raw, regions)
    assert (parsed.number, parsed.valid) == (e164, valid)


def test_the_most_specific_region_wins() -> None:
    assert parse_phone("020 7946 0958", ["GB", "US"]).number == "+442079460958"
    assert parse_phone("(240) 452-2332", [None, "US"]).number == "+12404522332"
    # A number impossible in the first region is tried in the next.
    assert parse_phone("020 7946 0958", ["US", "GB"]).number == "+442079460958"


@pytest.mark.parametrize("raw", ["", "   ", "hello", "12", "+1 23", "(240) 452", "x" * 100])
def test_not_phone_numbers(raw: str) -> None:
    with pytest.raises(PhoneError):
        parse_phone(raw, ["US"])


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("+33 1 23 45 67 89 01 23", "too long"),  # France: 9 national digits
        ("+331234567890123", "too long"),
        ("+1234567890", "too short"),  # Salesfinity's documented example: 9 digits after +1
        ("+44 20 79", "length"),
    ],
)
def test_an_impossible_length_is_refused_even_written_as_e164(raw: str, problem: str) -> None:
    with pytest.raises(PhoneError, match=problem):
        parse_phone(raw, [])


@given(valid_numbers(), st.integers(3, 6))
def test_a_valid_number_with_digits_added_is_refused_or_still_possible(
    number: phonenumbers.PhoneNumber, extra: int
) -> None:
    longer = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) + "1" * extra
    candidate = phonenumbers.parse(longer, None)
    try:
        parsed = parse_phone(longer, [])
    except PhoneError:
        assert not phonenumbers.is_possible_number(candidate)
    else:
        assert phonenumbers.is_possible_number(candidate)
        assert parsed.number == longer


def test_national_number_without_any_region_says_what_to_do() -> None:
    with pytest.raises(PhoneError, match="default_region"):
        parse_phone("(240) 452-2332", [])


def test_split_extension_leaves_plain_numbers_alone() -> None:
    assert split_extension("+1 240 452 2332") == ("+1 240 452 2332", None)
    assert split_extension("x12") == ("x12", None)


NANP_AREA = st.sampled_from(
    [  # area codes of many NANP regions, Barbados (246) among them, and unassigned ones
        "212",
        "219",
        "246",
        "264",
        "268",
        "284",
        "340",
        "345",
        "416",
        "441",
        "473",
        "649",
        "664",
        "670",
        "671",
        "684",
        "721",
        "758",
        "767",
        "784",
        "787",
        "800",
        "809",
        "868",
        "869",
        "876",
        "900",
        "555",
        "887",
        "123",
        "246",
        "242",
    ]
)


@settings(max_examples=3000)
@given(
    NANP_AREA,
    st.integers(0, 999),
    st.integers(0, 9999),
    st.sampled_from(
        ["+1 {a} {b} {c}", "({a}) {b}-{c}", "1-{a}-{b}-{c}", "{a}.{b}.{c}", "{a}{b}{c}"]
    ),
    st.sampled_from(["US", "CA", "JM", "BB", "GB", None]),
)
def test_the_nanp_shortcut_agrees_with_the_full_parse(
    area: str, exchange: int, line: int, style: str, region: str | None
) -> None:
    """The per-prefix cache of NANP facts answers exactly what libphonenumber answers."""
    from dialbook.normalize import phones

    written = style.format(a=area, b=f"{exchange:03d}", c=f"{line:04d}")
    text = phones.clean(written, region)
    try:
        slow = phones._parse_full(text, region, None, phonenumbers)
    except PhoneError:
        slow = None
    digits = phones._nanp_digits(text, region)
    assume(digits is not None)  # else: not the shortcut's business
    assert digits is not None
    phones._FACTS.clear()
    width = phones._key_width(digits)
    seed = f"{digits[:width]}{(line * 7 + 3) % 10000:04d}"[:10]
    phones._nanp_facts(digits[:width], seed)
    fast = phones._nanp(digits, None)  # facts come from another number with the same prefix
    assert fast == slow


def test_jamaica_is_told_number_by_number() -> None:
    """Jamaica's 876-606-0xxx numbers are valid and 876-606-1xxx are not: a pattern the
    prefix cache cannot see, so numbers of the regions other than the US and Canada are
    never answered from another number's facts (Hypothesis found it)."""
    from dialbook.normalize import phones

    phones._FACTS.clear()
    assert not phones.parse_phone("(876) 606-1234", ["US"]).valid
    assert phones.parse_phone("(876) 606-0143", ["US"]).valid
    phones._FACTS.clear()
    assert phones.parse_phone("(876) 606-0143", ["US"]).valid
    assert not phones.parse_phone("(876) 606-1234", ["US"]).valid


def test_barbados_mobile_numbers_need_seven_digits() -> None:
    """Barbados' mobile pattern reads the first line digit: its facts are cached per seven."""
    from dialbook.normalize import phones

    for exchange in range(520, 530):
        for first in range(10):
            national = f"246{exchange}{first}123"
            phones._FACTS.clear()
            for seed_first in (first, (first + 5) % 10):  # a neighbour warms the cache first
                phones._nanp_facts(national[:7], f"246{exchange}{seed_first}999"[:10])
            full = phones._parse_full("+1" + national, None, None, phonenumbers)
            assert phones._nanp(national, None) == full


@pytest.mark.parametrize(
    ("line_type", "phone_type"),
    [
        ("fixed_line", "landline"),
        ("mobile", "mobile"),
        ("fixed_line_or_mobile", "mobile"),  # cannot tell: the stricter TCPA assumption
        ("unknown", "mobile"),
        ("toll_free", "other"),
        ("voip", "other"),
    ],
)
def test_a_phone_type_from_its_line_type(line_type: str, phone_type: str) -> None:
    assert type_for_line(line_type) == phone_type


def test_zones_of_every_example_number_are_libphonenumbers() -> None:
    """Non-geographic numbers' zones are cached per country code: still what
    libphonenumber answers for each number."""
    from phonenumbers import timezone

    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in sorted(phonenumbers.supported_types_for_region(region)):
            example = phonenumbers.example_number_for_type(region, kind)
            possible = phonenumbers.is_possible_number_with_reason(example)
            if example is None or possible != phonenumbers.ValidationResult.IS_POSSIBLE:
                continue
            e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            expected = tuple(
                z for z in timezone.time_zones_for_number(example) if z != "Etc/Unknown"
            )
            assert parse_phone(e164).zones == expected, (region, kind, e164)
            checked += 1
    assert checked > 1000
