"""Normalizing one contact: given fields in canonical names -> column values. Pure.

The API, the dialects and the importer's worker processes all come through here, so a
row of a lead file is cleaned exactly as an API request is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from dialbook.contacts.canonical import defaults as canonical_defaults
from dialbook.contacts.canonical import of_kind
from dialbook.contacts.schemas import PHONE_EVIDENCE, Contact, ContactUpdate, Phone, PhoneIn
from dialbook.errors import FieldError, InvalidInput
from dialbook.kit.validation import field_error
from dialbook.normalize import numbers
from dialbook.normalize.area_codes import phone_states
from dialbook.normalize.countries import country_code
from dialbook.normalize.dates import DateError, parse_date
from dialbook.normalize.emails import EmailError, email_key, normalize_email
from dialbook.normalize.fields import FieldDefinition, FieldValueError, coerce_value
from dialbook.normalize.names import normalize_names
from dialbook.normalize.phones import PhoneError, parse_phone, time_zones_for, type_for_line
from dialbook.normalize.states import is_north_american
from dialbook.normalize.states import state_code as region_code
from dialbook.normalize.timezones import infer_timezone, read_timezone
from dialbook.normalize.zone_keys import address_state, zone_key

_NAME_FIELDS = ("first_name", "last_name", "full_name", "name_prefix", "name_suffix")
# Text fields each read in their own way; every other one is plain text: trimmed, and an
# empty string means "no value".
_OWN_READING = (*_NAME_FIELDS, "email", "country", "timezone", "date_of_birth")
_TEXT_FIELDS = tuple(name for name in of_kind("text") if name not in _OWN_READING)
# Numbers and flags are stored as given (checked by their type).
_AS_GIVEN = of_kind("number", "flag")
# The parts a full name given alone is split into hold less than it (401 characters).
_SPLIT_LIMITS = {"first_name": 200, "last_name": 200, "name_prefix": 100, "name_suffix": 100}
_PART_NAMES = {
    "first_name": "first name",
    "last_name": "last name",
    "name_prefix": "title",
    "name_suffix": "suffix",
}


class Builder:
    """Turns given fields into column values, collecting every field error."""

    def __init__(
        self,
        *,
        regions: Sequence[str | None],
        definitions: dict[str, FieldDefinition],
        existing: Contact | None,
        country: str | None = None,
    ) -> None:
        self.regions = regions
        self.definitions = definitions
        self.existing = existing
        self.country = country  # the contact's, given or kept
        self.errors: list[FieldError] = []
        self.warnings: list[FieldError] = []  # values kept as given, or ignored, and why
        self.given_names: frozenset[str] = frozenset()
        self.first_phone_zones: tuple[str, ...] | None = None  # known once phones are parsed
        self.first_phone_country: str | None = None
        self.placed = False  # whether they are a valid phone's

    def fail(self, name: str, detail: str) -> None:
        self.errors.append(FieldError(name, detail))

    def warn(self, name: str, detail: str) -> None:
        self.warnings.append(FieldError(name, detail))

    def build(self, given: dict[str, Any]) -> dict[str, Any]:
        given = checked(given)
        self.given_names = frozenset(given)
        columns: dict[str, Any] = {}
        for name in _TEXT_FIELDS:
            if name in given:
                columns[name] = _text(given[name])
        if any(name in given for name in _NAME_FIELDS):
            columns.update(self._names(given))
        if "email" in given:
            columns.update(self._email(given["email"]))
        if "country" in given:
            columns["country"] = self._country(given["country"])
        if "state" in given:
            columns["state"] = self._state(columns["state"])
        elif "country" in given and self.existing is not None and self.existing.state:
            columns["state"] = self._state(self.existing.state)  # read again in its country
        if "phones" in given:
            columns["phones"] = self._phones(given["phones"])
        if "timezone" in given:
            columns.update(self._timezone(given["timezone"]))
        if "date_of_birth" in given:
            columns["date_of_birth"] = self._date(given["date_of_birth"])
        if "tags" in given:
            columns["tags"] = clean_tags(given["tags"])
        if "custom_fields" in given:
            columns["custom_fields"] = self._custom_fields(given["custom_fields"])
        if "dnd" in given:
            columns["dnd"] = self._dnd(given["dnd"])
        if "external_refs" in given:
            columns["external_refs"] = [msgspec.to_builtins(ref) for ref in given["external_refs"]]
        for name in _AS_GIVEN:
            if name in given:
                columns[name] = given[name]
        if self.errors:
            raise InvalidInput(fields=self.errors)
        return columns

    def _names(self, given: dict[str, Any]) -> dict[str, Any]:
        """First, last and full name kept consistent; the title and suffix split from a full
        name given alone unless given themselves."""
        columns = self._name_parts(given)
        for name in ("name_prefix", "name_suffix"):
            # A create carries every field (null when not sent): null does not undo a split.
            if name in given and (given[name] is not None or name not in columns):
                columns[name] = _text(given[name])
        return columns

    def _name_parts(self, given: dict[str, Any]) -> dict[str, Any]:
        old = self.existing
        if not any(name in given for name in ("first_name", "last_name", "full_name")):
            return {}
        if "first_name" in given or "last_name" in given:
            first = given.get("first_name", old.first_name if old else None)
            last = given.get("last_name", old.last_name if old else None)
            names = normalize_names(first, last, given.get("full_name"))
            if not names.full and given.get("full_name"):
                names = normalize_names(None, None, given["full_name"])
        else:
            names = normalize_names(None, None, given.get("full_name"))
        columns = {"first_name": names.first, "last_name": names.last, "full_name": names.full}
        if names.split:  # the parts came from a full name: its title and suffix come too
            columns.update(name_prefix=names.prefix, name_suffix=names.suffix)
            for part, limit in _SPLIT_LIMITS.items():
                if len(columns[part] or "") > limit:  # refused, never cut
                    self.fail(
                        "full_name", f"its {_PART_NAMES[part]} is longer than {limit} characters"
                    )
        return columns

    def _email(self, raw: str | None) -> dict[str, Any]:
        if raw is None or not raw.strip():
            return {"email": None, "email_key": None}
        try:
            email = normalize_email(raw)
        except EmailError as error:
            self.fail("email", str(error))
            return {}
        return {"email": email, "email_key": email_key(email)}

    def _phones(self, items: Iterable[PhoneIn | Phone | str]) -> list[dict[str, Any]]:
        phones: list[dict[str, Any]] = []
        seen: set[str] = set()
        # A number kept through a change of the phones keeps how it has been dialed.
        dialed = {p.number: p.dialing for p in self.existing.phones} if self.existing else {}
        for index, item in enumerate(items):
            if isinstance(item, Phone):  # already normalized (kept by an upsert)
                if item.number not in seen:
                    seen.add(item.number)
                    phones.append(msgspec.to_builtins(item))
                continue
            phone = PhoneIn(number=item) if isinstance(item, str) else item
            try:
                parsed = parse_phone(
                    phone.number, [phone.country, *self.regions], extension=phone.extension
                )
            except PhoneError as error:
                self.fail(f"phones[{index}].number", f"{phone.number!r} {error}")
                continue
            if parsed.number in seen:
                continue  # the same number twice is one phone
            seen.add(parsed.number)
            # The phone that will be dialed (the first valid one) places the contact.
            if not phones or (parsed.valid and not self.placed):
                self.first_phone_zones = parsed.zones
                self.first_phone_country = parsed.country
                self.placed = parsed.valid
            phones.append(
                {
                    "number": parsed.number,
                    "raw": phone.number,
                    "type": phone.type or type_for_line(parsed.line_type),
                    "extension": parsed.extension,
                    "country": parsed.country,
                    "valid": parsed.valid,
                    "line_type": parsed.line_type,
                    "dialing": (
                        msgspec.to_builtins(dialed[parsed.number])
                        if parsed.number in dialed
                        else numbers.fresh()
                    ),
                    **self._evidence(index, phone, parsed.number),
                }
            )
        return phones

    def _evidence(self, index: int, phone: PhoneIn, number: str) -> dict[str, Any]:
        """A phone's consent, last verification and reassigned check: as given (null
        clears), else kept from the contact's phone with the same number, so that a
        surface that knows nothing of consent (a dialect, a CRM sync) never drops it."""
        kept = (
            next((p for p in self.existing.phones if p.number == number), None)
            if (self.existing is not None)
            else None
        )
        found: dict[str, Any] = {}
        for name in PHONE_EVIDENCE:
            value = getattr(phone, name)
            if value is msgspec.UNSET:
                value = getattr(kept, name, None) if kept is not None else None
                value = None if value is msgspec.UNSET else value
            elif value is not None:
                value = self._in_utc(f"phones[{index}].{name}", value)
            if value is not None:
                found[name] = msgspec.to_builtins(value)
        return found

    def _in_utc(self, path: str, value: Any) -> Any:
        """Evidence times need an offset (they are compared with the dialing time) and are
        kept in UTC, as every time dialbook answers with."""
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                self.fail(path, "needs a time zone offset, e.g. 2026-12-01T15:00:00Z")
                return value
            return value.astimezone(dt.UTC)
        changed = {}
        for name in ("obtained_at", "checked_at"):
            at = getattr(value, name, None)
            if at is not None:
                changed[name] = self._in_utc(f"{path}.{name}", at)
        return msgspec.structs.replace(value, **changed) if changed else value

    def _state(self, text: str | None) -> str | None:
        """A US state, DC, territory or Canadian province as its two-letter code; any other
        value is kept as given (with a warning where a code was expected)."""
        if text is None:
            return None
        code = region_code(text, self.country)
        if code is not None:
            return code
        if is_north_american(self.country):
            self.warn(
                "state",
                f"{text!r} is not a US state or territory or a Canadian province; kept as given",
            )
        return text

    def _country(self, raw: str | None) -> str | None:
        if raw is None or not raw.strip():
            return None
        code = country_code(raw)
        if code is None:
            self.fail("country", f"{raw!r} is not a country; use an ISO code such as US or GB")
        return code

    def _timezone(self, raw: str | None) -> dict[str, Any]:
        """A given zone, read for the contact's country and phone (``EST`` in Canada is
        America/Toronto); one that cannot be read is ignored, with a warning, and the zone
        is inferred: it never costs the contact."""
        inferred = {"timezone": None, "timezone_source": None, "timezone_candidates": None}
        if raw is None or not raw.strip():
            return inferred
        zones, country = self._first_phone()
        reading = read_timezone(raw, country=self.country or country, phone_zones=zones)
        if reading.zone is None:
            self.warn("timezone", f"{reading.problem}; ignored, the zone is inferred")
            return inferred
        return {
            "timezone": reading.zone,
            "timezone_source": "given",
            "timezone_candidates": [reading.zone],
        }

    def _first_phone(self) -> tuple[tuple[str, ...], str | None]:
        """The prefix zones and the country of the contact's first phone, if any."""
        if self.first_phone_zones is not None:
            return self.first_phone_zones, self.first_phone_country
        old = self.existing
        if old is not None and old.phones and "phones" not in self.given_names:
            first = next((p for p in old.phones if p.valid), old.phones[0])
            return time_zones_for(first.number), first.country
        return (), None

    def _date(self, raw: str | None) -> Any:
        if raw is None or not raw.strip():
            return None
        try:
            return parse_date(raw)
        except DateError as error:
            self.fail("date_of_birth", f"{raw!r} {error}")
            return None

    def _custom_fields(self, given: dict[str, Any]) -> dict[str, Any]:
        merged = dict(self.existing.custom_fields) if self.existing else {}
        for key, value in given.items():
            definition = self.definitions.get(key)
            if definition is None:
                self.fail(
                    f"custom_fields.{key}",
                    "is not a custom field of this workspace (define it at /v1/custom-fields)",
                )
                continue
            try:
                coerced = coerce_value(definition, value)
            except FieldValueError as error:
                self.fail(f"custom_fields.{key}", str(error))
                continue
            if coerced is None:
                merged.pop(key, None)
            else:
                merged[key] = coerced
        return merged

    def _dnd(self, given: dict[str, str | None]) -> dict[str, str]:
        merged = dict(self.existing.dnd) if self.existing else {}
        for channel, status in given.items():
            if status is None:
                merged.pop(channel, None)
            else:
                merged[channel] = status
        return merged


