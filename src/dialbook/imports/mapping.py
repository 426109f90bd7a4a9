"""Which column of a lead file goes where. Pure.

Headers are recognized by their letters and digits only ("First Name", "first_name" and
"FirstName" are one header), from the names CRM and lead-vendor exports use. Explicit
overrides win (``"Cell=phone:mobile"``, ``"Region=state"``, ``"Junk=ignore"``,
``"Industry=custom:industry"``); columns nobody recognizes become custom fields or are
ignored, as the caller chooses. The same file always maps the same way.

Targets: a canonical field name, ``phone:<type>``, ``external:<provider>``,
``custom:<key>``, ``ignore``, or one of dialbook's own export columns (``phone_2``,
``phone_2_type``, ``phone_2_extension``, ``dnd``, ``external_refs``).

A phone's consent and checks (``EVIDENCE``: ``consent_type``, ``consent_obtained_at``,
``consent_source``, ``reassigned``, ``reassigned_checked_at``, ``last_verified_at``)
apply to the row's first phone; ``phone_2_consent_type`` and the like to its second (phones
count in column order).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import msgspec

from dialbook.contacts.canonical import CANONICAL_FIELDS, of_kind, pick
from dialbook.contacts.schemas import DND_CHANNELS, PHONE_EVIDENCE, PhoneIn, PhoneType
from dialbook.errors import FieldError
from dialbook.normalize.countries import country_code
from dialbook.normalize.dates import DateError, parse_date
from dialbook.normalize.fields import FieldValueError, key_from_label

Unmapped = Literal["custom", "ignore"]

# An import goes into the list it was started for: a row names no list.
NOT_IMPORTED = pick("list_id")
# Lists and objects read from one JSON cell (dialbook's own export) or built from several
# columns (phone:<type>, custom:<key>, external:<provider>, dnd:<channel>); tags are one
# cell ("a; b") like the plain fields.
STRUCTURED = tuple(name for name in of_kind("list", "map") if name != "tags")
PLAIN_FIELDS = tuple(
    name for name in CANONICAL_FIELDS if name not in STRUCTURED and name not in NOT_IMPORTED
)
# Columns of dialbook's own export that describe a stored contact, not new input.
EXPORT_READ_ONLY = frozenset(
    {
        "id",
        "workspace_id",
        *NOT_IMPORTED,
        "status",
        "attempts",
        "last_dial_at",
        "last_outcome",
        "created_at",
        "updated_at",
        "version",
        "timezone_candidates",
    }
)
PHONE_TYPES: tuple[str, ...] = get_args(PhoneType)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


_SYNONYMS: dict[str, str] = {}


def _add(target: str, *headers: str) -> None:
    for header in headers:
        _SYNONYMS[_key(header)] = target


_add("first_name", "first name", "first", "given name", "fname", "contact first name", "forename")
_add("last_name", "last name", "last", "surname", "family name", "lname", "contact last name")
_add("full_name", "full name", "name", "contact name", "contact", "lead name", "person name")
_add("name_prefix", "name prefix", "prefix", "salutation", "honorific")
_add("name_suffix", "name suffix", "suffix", "generational suffix")
_add("email", "email", "e-mail", "email address", "email 1", "primary email", "work email", "mail")
_add("company", "company", "company name", "organization", "organisation", "business name",
     "employer", "account name", "business")  # fmt: skip
_add("account", "account", "account number", "account id")
_add("title", "title", "job title", "position", "role", "job", "designation")
_add("website", "website", "web site", "url", "web", "company website", "domain")
_add("linkedin", "linkedin", "linkedin url", "linkedin profile", "person linkedin url")
_add("street", "address", "street", "street address", "address 1", "address line 1", "address1",
     "mailing street", "full address")  # fmt: skip
_add("city", "city", "town", "mailing city")
_add("state", "state", "province", "region", "state/province", "mailing state", "state code")
_add("postal_code", "zip", "zip code", "zipcode", "postal code", "postcode", "post code",
     "mailing zip", "mailing postal code", "zip/postal code")  # fmt: skip
_add("country", "country", "country code", "mailing country")
_add("timezone", "time zone", "timezone", "tz")
_add("priority", "priority", "lead priority")
_add("dnc", "dnc", "do not call", "donotcall", "do not contact")
_add("tags", "tags", "tag", "labels", "lists")
_add("notes", "notes", "note", "comments", "comment", "description")
_add("source", "source", "lead source", "contact source")
_add("date_of_birth", "date of birth", "dob", "birthday", "birth date", "birthdate")
_add("gender", "gender", "sex")
# A column that says only "phone": its numbers take their type from their line type.
_add("phone", "phone", "phone 1", "phone number", "telephone", "tel", "phone1",
     "primary phone", "contact phone", "number")  # fmt: skip
_add("phone:extra_1", "phone 2", "phone2", "other phone", "alternate phone", "alt phone")
_add("phone:extra_2", "phone 3", "phone3")
_add("phone:extra_3", "phone 4", "phone4")
_add("phone:mobile", "mobile", "mobile phone", "cell", "cell phone", "cellphone", "mobile number")
_add("phone:office", "work phone", "office phone", "business phone", "company phone", "work",
     "office", "corporate phone", "hq phone")  # fmt: skip
_add("phone:direct", "direct dial", "direct phone", "direct", "direct line", "dd")
_add("phone:home", "home phone", "home", "home number", "landline")
_add("external:salesforce", "salesforce id", "sfdc id", "contact id (salesforce)", "lead id")
_add("external:hubspot", "hubspot id", "record id", "hubspot record id")
_add("external:crm", "crm id", "external id", "id (crm)")
_add("ignore", "id")  # a source system's row id: without a provider it cannot be matched
for _channel in DND_CHANNELS:
    _add(f"dnd:{_channel}", f"dnd {_channel}")
# A phone's consent and checks: the first phone's, or phone_<n>_<part> for a slot's.
EVIDENCE = (
    "consent_type",
    "consent_obtained_at",
    "consent_source",
    "reassigned",
    "reassigned_checked_at",
    "last_verified_at",
)
_add("consent_type", "consent type", "consent", "tcpa consent", "consent level")
_add("consent_obtained_at", "consent obtained at", "consent date", "consent obtained",
     "opt in date", "optin date", "consent timestamp")  # fmt: skip
_add("consent_source", "consent source", "opt in source", "optin source", "consent evidence")
_add("reassigned", "reassigned", "reassigned number", "reassigned result", "rnd result")
_add("reassigned_checked_at", "reassigned checked at", "reassigned checked", "rnd checked at",
     "rnd date")  # fmt: skip
_add("last_verified_at", "last verified at", "last verified", "phone verified at", "verified at")

_EXPORT_PHONE = re.compile(r"^phone_(\d{1,2})(_type|_extension)?$")
_SLOT_EVIDENCE = re.compile(r"^phone_(\d{1,2})_(" + "|".join(EVIDENCE) + ")$")

_TRUE = frozenset({"true", "yes", "y", "1", "x", "dnc"})
_FALSE = frozenset({"false", "no", "n", "0", ""})


Step = tuple[str, str, str, Any]  # (column, kind, target, argument)


class MappingError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Mapping:
    """Column -> target, for one file."""

    targets: dict[str, str]
    steps: tuple[Step, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", _steps(self.targets))

    def describe(self) -> list[tuple[str, str]]:
        return list(self.targets.items())

    def custom_keys(self) -> dict[str, str]:
        """custom field key -> the column it comes from (its label)."""
        return {
            target.partition(":")[2]: column
            for column, target in self.targets.items()
            if target.startswith("custom:")
        }


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """``["Cell=phone:mobile", ...]`` -> {"Cell": "phone:mobile"}."""
    overrides = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise MappingError(f"--map {item!r}: write it as COLUMN=TARGET, e.g. Cell=phone:mobile")
        overrides[column.strip()] = _check_target(target.strip(), item)
    return overrides


def _check_target(target: str, item: str) -> str:
    kind, _, rest = target.partition(":")
    if target in PLAIN_FIELDS or target in EVIDENCE or target == "ignore":
        return target
    if _SLOT_EVIDENCE.match(target):
        return target
    if kind == "phone" and (rest in PHONE_TYPES or not rest):
        return f"phone:{rest}" if rest else "phone"  # no type: from the line type
    if kind == "custom" and rest:
        return f"custom:{key_from_label(rest)}"
    if kind == "external" and rest:
        return target
    if kind == "dnd" and rest in DND_CHANNELS:
        return target
    raise MappingError(
        f"--map {item!r}: unknown target {target!r}; use a field name (first_name, email, ...),"
        " phone:<type>, custom:<key>, external:<provider> or ignore"
    )


def recognize(
    columns: Sequence[str], overrides: dict[str, str] | None = None, unmapped: Unmapped = "custom"
) -> Mapping:
    overrides = overrides or {}
    unknown = [c for c in overrides if c not in columns]
    if unknown:
        raise MappingError(f"--map names a column the file does not have: {unknown[0]!r}")
    targets: dict[str, str] = {}
    for column in columns:
        if column in overrides:
            targets[column] = overrides[column]
            continue
        lowered = column.strip().lower()
        if lowered in EXPORT_READ_ONLY:
            targets[column] = "ignore"
        elif (
            lowered in (*PLAIN_FIELDS, *STRUCTURED, *EVIDENCE, "timezone_source")
            or _EXPORT_PHONE.match(lowered)
            or _SLOT_EVIDENCE.match(lowered)
        ):
            targets[column] = lowered
        elif lowered.startswith("custom."):
            targets[column] = "custom:" + key_from_label(lowered[len("custom.") :])
        elif _key(column) in _SYNONYMS:
            targets[column] = _SYNONYMS[_key(column)]
        else:
            targets[column] = (
                f"custom:{key_from_label(column)}" if unmapped == "custom" else "ignore"
            )
    return Mapping(targets)


def _steps(targets: dict[str, str]) -> tuple[Step, ...]:
    """What to do with each mapped column, decided once per mapping instead of per row."""
    steps: list[Step] = []
    for column, target in targets.items():
        kind, _, rest = target.partition(":")
        if target == "ignore":
            continue
        if kind in ("phone", "custom", "external", "dnd") and rest:
            steps.append((column, kind, target, rest))
        elif target == "phone":
            steps.append((column, "phone", target, None))
        elif target in EVIDENCE:
            steps.append((column, "evidence", target, (None, target)))
        elif match := _SLOT_EVIDENCE.match(target):
            steps.append((column, "evidence", target, (int(match.group(1)), match.group(2))))
        elif match := _EXPORT_PHONE.match(target):
            part = {None: "number", "_type": "type", "_extension": "extension"}[match.group(2)]
            steps.append((column, "slot", target, (int(match.group(1)), part)))
        elif target == "timezone_source":
            steps.append((column, "timezone_source", target, None))
        elif target in (*STRUCTURED, "tags"):
            steps.append((column, "structured", target, None))
        elif target in _CONVERTED:
            steps.append((column, "convert", target, None))
        else:
            steps.append((column, "text", target, None))
    return tuple(steps)


_CONVERTED = frozenset({*of_kind("number", "flag"), "country"})


def to_given(values: dict[str, Any], mapping: Mapping) -> tuple[dict[str, Any], list[FieldError]]:
    """Canonical "given" fields from one row; problems are named by the row's column."""
    given: dict[str, Any] = {}
    errors: list[FieldError] = []
    phones: list[dict[str, Any]] = []
    slots: dict[int, dict[str, Any]] = {}
    customs: dict[str, Any] = {}
    refs: list[dict[str, Any]] = []
    dnd: dict[str, str] = {}
    evidence: dict[int | None, dict[str, str]] = {}  # slot (None: the first phone) -> parts
    inferred = False
    for column, kind, target, arg in mapping.steps:
        value = values.get(column)
        if value is None:
            continue
        if isinstance(value, str):
            text = value.strip()
            if not text:
                continue
        else:
            text = str(value)
        try:
            if kind == "text":
                given[target] = text
            elif kind == "phone":
                phones.append({"number": text, "type": arg})
            elif kind == "custom":
                is_list = isinstance(value, str) and text[0] == "["
                customs[arg] = msgspec.json.decode(text) if is_list else value
            elif kind == "convert":
                given[target] = _convert(target, value)
            elif kind == "slot":
                slots.setdefault(arg[0], {})[arg[1]] = text
            elif kind == "evidence":
                evidence.setdefault(arg[0], {})[arg[1]] = text
            elif kind == "external":
                refs.append({"provider": arg, "id": text})
            elif kind == "timezone_source":
                inferred = text != "given"  # our export: an inferred zone is inferred again
            elif kind == "dnd":
                dnd[arg] = text.lower()
            elif not isinstance(value, str | int | float):
                _structured(target, value, given, phones, customs)
            elif text.startswith(("{", "[")):
                _structured(target, msgspec.json.decode(text), given, phones, customs)
            else:
                given[target] = _convert(target, value)
        except (FieldValueError, ValueError, msgspec.DecodeError) as error:
            errors.append(FieldError(column, str(error) or "has an unusable value"))
    if inferred:
        given.pop("timezone", None)
    phones += [slots[n] for n in sorted(slots) if slots[n].get("number")]
    for slot, parts in evidence.items():
        index = 0 if slot is None else slot - 1  # phone_2_...: the row's second phone
        try:
            found = _evidence(parts)
        except FieldValueError as error:
            errors.append(FieldError(_evidence_column(mapping, slot, error), str(error)))
            continue
        if 0 <= index < len(phones):
            phone = phones[index]
            phones[index] = (
                {"number": phone, **found} if isinstance(phone, str) else {**phone, **found}
            )
        else:
            column = _evidence_column(mapping, slot, next(iter(parts)))
            errors.append(FieldError(column, "there is no phone to apply it to"))
    if phones:
        try:
            given["phones"] = [_phone(item) for item in phones]
        except (msgspec.ValidationError, FieldValueError) as error:
            errors.append(FieldError("phones", str(error)))
    if customs:
        given["custom_fields"] = customs
    if refs:
        given["external_refs"] = [*given.get("external_refs", []), *refs]
    if dnd:
        given["dnd"] = {**given.get("dnd", {}), **dnd}
    return given, errors


