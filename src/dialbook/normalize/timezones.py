"""IANA time zones: checked against the tz database shipped with the tzdata package."""

from __future__ import annotations

import zoneinfo
from functools import cache


class TimezoneError(ValueError):
    pass


@cache
def _known_zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def normalize_timezone(raw: str) -> str:
    """The canonical spelling of an IANA zone name: "america/chicago" -> "America/Chicago"."""
    name = _known_zones().get(raw.strip().lower())
    if name is None:
        raise TimezoneError("is not an IANA time zone such as America/Chicago")
    return name


@cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)
