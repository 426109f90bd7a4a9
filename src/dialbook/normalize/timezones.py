"""IANA time zones: checked against the tz database shipped with the tzdata package."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from functools import cache, lru_cache


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
    if is_fixed_offset(name):
        raise TimezoneError(
            "is a fixed offset, without daylight saving: use a zone such as America/New_York"
        )
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


# The contacts of a list share a few places (a phone prefix's zones, a ZIP code, a
# country): each is inferred once. Every argument and the Inference are immutable. An
# entry takes ~450 bytes, in every import worker: 8,192 of them keep a worker's share of
# the import's memory target (65,536 put a 1M-row import at 301 MB of its 300).
@lru_cache(maxsize=8192)
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


# -- what people write instead of an IANA zone ----------------------------------------------

# IANA names of fixed offsets: they never change with the seasons, so a contact given one
# would be called by the wrong clock half the year. They are read as the offset they are.
_FIXED = frozenset(
    {"est", "mst", "hst", "utc", "uct", "gmt", "gmt0", "gmt+0", "gmt-0", "greenwich",
     "universal", "zulu", "factory"}
)  # fmt: skip

# Names of North American zones (with and without "time", "standard", "daylight"), each
# with a zone that keeps that zone's rules; the contact's country picks its own zone of the
# same standard offset (Eastern in Canada: America/Toronto).
_NAMED = {
    "America/New_York": "eastern et est edt us/eastern canada/eastern",
    "America/Chicago": "central ct cst cdt us/central canada/central",
    "America/Denver": "mountain mt mst mdt us/mountain canada/mountain",
    "America/Los_Angeles": "pacific pt pst pdt us/pacific canada/pacific",
    "America/Anchorage": "alaska ak akt akst akdt alaskan us/alaska",
    "Pacific/Honolulu": "hawaii hawaiian hst us/hawaii",
    "America/Halifax": "atlantic at ast adt canada/atlantic",
    "America/St_Johns": "newfoundland nt nst ndt canada/newfoundland",
}
_SUFFIXES = ("", " time", " standard time", " daylight time", " time zone", " timezone")

# Windows time zone names -> IANA, from the Unicode CLDR's windowsZones.xml
# (common/supplemental/windowsZones.xml, the territory "001" row of each mapZone), with
# tzdata's current names for the zones CLDR still spells the old way (Asia/Calcutta ->
# Asia/Kolkata). Windows zones that are fixed offsets (UTC, UTC-11, "Dateline Standard
# Time", ...) are left out: they are read as offsets.
WINDOWS_ZONES = {
    "Aleutian Standard Time": "America/Adak",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Marquesas Standard Time": "Pacific/Marquesas",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time (Mexico)": "America/Tijuana",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time (Mexico)": "America/Mazatlan",
    "Mountain Standard Time": "America/Denver",
    "Yukon Standard Time": "America/Whitehorse",
    "Central America Standard Time": "America/Guatemala",
    "Central Standard Time": "America/Chicago",
    "Easter Island Standard Time": "Pacific/Easter",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Canada Central Standard Time": "America/Regina",
    "SA Pacific Standard Time": "America/Bogota",
    "Eastern Standard Time (Mexico)": "America/Cancun",
    "Eastern Standard Time": "America/New_York",
    "Haiti Standard Time": "America/Port-au-Prince",
    "Cuba Standard Time": "America/Havana",
    "US Eastern Standard Time": "America/Indiana/Indianapolis",
    "Turks And Caicos Standard Time": "America/Grand_Turk",
    "Paraguay Standard Time": "America/Asuncion",
    "Atlantic Standard Time": "America/Halifax",
    "Venezuela Standard Time": "America/Caracas",
    "Central Brazilian Standard Time": "America/Cuiaba",
    "SA Western Standard Time": "America/La_Paz",
    "Pacific SA Standard Time": "America/Santiago",
    "Newfoundland Standard Time": "America/St_Johns",
    "Tocantins Standard Time": "America/Araguaina",
    "E. South America Standard Time": "America/Sao_Paulo",
    "SA Eastern Standard Time": "America/Cayenne",
    "Argentina Standard Time": "America/Argentina/Buenos_Aires",
    "Greenland Standard Time": "America/Nuuk",
    "Montevideo Standard Time": "America/Montevideo",
    "Magallanes Standard Time": "America/Punta_Arenas",
    "Saint Pierre Standard Time": "America/Miquelon",
    "Bahia Standard Time": "America/Bahia",
    "Azores Standard Time": "Atlantic/Azores",
    "Cape Verde Standard Time": "Atlantic/Cape_Verde",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "Sao Tome Standard Time": "Africa/Sao_Tome",
    "Morocco Standard Time": "Africa/Casablanca",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "Jordan Standard Time": "Asia/Amman",
    "GTB Standard Time": "Europe/Bucharest",
    "Middle East Standard Time": "Asia/Beirut",
    "Egypt Standard Time": "Africa/Cairo",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Syria Standard Time": "Asia/Damascus",
    "West Bank Standard Time": "Asia/Hebron",
    "South Africa Standard Time": "Africa/Johannesburg",
    "FLE Standard Time": "Europe/Kyiv",
    "Israel Standard Time": "Asia/Jerusalem",
    "South Sudan Standard Time": "Africa/Juba",
    "Kaliningrad Standard Time": "Europe/Kaliningrad",
    "Sudan Standard Time": "Africa/Khartoum",
    "Libya Standard Time": "Africa/Tripoli",
    "Namibia Standard Time": "Africa/Windhoek",
    "Arabic Standard Time": "Asia/Baghdad",
    "Turkey Standard Time": "Europe/Istanbul",
    "Arab Standard Time": "Asia/Riyadh",
    "Belarus Standard Time": "Europe/Minsk",
    "Russian Standard Time": "Europe/Moscow",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Volgograd Standard Time": "Europe/Volgograd",
    "Iran Standard Time": "Asia/Tehran",
    "Arabian Standard Time": "Asia/Dubai",
    "Astrakhan Standard Time": "Europe/Astrakhan",
    "Azerbaijan Standard Time": "Asia/Baku",
    "Russia Time Zone 3": "Europe/Samara",
    "Mauritius Standard Time": "Indian/Mauritius",
    "Saratov Standard Time": "Europe/Saratov",
    "Georgian Standard Time": "Asia/Tbilisi",
    "Caucasus Standard Time": "Asia/Yerevan",
    "Afghanistan Standard Time": "Asia/Kabul",
    "West Asia Standard Time": "Asia/Tashkent",
    "Ekaterinburg Standard Time": "Asia/Yekaterinburg",
    "Pakistan Standard Time": "Asia/Karachi",
    "Qyzylorda Standard Time": "Asia/Qyzylorda",
    "India Standard Time": "Asia/Kolkata",
    "Sri Lanka Standard Time": "Asia/Colombo",
    "Nepal Standard Time": "Asia/Kathmandu",
    "Bangladesh Standard Time": "Asia/Dhaka",
    "Omsk Standard Time": "Asia/Omsk",
    "Myanmar Standard Time": "Asia/Yangon",
    "SE Asia Standard Time": "Asia/Bangkok",
    "Altai Standard Time": "Asia/Barnaul",
    "W. Mongolia Standard Time": "Asia/Hovd",
    "North Asia Standard Time": "Asia/Krasnoyarsk",
    "N. Central Asia Standard Time": "Asia/Novosibirsk",
    "Tomsk Standard Time": "Asia/Tomsk",
    "China Standard Time": "Asia/Shanghai",
    "North Asia East Standard Time": "Asia/Irkutsk",
    "Singapore Standard Time": "Asia/Singapore",
    "W. Australia Standard Time": "Australia/Perth",
    "Taipei Standard Time": "Asia/Taipei",
    "Ulaanbaatar Standard Time": "Asia/Ulaanbaatar",
    "Aus Central W. Standard Time": "Australia/Eucla",
    "Transbaikal Standard Time": "Asia/Chita",
    "Tokyo Standard Time": "Asia/Tokyo",
    "North Korea Standard Time": "Asia/Pyongyang",
    "Korea Standard Time": "Asia/Seoul",
    "Yakutsk Standard Time": "Asia/Yakutsk",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin",
    "E. Australia Standard Time": "Australia/Brisbane",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "West Pacific Standard Time": "Pacific/Port_Moresby",
    "Tasmania Standard Time": "Australia/Hobart",
    "Vladivostok Standard Time": "Asia/Vladivostok",
    "Lord Howe Standard Time": "Australia/Lord_Howe",
    "Bougainville Standard Time": "Pacific/Bougainville",
    "Russia Time Zone 10": "Asia/Srednekolymsk",
    "Magadan Standard Time": "Asia/Magadan",
    "Norfolk Standard Time": "Pacific/Norfolk",
    "Sakhalin Standard Time": "Asia/Sakhalin",
    "Central Pacific Standard Time": "Pacific/Guadalcanal",
    "Russia Time Zone 11": "Asia/Kamchatka",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Fiji Standard Time": "Pacific/Fiji",
    "Chatham Islands Standard Time": "Pacific/Chatham",
    "Tonga Standard Time": "Pacific/Tongatapu",
    "Samoa Standard Time": "Pacific/Apia",
    "Line Islands Standard Time": "Pacific/Kiritimati",
}

_OFFSET = re.compile(r"^(?:gmt|utc|z)?\s*([+-])\s*(\d{1,2})(?:\s*:?\s*(\d{2}))?$")
_ETC = re.compile(r"^etc/(?:gmt|utc)([+-])(\d{1,2})$")


def _words(text: str) -> str:
    return " ".join(text.replace(".", "").replace("_", " ").split()).casefold()


@cache
def _references() -> dict[str, str]:
    """What people write (normalized by :func:`_words`) -> a zone with its rules."""
    names = {_words(name): zone for name, zone in WINDOWS_ZONES.items()}
    for zone_name, spellings in _NAMED.items():
        for word in spellings.split():
            names[word] = zone_name
            for suffix in _SUFFIXES:
                names[_words(word + suffix)] = zone_name
    return names


_JANUARY = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)
_JULY = dt.datetime(2025, 7, 15, 12, tzinfo=dt.UTC)


@cache
def _offsets(name: str) -> tuple[int, int]:
    """(January, July) UTC offsets of a zone, in minutes."""
    tz = zone(name)
    return tuple(  # type: ignore[return-value]
        int(when.astimezone(tz).utcoffset().total_seconds()) // 60  # type: ignore[union-attr]
        for when in (_JANUARY, _JULY)
    )


@cache
def _zone_countries() -> dict[str, str]:
    return {name: country for country, names in _country_zones().items() for name in names}


def is_fixed_offset(name: str) -> bool:
    """Whether an IANA name is a fixed offset (Etc/GMT+5, EST, UTC): no daylight saving, no
    history; never a contact's zone."""
    lowered = name.strip().casefold()
    return lowered.startswith("etc/") or lowered in _FIXED