def _phone(item: str | dict[str, Any]) -> PhoneIn | str:
    """A phone from a cell or a JSON record (dialbook's export keeps the E.164 number)."""
    if isinstance(item, str):
        return item
    number = item.get("number")
    if not isinstance(number, str) or not number.strip():
        raise FieldValueError("a phone needs a number")
    evidence = {name: item[name] for name in PHONE_EVIDENCE if name in item}
    return msgspec.convert(
        {
            "number": number,
            "type": item.get("type") or None,  # none: from the line type
            "extension": item.get("extension") or None,
            "country": item.get("country") or None,
            **evidence,
        },
        PhoneIn,
    )


_CONSENT_TYPES = {
    "expresswritten": "express_written",
    "priorexpresswritten": "express_written",
    "pewc": "express_written",
    "written": "express_written",
    "priorexpress": "prior_express",
    "express": "prior_express",
    "pec": "prior_express",
    "establishedbusinessrelationship": "established_business_relationship",
    "ebr": "established_business_relationship",
}
_REASSIGNED = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "reassigned": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "notreassigned": "no",
    "nodata": "no_data",
    "unknown": "no_data",
}


class _EvidenceError(FieldValueError):
    def __init__(self, part: str, detail: str) -> None:
        super().__init__(detail)
        self.part = part


