"""IANA time zones: checked against the tz database shipped with the tzdata package."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
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


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@cache
def _us_zip_zones() -> tuple[dict[str, str], str]:
    """The ZIP -> zone table of the `zipcodes` package, packed (see
    scripts/build_zip_zones.py): zone per letter, and one letter per ZIP 00000-99999."""
    from importlib.resources import files

    zones, packed = (
        (files("dialbook.normalize") / "data" / "zip_zones.txt").read_text().split("\n")[:2]
    )
    return dict(zip(_ALPHABET, zones.split(), strict=False)), packed


@cache
def _country_zones() -> dict[str, tuple[str, ...]]:
    """ISO country -> its IANA zones, from zone.tab in the tzdata package."""
    from importlib.resources import files

    table: dict[str, list[str]] = {}
    text = (files("tzdata") / "zoneinfo" / "zone.tab").read_text()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _, name = line.split("\t")[:3]
            table.setdefault(country, []).append(name)
    return {country: tuple(names) for country, names in table.items()}


def zone_for_postal_code(postal_code: str, country: str | None) -> str | None:
    """The zone of a US ZIP code (ZIP+4 accepted) of an address in ``country`` "US"; None
    elsewhere (10115 is Berlin as well as New York) or when unknown."""
    if country != "US":
        return None
    digits = postal_code.strip()[:5]
    if len(digits) != 5 or not digits.isdigit():
        return None
    zones, packed = _us_zip_zones()
    return zones.get(packed[int(digits)])


def zone_for_country(country: str) -> str | None:
    """The zone of a country that has only one."""
    zones = _country_zones().get(country.upper(), ())
    return zones[0] if len(zones) == 1 else None


@dataclass(frozen=True, slots=True)
class Inference:
    timezone: str | None
    source: str | None  # "phone" | "postal_code" | "country" | "list_default" | None
    candidates: tuple[str, ...]  # every zone whose calling window must be open


NO_ZONE = Inference(None, None, ())


def infer_timezone(
    *,
    phone_zones: tuple[str, ...],
    postal_code: str | None,
    country: str | None,
    list_default: str | None,
    phone_country: str | None = None,
) -> Inference:
    """Infer a contact's zone: phone prefix, then postal code, then country, then list default.

    ``phone_zones`` are libphonenumber's zones for the number's prefix; several mean the
    prefix is ambiguous (toll-free, multi-zone area codes) and give no phone zone. When the
    phone and the postal code name different zones, both are kept as candidates: the
    contact may only be called while both zones are inside the window (the safe window).

    The postal code is read as a US ZIP only when the contact is in the US: by its
    ``country``, or, with none, by ``phone_country`` (its first phone's).
    """
    phone_zone = phone_zones[0] if len(phone_zones) == 1 else None
    place = country or phone_country
    postal_zone = zone_for_postal_code(postal_code, place) if postal_code else None
    if phone_zone and postal_zone and phone_zone != postal_zone:
        return Inference(phone_zone, "phone", (phone_zone, postal_zone))
    if phone_zone:
        return Inference(phone_zone, "phone", (phone_zone,))
    if postal_zone:
        return Inference(postal_zone, "postal_code", (postal_zone,))
    country_zone = zone_for_country(country) if country else None
    if country_zone:
        return Inference(country_zone, "country", (country_zone,))
    if list_default:
        return Inference(list_default, "list_default", (list_default,))
    return NO_ZONE