def checked(given: dict[str, Any]) -> dict[str, Any]:
    """``given`` with every field of the type and length the API accepts (dialects and the
    importer build ``given`` themselves); raises InvalidInput naming the first bad field."""
    plain = {k: v for k, v in given.items() if k not in _CHECKED_ELSEWHERE}
    try:
        typed = msgspec.convert(plain, ContactUpdate)
    except msgspec.ValidationError as error:
        raise InvalidInput(fields=[field_error(error, ContactUpdate)]) from None
    result = {name: getattr(typed, name) for name in plain}
    result.update((k, given[k]) for k in _CHECKED_ELSEWHERE if k in given)
    return result


# Phones may already be normalized (an upsert keeps the match's own); the list is checked
# when it is looked up.
_CHECKED_ELSEWHERE = ("phones", "list_id")


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, without blanks or repeats, in the order given."""
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))


# The stored columns beside the canonical fields, as a new contact has them.
_STORED_DEFAULTS: dict[str, Any] = {
    "email_key": None,
    "timezone_source": None,
    "timezone_candidates": None,
    "status": "queued",
    "attempts": 0,
    "last_dial_at": None,
    "last_outcome": None,
}


def defaults() -> dict[str, Any]:
    """Column values of a contact nobody said anything about (fresh lists and dicts); its
    list is never a default."""
    columns = canonical_defaults()
    del columns["list_id"]
    return {**columns, **_STORED_DEFAULTS}


def columns_of(contact: Contact) -> dict[str, Any]:
    data = msgspec.to_builtins(contact)
    data["email_key"] = email_key(contact.email) if contact.email else None
    return data  # type: ignore[no-any-return]


# A change to any of these may change where (in which zones) the contact is.
_PLACE_FIELDS = ("phones", "postal_code", "country", "state", "timezone", "list_id")
# What locate reads of a contact: where it is, what it dials and how it is queued.
_LOCATING = (
    "phones", "postal_code", "country", "state", "timezone", "timezone_source",
    "timezone_candidates", "priority", "dnd",
)  # fmt: skip
# A new contact's values of those (only read: one copy serves every call).
_NEW_LOCATING = {name: value for name, value in defaults().items() if name in _LOCATING}


def _locating(columns: dict[str, Any], existing: Contact | None) -> dict[str, Any]:
    """The fields :func:`locate` reads: ``columns`` over the existing contact's, or over a
    new contact's defaults (only these fields are converted, not the whole contact)."""
    if existing is None:
        return {name: columns.get(name, _NEW_LOCATING[name]) for name in _LOCATING}
    return {
        name: columns[name] if name in columns else msgspec.to_builtins(getattr(existing, name))
        for name in _LOCATING
    }


