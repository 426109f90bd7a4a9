"""The built-in US state calling rules (us_state_rules.toml), read once. Pure.

Per state: calling hours by weekday, restricted holidays (with their observed days) and a
frequency cap, each citing its source. ``windows.Window`` applies them on top of a list's
own calling window when the list's ``compliance.us_state_rules`` is on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class DayHours:
    days: frozenset[int]  # Monday = 0
    start: dt.time
    end: dt.time


@dataclass(frozen=True, slots=True)
class Cap:
    """At most ``count`` calls to one number within any ``hours`` hours."""

    count: int
    hours: int


@dataclass(frozen=True, slots=True)
class StateRule:
    state: str
    name: str
    law: str  # the statute or regulation, with its section
    url: str
    effective: dt.date
    hours: tuple[DayHours, ...]
    holidays: tuple[tuple[str, str], ...]  # (name, date rule)
    observed: str
    cap: Cap | None
    note: str

    @property
    def citation(self) -> str:
        return f"{self.law} ({self.url}), in force since {self.effective.isoformat()}"

    def open_at(self, local: dt.datetime) -> bool:
        """Inside the state's hours for that weekday (holidays aside)."""
        return any(
            local.weekday() in h.days and h.start <= local.time() < h.end for h in self.hours
        )

    def hours_on(self, day: dt.date) -> DayHours | None:
        return next((h for h in self.hours if day.weekday() in h.days), None)

    def holiday(self, day: dt.date) -> str | None:
        """The name of the restricted holiday on ``day`` (None: not one)."""
        return _holidays(self.state, day.year).get(day)


@dataclass(frozen=True, slots=True)
class RuleBook:
    version: str
    states: Mapping[str, StateRule]
    unverified: Mapping[str, str]
    raw: Mapping[str, Any]  # the file as read, for the API


def _time(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _rule(state: str, data: Mapping[str, Any]) -> StateRule:
    cap = data.get("cap")
    return StateRule(
        state=state,
        name=data["name"],
        law=data["law"],
        url=data["url"],
        effective=dt.date.fromisoformat(data["effective"]),
        hours=tuple(
            DayHours(
                frozenset(WEEKDAYS.index(d) for d in h["days"]), _time(h["start"]), _time(h["end"])
            )
            for h in data["hours"]
        ),
        holidays=tuple((h["name"], h["date"]) for h in data.get("holidays", ())),
        observed=data.get("observed", "none"),
        cap=Cap(int(cap["count"]), int(cap["hours"])) if cap else None,
        note=data.get("note", ""),
    )


@functools.cache
def book() -> RuleBook:
    """The rules file, read on first use."""
    raw = tomllib.loads((files("dialbook.queue") / "us_state_rules.toml").read_text())
    states = {code: _rule(code, data) for code, data in raw["states"].items()}
    return RuleBook(str(raw["version"]), states, dict(raw.get("unverified", {})), raw)


def rules_for(states: Iterable[str]) -> list[StateRule]:
    found = book().states
    return [found[s] for s in states if s in found]


def strictest_cap(states: Iterable[str]) -> tuple[Cap, StateRule] | None:
    """The cap that covers every cap of ``states``: the fewest calls over the longest
    window (stricter than each), with the rule it cites (the first of the fewest)."""
    capped = [(r.cap, r) for r in rules_for(states) if r.cap is not None]
    if not capped:
        return None
    count = min(cap.count for cap, _ in capped)
    hours = max(cap.hours for cap, _ in capped)
    rule = next(r for cap, r in capped if cap.count == count)
    return Cap(count, hours), rule


def _date_of(rule: str, year: int) -> dt.date:
    if not rule.startswith("nth:"):
        month, day = rule.split("-")
        return dt.date(year, int(month), int(day))
    _, weekday, n, month = rule.split(":")
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, int(month))
        if d.month == int(month) and d.weekday() == WEEKDAYS.index(weekday)
    ]
    return days[int(n) - 1] if int(n) > 0 else days[int(n)]


@functools.cache
def _holidays(state: str, year: int) -> dict[dt.date, str]:
    """A state's restricted days of ``year``: each holiday's date and its observed day."""
    rule = book().states[state]
    found: dict[dt.date, str] = {}
    for y in (year - 1, year, year + 1):  # an observed day may cross the new year
        for name, date_rule in rule.holidays:
            day = _date_of(date_rule, y)
            found.setdefault(day, name)
            observed = _observed(day, rule.observed)
            if observed is not None:
                found.setdefault(observed, f"{name} (observed)")
    return {day: name for day, name in found.items() if day.year == year}


def _observed(day: dt.date, how: str) -> dt.date | None:
    if day.weekday() == 6 and how in ("sunday_to_monday", "weekend_to_weekday"):
        return day + dt.timedelta(days=1)
    if day.weekday() == 5 and how == "weekend_to_weekday":
        return day - dt.timedelta(days=1)
    return None
