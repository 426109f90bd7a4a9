"""Phone numbers: what people type in, to E.164 plus what a dialer needs to know.

The only module that imports ``phonenumbers``; everything else sees :class:`ParsedPhone`.

Parsing, validity, line type and region come from ``rphonenumbers`` (a Rust port of
libphonenumber with the same API, ``pip install dialbook[fast]``) when it is installed, else
from ``phonenumbers``; ``DIALBOOK_PHONE_LIBRARY=phonenumbers`` keeps the pure-Python one.
tests/normalize/test_phone_library.py holds the two to the same answers on 20,000+ inputs.
Time zones and metadata always come from ``phonenumbers`` (the port has neither).
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult
from phonenumbers import timezone as phone_timezone


def _library() -> ModuleType:
    """The phonenumbers-compatible module that parses: chosen once per process."""
    wanted = os.environ.get("DIALBOOK_PHONE_LIBRARY", "auto")
    if wanted not in ("auto", "phonenumbers", "rphonenumbers"):
        raise RuntimeError(
            f"DIALBOOK_PHONE_LIBRARY={wanted!r}: use auto, phonenumbers or rphonenumbers"
        )
    installed = importlib.util.find_spec("rphonenumbers") is not None
    if wanted == "rphonenumbers" and not installed:
        raise RuntimeError(
            "DIALBOOK_PHONE_LIBRARY=rphonenumbers: not installed (pip install 'dialbook[fast]')"
        )
    if wanted == "phonenumbers" or not installed:
        return phonenumbers
    import rphonenumbers

    return rphonenumbers  # type: ignore[no-any-return]


LIBRARY = _library()

PHONE_TYPES = (
    "mobile",
    "direct",
    "office",
    "home",
    "other",
    "extra_1",
    "extra_2",
    "extra_3",
    "landline",
)

LINE_TYPES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

# The type a phone gets when none is given, from libphonenumber's line type. A number that
# may be either (every US and Canadian number: fixed_line_or_mobile) or whose type is unknown
# is typed mobile, the stricter assumption under the TCPA; only a number known to be a
# fixed line is a landline.
_TYPE_OF_LINE = {
    "fixed_line": "landline",
    "mobile": "mobile",
    "pager": "mobile",
    "fixed_line_or_mobile": "mobile",
    "unknown": "mobile",
}


def type_for_line(line_type: str) -> str:
    """The phone type of a number given without one: its line type's ("fixed_line" ->
    "landline"; toll-free, VoIP and other services -> "other")."""
    return _TYPE_OF_LINE.get(line_type, "other")


# "x5610", "ext. 12", "ext 12", "extension 12", ";ext=12", "#12" at the end of the input.
_EXTENSION = re.compile(
    r"(?:\s*[;,]\s*ext\s*=\s*|\s*(?:extension|ext\.?|x|#)\s*)(\d{1,10})\s*$",
    re.IGNORECASE,
)
# Every way of writing an extension above has an "x" (x, ext, extension) or a "#": most
# numbers have neither, and are not searched for one.
_EXTENSION_MARK = re.compile(r"[x#]", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
_NANPA = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(1, ()))


class PhoneError(ValueError):
    """The input is not a phone number we can call; the message says why."""


@dataclass(frozen=True, slots=True)
class ParsedPhone:
    number: str  # E.164
    extension: str | None
    country: str | None  # ISO 3166-1 alpha-2 of the number itself
    valid: bool  # libphonenumber knows the number as assigned
    line_type: str  # one of LINE_TYPES' values, or "unknown"
    zones: tuple[str, ...] = ()  # IANA zones of the number's prefix (several: ambiguous)


def split_extension(raw: str) -> tuple[str, str | None]:
    """Split a trailing extension off the input: ("240-452-2332", "4601") for "...x4601"."""
    match = _EXTENSION.search(raw) if _EXTENSION_MARK.search(raw) else None
    if match is None or not _DIGITS.search(raw[: match.start()]):
        return raw, None
    return raw[: match.start()], match.group(1)


def clean(raw: str, region: str | None) -> str:
    """Rewrite international prefixes people type ("00", "011") as "+"."""
    text = raw.strip()
    digits_start = text.lstrip("(")
    if digits_start.startswith("00"):
        return "+" + digits_start[2:].lstrip("-. ")
    if region in _NANPA and digits_start.startswith("011"):
        return "+" + digits_start[3:].lstrip("-. ")
    return text


def parse_phone(
    raw: str,
    regions: Iterable[str | None] = (),
    *,
    extension: str | None = None,
    library: ModuleType = LIBRARY,
) -> ParsedPhone:
    """Parse ``raw`` with the most specific region known, first match wins.

    ``regions`` lists the candidate default regions from most to least specific (the phone's
    own country, the contact's country, the list's default, the workspace's). A number written
    with its country code ignores them. Raises :class:`PhoneError` when the input is not a
    phone number or its length is impossible for its country. ``library`` is the
    phonenumbers-compatible module that parses (the tests compare the two).
    """
    if not raw or not raw.strip():
        raise PhoneError("is empty")
    if len(raw) > 64:
        raise PhoneError("is too long to be a phone number")
    body, found_extension = split_extension(raw)
    extension = extension or found_extension
    candidates: list[str | None] = [r.upper() for r in regions if r] or [None]
    first_error: PhoneError | None = None
    for region in dict.fromkeys(candidates):
        try:
            return _parse_in(body, region, extension, library)
        except PhoneError as error:
            first_error = first_error or error
    assert first_error is not None
    raise first_error


def _parse_in(body: str, region: str | None, extension: str | None, lib: ModuleType) -> ParsedPhone:
    text = clean(body, region)
    nanp = _nanp_digits(text, region)
    if nanp is not None:
        return _nanp(nanp, extension)
    if lib is not phonenumbers:
        # The port decides only the numbers it finds valid; whatever else it answers (an
        # error, an impossible length, an unassigned number) is asked again of phonenumbers,
        # whose messages and edge cases are the reference. Such inputs are rare, so this
        # costs nothing on real files; the differential test covers the rest.
        try:
            found = _parse_full(text, region, extension, lib)
        except PhoneError:
            found = None
        if found is not None and found.valid:
            return found
    return _parse_full(text, region, extension, phonenumbers)


def _parse_full(
    text: str, region: str | None, extension: str | None, lib: ModuleType
) -> ParsedPhone:
    try:
        number = lib.parse(text, region)
    except lib.NumberParseException as error:
        if error.error_type == lib.NumberParseException.INVALID_COUNTRY_CODE and region is None:
            raise PhoneError(
                "has no country code and no default region is known: "
                "write it as +<country code><number> or set the list's default_region"
            ) from None
        raise PhoneError("is not a phone number") from None
    e164 = lib.format_number(number, lib.PhoneNumberFormat.E164)
    reason = lib.is_possible_number_with_reason(number)
    # (A local-only number, say 7 digits without the area code, cannot be dialed as is.)
    possible = reason == ValidationResult.IS_POSSIBLE
    # Even written as E.164: no number of that length can be dialed in its country.
    if not possible:
        raise PhoneError(_LENGTH_PROBLEMS.get(reason, "has an impossible length"))
    # number_type() already decides validity (UNKNOWN = not an assigned number), so one
    # metadata pass answers valid, line type and (for geographic numbers) time zones.
    kind = lib.number_type(number)
    valid = kind != PhoneNumberType.UNKNOWN
    country = lib.region_code_for_number(number)
    if country is None or country == "001":
        country = lib.region_code_for_country_code(number.country_code or 0)
        country = None if country in ("ZZ", "001") else country
    return ParsedPhone(
        number=e164,
        extension=extension or (number.extension or None),
        country=country,
        valid=valid,
        line_type=LINE_TYPES.get(kind, "unknown"),
        zones=_zones(_own(number), kind) if valid else (),
    )


# North American numbers (+1) are NPA-NXX-XXXX. libphonenumber's patterns for the NANP
# regions decide validity, type and region from the area code and exchange (the last four
# digits are free: every pattern ends in \d{4}), and its time-zone table uses at most six
# digits; so those facts are cached per NPA-NXX. Where a region's pattern also reads the
# first line digit (it ends in \d{3}; Barbados today), the key has seven digits. The other
# NANP regions (the Caribbean's and the Pacific's area codes, few in lead files) are not
# cached by prefix at all: their patterns nest alternatives that read line digits where
# the tail test cannot see it (Jamaica's 876-606-0xxx is valid, 876-606-1xxx is not).
# tests/normalize/test_phones.py checks the shortcut against the full parse.
_PUNCTUATION = re.compile(r"[\s().-]")
_TAIL = re.compile(r"\\d\{(\d+)(?:,\d*)?\}\)*$")


def _seven_digit_areas() -> re.Pattern[str]:
    """Leading digits of the NANP regions some of whose patterns read a seventh digit."""
    from phonenumbers import PhoneMetadata

    leading = []
    for region in _NANPA:
        metadata = PhoneMetadata.metadata_for_region(region)
        if metadata is None:
            continue
        for desc in (metadata.general_desc, metadata.fixed_line, metadata.mobile,
                     metadata.toll_free, metadata.premium_rate, metadata.shared_cost,
                     metadata.personal_number, metadata.voip, metadata.pager, metadata.uan,
                     metadata.voicemail):  # fmt: skip
            pattern = desc.national_number_pattern if desc is not None else None
            tail = _TAIL.search(pattern) if pattern else None
            if pattern and (tail is None or int(tail.group(1)) < 4):
                leading.append(metadata.leading_digits or ".")
    return re.compile("|".join(f"(?:{p})" for p in leading) or "(?!)")


_SEVEN_DIGIT_AREAS = _seven_digit_areas()


def _small_region_areas() -> re.Pattern[str]:
    """Leading digits (area codes) of the NANP regions other than the US and Canada."""
    from phonenumbers import PhoneMetadata

    leading = [
        metadata.leading_digits
        for region in sorted(_NANPA - {"US", "CA"})
        if (metadata := PhoneMetadata.metadata_for_region(region)) is not None
        and metadata.leading_digits
    ]
    return re.compile("|".join(f"(?:{p})" for p in leading) or "(?!)")


_WHOLE_NUMBER_AREAS = _small_region_areas()


def _key_width(national: str) -> int:
    """How many leading digits of a NANP number decide its facts (see above)."""
    if _WHOLE_NUMBER_AREAS.match(national):
        return 10
    return 7 if _SEVEN_DIGIT_AREAS.match(national) else 6


def _nanp_digits(text: str, region: str | None) -> str | None:
    """The ten national digits of a plainly written NANP number, or None (full parse)."""
    digits = _PUNCTUATION.sub("", text)
    if digits.startswith("+1") and len(digits) == 12:
        national = digits[2:]
    elif region in _NANPA and len(digits) == 10:
        national = digits
    elif region in _NANPA and len(digits) == 11 and digits[0] == "1":
        national = digits[1:]
    else:
        return None
    if not national.isdigit() or national[0] in "01" or national[3] in "01":
        return None
    return national


def _nanp(national: str, extension: str | None) -> ParsedPhone:
    width = _key_width(national)
    valid, country, line_type, zones = _nanp_facts(national[:width], national)
    return ParsedPhone(
        number="+1" + national,
        extension=extension,
        country=country,
        valid=valid,
        line_type=line_type,
        zones=zones,
    )


_Facts = tuple[bool, str | None, str, tuple[str, ...]]
_FACTS: dict[str, _Facts] = {}
_MAX_FACTS = 200_000


def _nanp_facts(prefix: str, example: str) -> _Facts:
    """Validity, region, line type and zones of every number starting ``prefix``, worked
    out once from ``example``, the first full number seen with it (by phonenumbers: once
    per prefix, the port would save nothing)."""
    found = _FACTS.get(prefix)
    if found is None:
        number = phonenumbers.PhoneNumber(country_code=1, national_number=int(example))
        kind = phonenumbers.number_type(number)
        valid = kind != PhoneNumberType.UNKNOWN
        country = phonenumbers.region_code_for_number(number) or "US"
        zones = _zones(number, kind) if valid else ()
        found = (valid, country, LINE_TYPES.get(kind, "unknown"), zones)
        if len(_FACTS) >= _MAX_FACTS:
            _FACTS.clear()
        _FACTS[prefix] = found
    return found


def _own(number: object) -> phonenumbers.PhoneNumber:
    """``number`` as phonenumbers' own object, for its time-zone tables."""
    if isinstance(number, phonenumbers.PhoneNumber):
        return number
    return phonenumbers.PhoneNumber(
        country_code=getattr(number, "country_code", None),
        national_number=getattr(number, "national_number", None),
        italian_leading_zero=getattr(number, "italian_leading_zero", None),
        number_of_leading_zeros=getattr(number, "number_of_leading_zeros", None),
    )


def _zones(number: phonenumbers.PhoneNumber, kind: int) -> tuple[str, ...]:
    """The zones of a valid number, from phonenumbers' own tables (the port has none)."""
    if phonenumbers.is_number_type_geographical(kind, number.country_code or 0):
        zones = phone_timezone.time_zones_for_geographical_number(number)
        return tuple(z for z in zones if z != "Etc/Unknown")
    # A mobile or other non-geographic number gets its country's zones: the same for every
    # number of the country code, so worked out once (asking costs a full type check).
    found = _COUNTRY_ZONES.get(number.country_code or 0)
    if found is None:
        zones = phone_timezone.time_zones_for_number(number)
        found = _COUNTRY_ZONES[number.country_code or 0] = tuple(
            z for z in zones if z != "Etc/Unknown"
        )
    return found


_COUNTRY_ZONES: dict[int, tuple[str, ...]] = {}


_LENGTH_PROBLEMS = {
    ValidationResult.TOO_SHORT: "is too short for its country",
    ValidationResult.TOO_LONG: "is too long for its country",
    ValidationResult.INVALID_LENGTH: "has an impossible length for its country",
    ValidationResult.INVALID_COUNTRY_CODE: "has an unknown country code",
}


def time_zones_for(e164: str) -> tuple[str, ...]:
    """The IANA zones libphonenumber associates with the number's prefix (may be several)."""
    try:
        return parse_phone(e164).zones
    except PhoneError:
        return ()


def is_region(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code libphonenumber knows."""
    return code.upper() in phonenumbers.SUPPORTED_REGIONS
