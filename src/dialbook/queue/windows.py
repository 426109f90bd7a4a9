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
from dialbook.queue import state_rules

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
class Closure:
    """Why a window is closed in one zone: the rule that closes it."""

    reason: Literal["holiday", "outside_calling_hours"]
    kind: Literal["holiday", "calling_window", "state_override", "state_rule"]
    zone: str
    local: dt.datetime
    state: str | None = None
    hours: Hours | None = None  # the list's or the override's hours that closed it
    rule: state_rules.StateRule | None = None  # a built-in rule (kind state_rule)
    holiday: str | None = None  # a built-in holiday's name


def states_of(states: str | Iterable[str] | None) -> tuple[str, ...]:
    """The states a window applies: none, one, or several (address and area codes)."""
    if states is None:
        return ()
    return (states,) if isinstance(states, str) else tuple(states)


@dataclass(frozen=True, slots=True)
class Window:
    hours: Hours = Hours(frozenset(range(7)), DEFAULT_START, DEFAULT_END)
    states: Mapping[str, Hours] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()
    # The built-in US state rules (state_rules.book()) apply on top: the stricter wins.
    us_state_rules: bool = False

    def _operator_hours(self, states: tuple[str, ...]) -> list[tuple[str | None, Hours]]:
        """The list's hours for each state (its override, else the list's own hours)."""
        return [(s, self.states[s]) for s in states if s in self.states] + (
            [] if all(s in self.states for s in states) and states else [(None, self.hours)]
        )

    def open_for(
        self, zones: Iterable[str], state: str | Iterable[str] | None, now: dt.datetime
    ) -> bool:
        """True when ``now`` is inside the window in every one of ``zones``."""
        return self.closed_because(zones, state, now) is None

    def closed_because(
        self, zones: Iterable[str], state: str | Iterable[str] | None, now: dt.datetime
    ) -> Closed | None:
        """None when ``now`` is inside the window in every one of ``zones``; else why not:
        ``no_timezone`` (no zone), ``holiday`` (a holiday in one of them) or
        ``outside_calling_hours``."""
        names = list(zones)
        if not names:
            return "no_timezone"
        found = self.closures(names, state, now)
        return found[0].reason if found else None

    def closures(
        self, zones: Iterable[str], state: str | Iterable[str] | None, now: dt.datetime
    ) -> list[Closure]:
        """Every rule that closes the window at ``now``, holidays first: the list's
        holidays, the built-in states' holidays, the list's hours (or its state override),
        the built-in states' hours. Several states (address and area codes) all apply."""
        states = states_of(state)
        builtin = state_rules.rules_for(states) if self.us_state_rules else []
        operator = self._operator_hours(states)
        holidays: list[Closure] = []
        hours: list[Closure] = []
        for name in zones:
            local = now.astimezone(zone(name))
            if local.date() in self.holidays:
                holidays.append(Closure("holiday", "holiday", name, local))
            for rule in builtin:
                holiday = rule.holiday(local.date())
                if holiday is not None:
                    holidays.append(
                        Closure(
                            "holiday",
                            "state_rule",
                            name,
                            local,
                            rule.state,
                            rule=rule,
                            holiday=holiday,
                        )
                    )
            for st, h in operator:
                if not h.open_at(local):
                    kind: Literal["calling_window", "state_override"] = (
                        "state_override" if st else "calling_window"
                    )
                    hours.append(Closure("outside_calling_hours", kind, name, local, st, h))
            for rule in builtin:
                if not rule.open_at(local):
                    hours.append(
                        Closure(
                            "outside_calling_hours",
                            "state_rule",
                            name,
                            local,
                            rule.state,
                            rule=rule,
                        )
                    )
        return holidays + hours

    def next_open(
        self,
        zones: Iterable[str],
        state: str | Iterable[str] | None,
        after: dt.datetime,
        days: int = 15,
    ) -> dt.datetime | None:
        """The first instant at or after ``after`` inside the window in every one of
        ``zones`` (None: not within ``days``). It is ``after`` itself or a moment some rule
        opens in one of the zones (an opening hour, or midnight after a holiday), so only
        those instants are tried."""
        names = list(zones)
        if not names:
            return None
        states = states_of(state)
        starts = {h.start for _, h in self._operator_hours(states)} | {dt.time(0)}
        if self.us_state_rules:
            starts |= {h.start for r in state_rules.rules_for(states) for h in r.hours}
        candidates = {after}
        for name in names:
            tz = zone(name)
            first = after.astimezone(tz).date()
            for offset in range(days + 1):
                day = first + dt.timedelta(days=offset)
                for start in starts:
                    opening = dt.datetime.combine(day, start, tzinfo=tz).astimezone(dt.UTC)
                    if opening >= after:
                        candidates.add(opening)
        return next((t for t in sorted(candidates) if self.open_for(names, states, t)), None)


def _time(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _days(names: Iterable[str]) -> frozenset[int]:
    return frozenset(WEEKDAYS.index(name) for name in names)


def window_from(settings: Mapping[str, Any] | None, *, us_state_rules: bool = False) -> Window:
    """The Window of a list's stored ``calling_window`` (None: the default 08:00–21:00),
    with the built-in US state rules on top when ``us_state_rules``."""
    if not settings:
        return Window(us_state_rules=us_state_rules)
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
    return Window(hours, states, holidays, us_state_rules)