@dataclass(frozen=True, slots=True)
class ZoneReading:
    zone: str | None  # an IANA zone with real rules, or None: ignore the value and infer
    problem: str | None = None  # why it was ignored


# A lead file's time zone column repeats a few values ("EST", "Central"), each read against
# the contact's country and phone zones many times over: each is read once.
@lru_cache(maxsize=4096)
def read_timezone(
    raw: str, *, country: str | None = None, phone_zones: tuple[str, ...] = ()
) -> ZoneReading:
    """An IANA zone for what was written in a time zone field, read for the contact's
    ``country`` (its address's, else its first phone's) and ``phone_zones`` (its first
    phone's prefix zones).

    An IANA zone with real rules is itself. Abbreviations and names (``EST``, ``Eastern``,
    ``Central Standard Time``, ``US Mountain Standard Time``, Windows names) become the zone of
    the contact's country with the same standard offset: the phone's own zone when it is one
    of them (``MST`` with an Arizona number: America/Phoenix), else the named zone when it is
    in that country, else the country's main one (zone.tab's first). Offsets (``GMT-5``,
    ``UTC+05:30``, ``Etc/GMT+5``) are read as a standard (winter) offset and become a zone
    only when the country's zones with that standard offset all keep the same clock
    (``GMT-5`` in the US: Eastern; ``GMT-7``: Denver or Phoenix, ignored). Anything else,
    or no match in the country, is ignored (zone None, ``problem`` says why) and the zone
    is inferred.
    """
    text = raw.strip()
    if not text:
        return ZoneReading(None)
    key = _words(text)
    reference = _references().get(key)
    name = None if is_fixed_offset(text) else _known_zones().get(text.casefold())
    if reference is None and name is not None:
        return ZoneReading(name)
    single = phone_zones[0] if len(phone_zones) == 1 else None
    if reference is not None:
        reading = _named(text, reference, country, single)
        # A link such as US/Eastern keeps its real rules wherever the contact is.
        return reading if reading.zone is not None or name is None else ZoneReading(name)
    offset = _offset_of(key)
    if offset is not None:
        return _at_offset(text, offset, country, single)
    return ZoneReading(None, f"{text!r} is not a time zone")


