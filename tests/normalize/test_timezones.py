from __future__ import annotations

import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.timezones import (
    WINDOWS_ZONES,
    TimezoneError,
    _offsets,
    is_fixed_offset,
    normalize_timezone,
    read_timezone,
)

ALL_ZONES = sorted(zoneinfo.available_timezones())
ZONES = [name for name in ALL_ZONES if not is_fixed_offset(name)]


@given(st.sampled_from(ZONES))
def test_every_iana_zone_is_kept_in_any_case(name: str) -> None:
    assert normalize_timezone(name) == name
    assert normalize_timezone(name.lower()) == name
    assert normalize_timezone(f" {name.upper()} ") == name


@given(st.text(max_size=40))
def test_anything_else_is_an_error(raw: str) -> None:
    try:
        result = normalize_timezone(raw)
    except TimezoneError:
        return
    assert result in ZONES


@pytest.mark.parametrize("raw", ["EST5", "Mars/Olympus", "America/Chicag", ""])
def test_rejected(raw: str) -> None:
    with pytest.raises(TimezoneError):
        normalize_timezone(raw)


@pytest.mark.parametrize("raw", ["EST", "Etc/GMT+5", "UTC", "etc/utc", "MST", "HST", "GMT"])
def test_a_fixed_offset_is_not_a_zone(raw: str) -> None:
    with pytest.raises(TimezoneError, match="fixed offset"):
        normalize_timezone(raw)


def test_fixed_offsets_are_what_they_say() -> None:
    # Every name read as a fixed offset keeps one UTC offset all year.
    for name in ALL_ZONES:
        if is_fixed_offset(name):
            january, july = _offsets(name)
            assert january == july, name


@pytest.mark.parametrize(
    ("raw", "country", "phone", "zone"),
    [
        ("PST", None, None, "America/Los_Angeles"),
        ("Eastern", None, None, "America/New_York"),
        ("EST", "US", None, "America/New_York"),  # a fixed offset in tzdata: read as Eastern
        ("EDT", None, None, "America/New_York"),
        ("Eastern Time", "US", None, "America/New_York"),
        ("US/Eastern", None, None, "America/New_York"),
        ("eastern standard time", None, None, "America/New_York"),
        ("EST", "CA", None, "America/Toronto"),
        ("Central Standard Time", None, None, "America/Chicago"),
        ("Central", "CA", None, "America/Winnipeg"),
        ("MST", "US", "America/Phoenix", "America/Phoenix"),  # Arizona keeps standard time
        ("Mountain", "US", None, "America/Denver"),
        ("Pacific Daylight Time", None, None, "America/Los_Angeles"),
        ("AKST", None, None, "America/Anchorage"),
        ("Hawaii", "US", None, "Pacific/Honolulu"),
        ("Atlantic", "CA", None, "America/Halifax"),
        ("Atlantic", "PR", None, "America/Puerto_Rico"),
        ("W. Europe Standard Time", None, None, "Europe/Berlin"),
        ("W. Europe Standard Time", "FR", None, "Europe/Paris"),
        ("Tokyo Standard Time", None, None, "Asia/Tokyo"),
        ("GMT-5", "CO", None, "America/Bogota"),
        ("Etc/GMT+5", "CO", None, "America/Bogota"),  # POSIX sign: five hours behind
        ("UTC+05:30", "IN", None, "Asia/Kolkata"),
        ("UTC+1", "FR", None, "Europe/Paris"),
        ("GMT-5", "US", None, "America/New_York"),  # a standard offset: Eastern
        ("GMT-7", "US", "America/Phoenix", "America/Phoenix"),
        ("GMT", "PT", None, "Europe/Lisbon"),  # not the Azores (GMT in summer only)
        ("america/chicago", "DE", None, "America/Chicago"),  # a real zone is itself
    ],
)
def test_what_people_write_is_read_as_a_real_zone(
    raw: str, country: str | None, phone: str | None, zone: str
) -> None:
    reading = read_timezone(raw, country=country, phone_zones=(phone,) if phone else ())
    assert (reading.zone, reading.problem) == (zone, None)


@pytest.mark.parametrize(
    ("raw", "country", "problem"),
    [
        ("GMT-5", None, "fixed offset"),  # which country?
        ("GMT-7", "US", "no single time zone of US"),  # Denver keeps DST, Phoenix does not
        ("Etc/GMT+5", None, "fixed offset"),
        ("Eastern", "DE", "not a time zone of DE"),
        ("Atlantic", "US", "not a time zone of US"),
        ("PST8", None, "not a time zone"),
        ("Mars/Olympus", None, "not a time zone"),
    ],
)
def test_what_cannot_be_read_for_the_country_is_ignored(
    raw: str, country: str | None, problem: str
) -> None:
    reading = read_timezone(raw, country=country)
    assert reading.zone is None
    assert reading.problem is not None
    assert problem in reading.problem


def test_the_windows_table_names_real_zones() -> None:
    for windows, name in WINDOWS_ZONES.items():
        assert name in ZONES, windows
        assert read_timezone(windows).zone == name


@given(
    st.text(max_size=30),
    st.sampled_from([None, "US", "CA", "FR", "DE", "IN", "BR", "AU"]),
    st.sampled_from([(), ("America/Phoenix",), ("Europe/Paris",)]),
)
def test_a_reading_is_a_real_zone_or_nothing(
    raw: str, country: str | None, phones: tuple[str, ...]
) -> None:
    reading = read_timezone(raw, country=country, phone_zones=phones)
    if reading.zone is not None:
        assert reading.zone in ZONES
        assert not is_fixed_offset(reading.zone)


@given(st.sampled_from(ZONES), st.sampled_from([None, "US", "CA", "FR", "JP"]))
def test_a_real_zone_reads_as_a_real_zone_in_any_country(name: str, country: str | None) -> None:
    reading = read_timezone(name.lower(), country=country)
    if name.casefold().startswith(("us/", "canada/")):
        # Links named like the North American zones read as the country's zone of that
        # name (US/Eastern in Canada: America/Toronto), else as themselves.
        assert reading.zone is not None
        assert not is_fixed_offset(reading.zone)
    else:
        assert reading.zone == name
