"""Calling windows: may a contact be called at this instant? Pure functions.

Always computed from IANA zones at the moment asked, so DST changes are handled by the tz
database, never by a stored offset. A contact carries the zones whose windows must all be
open (one, or two when its phone prefix and its postal code disagree: the safe window) and,
in the US, its state, which may have stricter hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dialbook.normalize.timezones import zone

Closed = Literal["no_timezone", "holiday", "outside_calling_hours"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_START = dt.time(8, 0)
DEFAULT_END = dt.time(21, 0)  # the US TCPA bound: 8 am to 9 pm in the called party's time


@dataclass(frozen=True, slots=True)
class Hours:
    days: frozenset[int]  # Monday = 0
    start: dt.time
    end: dt.time

    def open_at(self, local: dt.datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end


@dataclass(frozen=True, slots=True)
class Window:
    hours: Hours = Hours(frozenset(range(7)), DEFAULT_START, DEFAULT_END)
    states: Mapping[str, Hours] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()

    def hours_for(self, state: str | None) -> Hours:
        return self.states.get(state, self.hours) if state else self.hours

    def open_for(self, zones: Iterable[str], state: str | None, now: dt.datetime) -> bool:
        """True when ``now`` is inside the window in every one of ``zones``."""
        return self.closed_because(zones, state, now) is None

    def closed_because(
        self, zones: Iterable[str], state: str | None, now: dt.datetime
    ) -> Closed | None:
        """None when ``now`` is inside the window in every one of ``zones``; else why not:
        ``no_timezone`` (no zone), ``holiday`` (a holiday in one of them) or
        ``outside_calling_hours``."""
        hours = self.hours_for(state)
        names = list(zones)
        if not names:
            return "no_timezone"
        locals_ = [now.astimezone(zone(name)) for name in names]
        if any(local.date() in self.holidays for local in locals_):
            return "holiday"
        if not all(hours.open_at(local) for local in locals_):
            return "outside_calling_hours"
        return None

    def next_open(
        self, zones: Iterable[str], state: str | None, after: dt.datetime, days: int = 15
    ) -> dt.datetime | None:
        """The first instant at or after ``after`` inside the window in every one of
        ``zones`` (None: not within ``days``). It is ``after`` itself or a moment the window
        opens in one of the zones, so only those instants are tried."""
        names = list(zones)
        if not names:
            return None
        hours = self.hours_for(state)
        candidates = {after}
        for name in names:
            tz = zone(name)
            first = after.astimezone(tz).date()
            for offset in range(days + 1):
                day = first + dt.timedelta(days=offset)
                opening = dt.datetime.combine(day, hours.start, tzinfo=tz).astimezone(dt.UTC)
                if opening >= after:
                    candidates.add(opening)
        return next((t for t in sorted(candidates) if self.open_for(names, state, t)), None)


def _time(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _days(names: Iterable[str]) -> frozenset[int]:
    return frozenset(WEEKDAYS.index(name) for name in names)


def window_from(settings: Mapping[str, Any] | None) -> Window:
    """The Window of a list's stored ``calling_window`` (None: the default 08:00–21:00)."""
    if not settings:
        return Window()
    days = _days(settings.get("days") or WEEKDAYS)
    hours = Hours(days, _time(settings.get("start", "08:00")), _time(settings.get("end", "21:00")))
    states = {
        state.upper(): Hours(
            _days(override["days"]) if override.get("days") else days,
            _time(override["start"]),
            _time(override["end"]),
        )
        for state, override in (settings.get("state_overrides") or {}).items()
    }
    holidays = frozenset(dt.date.fromisoformat(d) for d in settings.get("holidays") or ())
    return Window(hours, states, holidays)


def zone_key(zones: Iterable[str], state: str | None) -> str | None:
    """The key of a set of zones plus a US state: "America/Chicago|America/New_York@IN"."""
    names = sorted(set(zones))
    if not names:
        return None
    return "|".join(names) + (f"@{state}" if state else "")


def parse_zone_key(key: str) -> tuple[tuple[str, ...], str | None]:
    zones, _, state = key.partition("@")
    return tuple(zones.split("|")), state or None


def state_code(state: str | None, country: str | None) -> str | None:
    """The two-letter US state of an address, when there is one."""
    if not state or country not in (None, "US"):
        return None
    text = state.strip().upper()
    return text if len(text) == 2 and text.isalpha() else None