def locate(
    *,
    given: dict[str, Any],
    columns: dict[str, Any],
    existing: Contact | None,
    list_default_timezone: str | None,
    phone_zones: tuple[str, ...] | None = None,
    phone_order: str = "as_given",
) -> dict[str, Any]:
    """The time zone (inferred unless given explicitly) and the dial-queue columns.

    ``zone_key`` names the zones (and US state) whose calling windows must be open; the
    service turns it into a ``zone_id``.
    """
    merged = _locating(columns, existing)
    phones = merged["phones"]
    out: dict[str, Any] = {}
    # The phone that will be dialed places the contact (else its first).
    placing = next((p for p in phones if p.get("valid", True)), phones[0] if phones else None)
    explicit = merged["timezone_source"] == "given" and merged["timezone"]
    if not explicit and (existing is None or any(k in given for k in _PLACE_FIELDS)):
        inference = infer_timezone(
            phone_zones=(
                phone_zones
                if phone_zones is not None
                else (time_zones_for(placing["number"]) if placing else ())
            ),
            postal_code=merged["postal_code"],
            country=merged["country"],
            list_default=list_default_timezone,
            phone_country=placing["country"] if placing else None,
        )
        out["timezone"] = inference.timezone
        out["timezone_source"] = inference.source
        out["timezone_candidates"] = list(inference.candidates) or None
        merged.update(out)
    zones = merged["timezone_candidates"] or ([merged["timezone"]] if merged["timezone"] else [])
    # The address's state and every US area code's state: the stricter rules of all apply.
    state = address_state(merged["state"], merged["country"])
    out["zone_key"] = zone_key(zones, state, *sorted(phone_states(phones)))
    out.update(dial_columns(phones, phone_order))
    out["queue_rank"] = -1 if merged["priority"] is None else merged["priority"]
    out["dnd_call"] = merged["dnd"].get("call") in ("active", "permanent")
    return out


