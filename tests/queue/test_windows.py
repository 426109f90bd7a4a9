from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.zone_keys import parse_zone_key, zone_key
from dialbook.queue.windows import Window, window_from

UTC = dt.UTC


def test_default_is_8_to_21_local_across_dst() -> None:
    window = Window()
    # 2026-03-08: US clocks spring forward at 02:00 local. 12:59 UTC = 08:59 EDT (open),
    # the same UTC time a day earlier was 07:59 EST (closed).
    assert window.open_for(["America/New_York"], None, dt.datetime(2026, 3, 8, 12, 59, tzinfo=UTC))
    assert not window.open_for(
        ["America/New_York"], None, dt.datetime(2026, 3, 7, 12, 59, tzinfo=UTC)
    )
    # 2026-11-01: back to EST. 01:30 UTC on Nov 2 = 20:30 EST (open), 02:00 UTC = 21:00 (closed).
    assert window.open_for(["America/New_York"], None, dt.datetime(2026, 11, 2, 1, 30, tzinfo=UTC))
    assert not window.open_for(
        ["America/New_York"], None, dt.datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    )
    # 2026-03-29: EU summer time. 07:00 UTC = 08:00 BST (open) but was 07:00 GMT the day before.
    assert window.open_for(["Europe/London"], None, dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC))
    assert not window.open_for(["Europe/London"], None, dt.datetime(2026, 3, 28, 7, 0, tzinfo=UTC))


def test_safe_window_needs_every_zone_open() -> None:
    zones = ["America/New_York", "America/Chicago"]
    at_8_eastern = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # 08:00 EDT, 07:00 CDT
    assert not Window().open_for(zones, None, at_8_eastern)
    at_9_eastern = dt.datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    assert Window().open_for(zones, None, at_9_eastern)
    at_2030_central = dt.datetime(2026, 6, 2, 1, 30, tzinfo=UTC)  # 21:30 EDT: closed there
    assert not Window().open_for(zones, None, at_2030_central)


def test_days_holidays_and_state_hours() -> None:
    window = window_from(
        {
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "start": "09:00",
            "end": "17:00",
            "state_overrides": {"ca": {"start": "10:00", "end": "16:00"}},
            "holidays": ["2026-07-03"],
        }
    )
    la = ["America/Los_Angeles"]
    wednesday_0930 = dt.datetime(2026, 7, 1, 16, 30, tzinfo=UTC)
    assert window.open_for(la, None, wednesday_0930)
    assert not window.open_for(la, "CA", wednesday_0930)
    assert window.open_for(la, "CA", wednesday_0930 + dt.timedelta(hours=1))
    assert not window.open_for(la, None, dt.datetime(2026, 7, 3, 18, 0, tzinfo=UTC))  # holiday
    assert not window.open_for(la, None, dt.datetime(2026, 7, 4, 18, 0, tzinfo=UTC))  # Saturday
    assert not window.open_for([], None, wednesday_0930)