def _evidence(parts: dict[str, str]) -> dict[str, Any]:
    """A phone's consent, reassigned check and verification from an import row's cells."""
    found: dict[str, Any] = {}
    if "consent_type" in parts:
        kind = _CONSENT_TYPES.get(_key(parts["consent_type"]))
        if kind is None:
            raise _EvidenceError(
                "consent_type",
                f"{parts['consent_type']!r} is not a consent type: express_written, "
                "prior_express or established_business_relationship",
            )
        found["consent"] = {
            "type": kind,
            "obtained_at": _instant(parts, "consent_obtained_at"),
            "source": parts.get("consent_source"),
        }
    elif "consent_obtained_at" in parts or "consent_source" in parts:
        part = "consent_obtained_at" if "consent_obtained_at" in parts else "consent_source"
        raise _EvidenceError(part, "needs a consent_type column beside it")
    if "reassigned" in parts:
        result = _REASSIGNED.get(_key(parts["reassigned"]))
        if result is None:
            raise _EvidenceError(
                "reassigned", f"{parts['reassigned']!r} is not a result: yes, no or no_data"
            )
        found["reassigned"] = {
            "result": result,
            "checked_at": _instant(parts, "reassigned_checked_at"),
        }
    elif "reassigned_checked_at" in parts:
        raise _EvidenceError("reassigned_checked_at", "needs a reassigned column beside it")
    if "last_verified_at" in parts:
        found["last_verified_at"] = _instant(parts, "last_verified_at")
    return found