NOTHING_TO_IDENTIFY = "a contact needs a phone, an email, a name or an external id"
_IDENTITY = ("phones", "email", "first_name", "last_name", "full_name", "external_refs")


def identifies(columns: dict[str, Any]) -> bool:
    """Whether a contact's columns hold anything to identify it by: a phone, an email, a
    name or an external id. Every surface refuses a contact with none of them; one with no
    phone is stored but never queued (the preview counts it as ``no_phone``)."""
    return any(columns.get(name) for name in _IDENTITY)


def _loses_identity(existing: Contact | None, columns: dict[str, Any]) -> bool:
    """Whether a new contact with ``columns``, or ``existing`` changed by them, would have
    nothing to identify it. A contact stored with nothing (before this was refused) may
    still be changed; it cannot be emptied further."""
    if existing is None:
        return True
    before = {name: getattr(existing, name) for name in _IDENTITY}
    return identifies(before) and not identifies({**before, **columns})


def dial_columns(phones: Sequence[dict[str, Any]], phone_order: str) -> dict[str, Any]:
    """The number the next claim dials (``normalize/numbers.py``: number cycling in the list's
    ``phone_order``) and whether libphonenumber knows it as valid: a number such as
    +1 555 ... is dialed only when no valid one is left, and only by a list with
    ``dial_invalid_numbers``. No number (none, or every one done): never handed out. With
    them, the dialed phone's consent columns (``dial_compliance``), which claims filter on."""
    phone = numbers.next_phone(phones, phone_order)
    return {
        "dial_number": None if phone is None else phone["number"],
        "dial_number_valid": True if phone is None else bool(phone.get("valid", True)),
        **_consent_columns(phone),
    }