@given(
    st.datetimes(
        min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(
        ["America/New_York", "America/Phoenix", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"]
    ),
)
def test_open_exactly_when_local_time_is_inside(now: dt.datetime, name: str) -> None:
    local = now.astimezone(ZoneInfo(name))
    expected = dt.time(8) <= local.time() < dt.time(21)
    assert Window().open_for([name], None, now) is expected


@given(
    st.lists(st.sampled_from(["America/Chicago", "Europe/Paris", "Asia/Tokyo"]), min_size=1),
    st.sampled_from([None, "TX"]),
)
def test_zone_keys_round_trip(zones: list[str], state: str | None) -> None:
    key = zone_key(zones, state)
    assert key is not None
    assert parse_zone_key(key) == (tuple(sorted(set(zones))), (state,) if state else ())


def test_next_open_across_a_weekend_and_dst() -> None:
    window = window_from({"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00"})
    saturday_night = dt.datetime(2026, 3, 8, 3, 0, tzinfo=UTC)  # Sat 22:00 EST
    # Monday 09:00, after the spring-forward: EDT, 13:00 UTC (it was 14:00 UTC a week before).
    assert window.next_open(["America/New_York"], None, saturday_night) == dt.datetime(
        2026, 3, 9, 13, 0, tzinfo=UTC
    )
    open_now = dt.datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert window.next_open(["America/New_York"], None, open_now) == open_now
    # Two zones: open when the later of the two openings comes (09:00 Central).
    both = window.next_open(["America/New_York", "America/Chicago"], None, saturday_night)
    assert both == dt.datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert window.next_open([], None, saturday_night) is None
    # A window no zone ever opens (every day a holiday would; here: no days).
    closed = Window(window.hours.__class__(frozenset(), dt.time(9), dt.time(20)))
    assert closed.next_open(["America/New_York"], None, saturday_night) is None


def test_closed_because_names_the_holiday_before_the_hours() -> None:
    window = window_from({"start": "09:00", "end": "20:00", "holidays": ["2026-12-25"]})
    night = dt.datetime(2026, 12, 25, 3, 0, tzinfo=UTC)  # 22:00 on the 24th in New York
    assert window.closed_because(["America/New_York"], None, night) == "outside_calling_hours"
    # 03:00 UTC is already the 25th in Berlin: a holiday there, whatever the hour.
    assert window.closed_because(["America/New_York", "Europe/Berlin"], None, night) == "holiday"
    assert window.closed_because([], None, night) == "no_timezone"
    noon = dt.datetime(2026, 12, 24, 17, 0, tzinfo=UTC)
    assert window.closed_because(["America/New_York"], None, noon) is None


@given(
    after=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(UTC),
    ),
    zones=st.lists(
        st.sampled_from(
            ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London"]
        ),
        min_size=1,
        max_size=2,
    ),
    state=st.sampled_from([None, "FL"]),
)
def test_next_open_is_an_opening_and_nothing_before_it_is_open(
    after: dt.datetime, zones: list[str], state: str | None
) -> None:
    window = window_from(
        {
            "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
            "start": "09:00",
            "end": "20:00",
            "state_overrides": {"FL": {"start": "13:00", "end": "18:00"}},
            "holidays": ["2026-12-25", "2027-01-01"],
        }
    )
    found = window.next_open(zones, state, after)
    if found is None:  # windows that never overlap (Florida's hours in LA and London)
        halves = (after + dt.timedelta(minutes=30 * i) for i in range(16 * 48))
        assert not any(window.open_for(zones, state, t) for t in halves)
        return
    assert window.open_for(zones, state, found)
    assert found == after or not window.open_for(zones, state, found - dt.timedelta(minutes=1))
    step = (found - after) / 50
    for i in range(50):
        assert not window.open_for(zones, state, after + step * i) or found == after


# -- the built-in US state rules ------------------------------------------------------------


@given(
    after=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(["America/New_York", "America/Chicago", "America/Denver"]),
    states=st.lists(st.sampled_from(["FL", "TX", "AL", "LA", "MS", "RI", "NY"]), max_size=2),
    overrides=st.booleans(),
)
def test_next_open_with_the_state_rules_is_the_first_open_instant(
    after: dt.datetime, zone: str, states: list[str], overrides: bool
) -> None:
    settings = {"state_overrides": {"TX": {"start": "13:00", "end": "22:00"}}} if overrides else {}
    window = window_from(settings, us_state_rules=True)
    found = window.next_open([zone], states, after)
    assert found is not None  # every state rule opens within 15 days
    assert window.open_for([zone], states, found)
    # Nothing open the minute before it, nor at 50 steps from ``after`` to it.
    assert found == after or not window.open_for([zone], states, found - dt.timedelta(minutes=1))
    step = (found - after) / 50
    earlier = (after + step * i for i in range(50))
    assert found == after or not any(window.open_for([zone], states, t) for t in earlier)
    # The built-in rules never open wider than the list's own hours.
    assert window_from(settings).open_for([zone], states, found)


def test_state_rules_apply_only_when_turned_on_and_the_stricter_wins() -> None:
    sunday_11 = dt.datetime(2026, 6, 7, 16, 0, tzinfo=UTC)  # 11:00 CDT
    chicago = ["America/Chicago"]
    assert window_from(None).open_for(chicago, "TX", sunday_11)
    on = window_from(None, us_state_rules=True)
    assert on.closed_because(chicago, "TX", sunday_11) == "outside_calling_hours"
    (closure,) = on.closures(chicago, "TX", sunday_11)
    assert closure.kind == "state_rule"
    assert closure.rule is not None
    assert "301.051" in closure.rule.citation
    # Two states: both apply (Texas's Sunday noon, Alabama's no Sunday at all).
    sunday_13 = sunday_11 + dt.timedelta(hours=2)
    assert on.open_for(chicago, ("TX",), sunday_13)
    assert not on.open_for(chicago, ("AL", "TX"), sunday_13)
    assert on.next_open(chicago, ("AL", "TX"), sunday_13) == dt.datetime(
        2026, 6, 8, 14, 0, tzinfo=UTC
    )  # Monday 09:00 CDT: Texas's weekday start, after Alabama's 08:00


def test_restricted_holidays_and_their_observed_days() -> None:
    from dialbook.queue import state_rules

    alabama = state_rules.book().states["AL"]
    assert alabama.holiday(dt.date(2026, 7, 4)) == "Independence Day"  # a Saturday
    assert alabama.holiday(dt.date(2026, 7, 3)) == "Independence Day (observed)"
    assert alabama.holiday(dt.date(2027, 12, 24)) == "Christmas Day (observed)"  # Sat 25th
    assert alabama.holiday(dt.date(2026, 5, 25)) == "National Memorial Day"  # last Monday
    assert alabama.holiday(dt.date(2026, 5, 26)) is None
    rhode_island = state_rules.book().states["RI"]
    assert rhode_island.holiday(dt.date(2027, 7, 5)) == "Independence Day (observed)"  # Sunday 4th
    assert rhode_island.holiday(dt.date(2026, 8, 10)) == "Victory Day"
    # Observed across the new year: 1 January 2028 is a Saturday.
    assert alabama.holiday(dt.date(2027, 12, 31)) == "New Year's Day (observed)"


def test_area_codes_name_their_state() -> None:
    from dialbook.normalize.area_codes import area_code_state, phone_states

    assert area_code_state("+13055550100") == "FL"
    assert area_code_state("+14055550100") == "OK"
    assert area_code_state("+14165550100") is None  # Toronto
    assert area_code_state("+18005550100") is None  # toll-free
    assert area_code_state("+443055550100") is None
    phones = [
        {"number": "+13015550100"},
        {"number": "+15555550100", "valid": False},
        {"number": "+12125550100", "valid": True},
    ]
    assert phone_states(phones) == {"MD", "NY"}