def _named(text: str, reference: str, country: str | None, phone: str | None) -> ZoneReading:
    home = country or _zone_countries().get(reference)
    standard = min(_offsets(reference))
    zones = _country_zones().get(home or "", ())
    same = [z for z in zones if min(_offsets(z)) == standard]
    if phone in same:
        return ZoneReading(phone)
    if reference in zones:
        return ZoneReading(reference)
    alike = [z for z in same if _offsets(z) == _offsets(reference)]
    if alike:
        return ZoneReading(alike[0])
    if len(same) == 1:  # Atlantic in Puerto Rico: the one zone at that standard offset
        return ZoneReading(same[0])
    return ZoneReading(None, f"{text!r} is not a time zone of {home or 'the contact'}")


def _offset_of(key: str) -> int | None:
    if key in ("utc", "gmt", "z", "uct", "zulu", "universal", "greenwich", "gmt0"):
        return 0
    match = _OFFSET.match(key.replace(" ", "") if key[:3] in ("gmt", "utc") else key)
    if match is not None:
        sign, hours, minutes = match.groups()
        value = int(hours) * 60 + int(minutes or 0)
        return -value if sign == "-" else value
    match = _ETC.match(key)
    if match is not None:  # POSIX style: Etc/GMT+5 is five hours *behind* UTC
        sign, hours = match.groups()
        return -int(hours) * 60 if sign == "+" else int(hours) * 60
    return None


def _at_offset(text: str, offset: int, country: str | None, phone: str | None) -> ZoneReading:
    if country is None:
        return ZoneReading(None, f"{text!r} is a fixed offset; the zone cannot be told from it")
    zones = [z for z in _country_zones().get(country, ()) if min(_offsets(z)) == offset]
    if phone in zones:
        return ZoneReading(phone)
    if zones and len({_offsets(z) for z in zones}) == 1:
        return ZoneReading(zones[0])
    return ZoneReading(
        None, f"{text!r} is a fixed offset that fits no single time zone of {country}"
    )