# Line types a mobile may have: libphonenumber cannot tell most US and Canadian numbers
# apart ("fixed_line_or_mobile"), so only the phone's own type says landline then.
_MAYBE_MOBILE = frozenset({"mobile", "fixed_line_or_mobile"})
_NOT_MOBILE_TYPES = frozenset({"landline", "home", "office"})


def is_mobile(phone: dict[str, Any]) -> bool:
    """Whether the TCPA's rules for mobiles apply (conservative): typed mobile, or a line
    type that is or may be a mobile unless the phone is typed as a landline, home or
    office number."""
    if phone.get("type") == "mobile" or phone.get("line_type") == "mobile":
        return True
    return phone.get("line_type") in _MAYBE_MOBILE and phone.get("type") not in _NOT_MOBILE_TYPES


def dial_compliance(phones: Sequence[dict[str, Any]], number: str | None) -> dict[str, Any]:
    """The consent columns of the phone that is dialed (``number``), which claims filter
    on: its consent type and when it was obtained, whether it is a mobile, and its latest
    reassigned-number result (part of ``dial_columns``)."""
    phone = next((p for p in phones if p["number"] == number), None) if number else None
    return _consent_columns(phone)


def _consent_columns(phone: dict[str, Any] | None) -> dict[str, Any]:
    """:func:`dial_compliance` of the dialed phone itself (numbers are unique per contact)."""
    if phone is None:
        return {"dial_consent": None, "dial_consent_at": None, "dial_mobile": False,
                "dial_reassigned": None}  # fmt: skip
    consent, reassigned = phone.get("consent"), phone.get("reassigned")  # to_builtins'
    at = consent.get("obtained_at") if consent else None
    return {
        "dial_consent": consent["type"] if consent else None,
        "dial_consent_at": msgspec.convert(at, dt.datetime) if isinstance(at, str) else at,
        "dial_mobile": is_mobile(phone),
        "dial_reassigned": reassigned["result"] if reassigned else None,
    }


def build(
    given: dict[str, Any],
    *,
    regions: Sequence[str | None],
    definitions: dict[str, FieldDefinition],
    existing: Contact | None = None,
    list_default_timezone: str | None = None,
    warnings: list[FieldError] | None = None,
    phone_order: str = "as_given",
) -> dict[str, Any]:
    """Column values for ``given`` (merged over ``existing``); raises InvalidInput naming
    every bad field. ``regions`` are the phone regions after the contact's own country.
    Values kept as given or ignored (an unknown state, an unusable zone) are added to
    ``warnings``."""
    country = given.get("country", existing.country if existing else None)
    country = country_code(country) if country else None
    builder = Builder(
        regions=[country, *regions], definitions=definitions, existing=existing, country=country
    )
    columns = builder.build(given)
    if warnings is not None:
        warnings.extend(builder.warnings)
    if not identifies(columns) and _loses_identity(existing, columns):
        raise InvalidInput(fields=[FieldError("phones", NOTHING_TO_IDENTIFY)])
    columns.update(
        locate(
            given=given,
            columns=columns,
            existing=existing,
            list_default_timezone=list_default_timezone,
            phone_zones=builder.first_phone_zones,
            phone_order=phone_order,
        )
    )
    return columns
