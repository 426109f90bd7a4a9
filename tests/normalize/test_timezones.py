from __future__ import annotations

import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.timezones import TimezoneError, normalize_timezone

ZONES = sorted(zoneinfo.available_timezones())


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