def _instant(parts: dict[str, str], part: str) -> dt.datetime | None:
    """A time from a cell: ISO 8601 (no offset: UTC), or a date (its start, UTC)."""
    text = parts.get(part)
    if text is None:
        return None
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            at = dt.datetime.combine(parse_date(text), dt.time())
        except DateError as error:
            raise _EvidenceError(part, f"{text!r} {error}") from None
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def _evidence_column(mapping: Mapping, slot: int | None, error: Any) -> str:
    """The file's column for an evidence part (the error's, or a part name)."""
    part = error.part if isinstance(error, _EvidenceError) else str(error)
    target = part if slot is None else f"phone_{slot}_{part}"
    return next((c for c, t in mapping.targets.items() if t == target), target)


def _structured(
    target: str, value: Any, given: dict[str, Any], phones: list[Any], customs: dict[str, Any]
) -> None:
    """A list or object value (JSON files, or JSON text in a CSV cell)."""
    if target == "phones":
        if not isinstance(value, list):
            raise FieldValueError("must be a list of phones")
        phones += [item for item in value if isinstance(item, str | dict)]
    elif target == "custom_fields":
        if not isinstance(value, dict):
            raise FieldValueError("must be an object of custom field values")
        customs.update(value)
    else:
        given[target] = value


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _convert(target: str, value: Any) -> Any:
    text = _str(value)
    if target == "priority":
        try:
            return int(float(text))
        except ValueError:
            raise FieldValueError("must be a whole number") from None
    if target == "list_id":
        return int(text)
    if target == "dnc":
        if isinstance(value, bool):
            return value
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise FieldValueError("must be yes or no")
    if target == "tags":
        return [t for t in re.split(r"[,;|]", text) if t.strip()]
    if target == "country":
        code = country_code(text)
        if code is None:
            raise FieldValueError(f"{text!r} is not a country code such as US or GB")
        return code
    return text
