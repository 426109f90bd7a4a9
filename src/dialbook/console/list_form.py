"""The list settings form: its fields as they are shown, and back into ``ListCreate`` /
``ListUpdate``, with every error named by the form field it belongs to.

Each setting of a list has one form field (its ``id`` and ``name``); the few nested ones
are flattened: the calling window is ``start``, ``end``, ``days``, ``holidays`` (dates,
one per line or separated by commas) and ``state_overrides`` (one state a line, ``FL
08:00-20:00`` and optionally the days, ``mon,tue,wed``); the frequency cap is
``cap_count`` calls within ``cap_hours`` hours. A checkbox left out means off: the form
always shows every setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar, get_args

from starlette.datastructures import FormData

from dialbook.errors import FieldError, InvalidInput
from dialbook.http.body import decode_query
from dialbook.lists.schemas import (
    PHONE_ORDERS,
    WEEKDAYS,
    DuplicateKey,
    DuplicateScope,
    ListCreate,
    ListRead,
    ListUpdate,
    QueueMode,
)

T = TypeVar("T", ListCreate, ListUpdate)

TEXT = (
    "name",
    "default_region",
    "default_timezone",
    "max_attempts",
    "retry_minutes",
    "start",
    "end",
    "holidays",
    "state_overrides",
    "cap_count",
    "cap_hours",
    "registry_max_age_days",
    "duplicate_key",
    "duplicate_scope",
    "queue_mode",
    "phone_order",
)
CHECKBOXES = (
    "us_state_rules",
    "dial_invalid_numbers",
    "require_consent_for_mobile",
    "block_reassigned",
)
FIELDS = (*TEXT, "days", *CHECKBOXES)
# The options of the form's drop-downs.
CHOICES: dict[str, tuple[str, ...]] = {
    "duplicate_key": get_args(DuplicateKey),
    "duplicate_scope": get_args(DuplicateScope),
    "queue_mode": get_args(QueueMode),
    "phone_order": PHONE_ORDERS,
}

# A setting's canonical path (as the API and the services name it) -> its form field.
_PATHS = (
    ("calling_window.state_overrides", "state_overrides"),
    ("calling_window.holidays", "holidays"),
    ("calling_window.start", "start"),
    ("calling_window.end", "end"),
    ("calling_window.days", "days"),
    ("calling_window", "start"),
    ("duplicate_policy.scope", "duplicate_scope"),
    ("duplicate_policy", "duplicate_key"),
    ("compliance.max_calls_per_number.hours", "cap_hours"),
    ("compliance.max_calls_per_number", "cap_count"),
    ("compliance", "us_state_rules"),
)
_OVERRIDE = re.compile(r"([A-Za-z]{2})\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})(?:\s+(\S+))?")


def field_of(path: str) -> str:
    """The form field a canonical path such as ``calling_window.end`` belongs to."""
    for prefix, name in _PATHS:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return name
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    return head if head in FIELDS else "name"


def by_field(errors: Iterable[FieldError]) -> dict[str, list[str]]:
    """The errors to show next to each form field."""
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(field_of(error.name), []).append(error.detail)
    return found


def values_of(lst: ListRead | ListCreate | None) -> dict[str, Any]:
    """A list's settings as the form shows them (a new list: the defaults)."""
    lst = lst or ListCreate(name="")  # the defaults
    window, cap = lst.calling_window, lst.compliance.max_calls_per_number
    overrides = window.state_overrides if window else {}
    return {
        "name": lst.name,
        "default_region": lst.default_region or "",
        "default_timezone": lst.default_timezone or "",
        "max_attempts": "" if lst.max_attempts is None else str(lst.max_attempts),
        "retry_minutes": str(lst.retry_minutes),
        "start": window.start if window else "",
        "end": window.end if window else "",
        "days": list(window.days) if window else list(WEEKDAYS),
        "holidays": "\n".join(window.holidays) if window else "",
        "state_overrides": "\n".join(
            " ".join([state, f"{hours.start}-{hours.end}", ",".join(hours.days or [])]).strip()
            for state, hours in sorted(overrides.items())
        ),
        "cap_count": str(cap.count) if cap else "",
        "cap_hours": str(cap.hours) if cap else "",
        "registry_max_age_days": ""
        if lst.registry_max_age_days is None
        else str(lst.registry_max_age_days),
        "duplicate_key": lst.duplicate_policy.key,
        "duplicate_scope": lst.duplicate_policy.scope,
        "queue_mode": lst.queue_mode,
        "phone_order": lst.phone_order,
        "us_state_rules": lst.compliance.us_state_rules,
        "dial_invalid_numbers": lst.dial_invalid_numbers,
        "require_consent_for_mobile": lst.require_consent_for_mobile,
        "block_reassigned": lst.block_reassigned,
    }


def submitted(form: FormData) -> dict[str, Any]:
    """The form as it was sent, to show it again with its errors."""
    values: dict[str, Any] = {name: _text(form, name) for name in TEXT}
    values["days"] = [str(day) for day in form.getlist("days")]
    values.update({name: form.get(name) == "on" for name in CHECKBOXES})
    return values


def parse(form: FormData, type_: type[T]) -> T:
    """The form as ``type_``; InvalidInput names every bad field (by its canonical path)."""
    values, errors = submitted(form), []
    body: dict[str, Any] = {
        "name": values["name"],
        "default_region": values["default_region"] or None,
        "default_timezone": values["default_timezone"] or None,
        "max_attempts": values["max_attempts"] or None,
        "retry_minutes": values["retry_minutes"] or 60,
        "duplicate_policy": {
            "key": values["duplicate_key"] or "phone",
            "scope": values["duplicate_scope"] or "list",
        },
        "queue_mode": values["queue_mode"] or "immediate",
        "phone_order": values["phone_order"] or "as_given",
        "registry_max_age_days": values["registry_max_age_days"] or None,
        **{name: values[name] for name in CHECKBOXES if name != "us_state_rules"},
    }
    for name in ("max_attempts", "retry_minutes", "registry_max_age_days"):
        if isinstance(body[name], str) and not body[name].isdigit():
            errors.append(FieldError(name, "must be a whole number"))
    body["calling_window"] = _window(values, errors)
    body["compliance"] = {
        "us_state_rules": values["us_state_rules"],
        "max_calls_per_number": _cap(values, errors),
    }
    if errors:
        raise InvalidInput(fields=errors)
    return decode_query(body, type_)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _window(values: dict[str, Any], errors: list[FieldError]) -> dict[str, Any] | None:
    start, end = values["start"], values["end"]
    holidays = [d for d in re.split(r"[\s,;]+", values["holidays"]) if d]
    overrides = _overrides(values["state_overrides"], errors)
    if not (start or end):
        if holidays or overrides:
            errors.append(
                FieldError(
                    "calling_window.start",
                    "give the calling hours first: holidays and state hours belong to a window",
                )
            )
        return None
    for name, value in (("start", start), ("end", end)):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            errors.append(FieldError(f"calling_window.{name}", f"{value!r} is not a time (HH:MM)"))
    for day in holidays:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            errors.append(FieldError("calling_window.holidays", f"{day!r} is no date (YYYY-MM-DD)"))
    return {
        "days": values["days"],
        "start": start,
        "end": end,
        "holidays": holidays,
        "state_overrides": overrides,
    }


def _overrides(text: str, errors: list[FieldError]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _OVERRIDE.fullmatch(line.strip())
        if match is None:
            errors.append(
                FieldError(
                    "calling_window.state_overrides",
                    f"line {number}: write it as 'FL 08:00-20:00' or 'FL 08:00-20:00 mon,tue,wed'",
                )
            )
            continue
        state, start, end, days = match.groups()
        hours: dict[str, Any] = {"start": start.zfill(5), "end": end.zfill(5)}
        if days:
            hours["days"] = days.lower().split(",")
            unknown = [d for d in hours["days"] if d not in WEEKDAYS]
            if unknown:
                errors.append(
                    FieldError(
                        "calling_window.state_overrides",
                        f"line {number}: {', '.join(unknown)} is not a day (mon ... sun)",
                    )
                )
        found[state.upper()] = hours
    return found


def _cap(values: dict[str, Any], errors: list[FieldError]) -> dict[str, Any] | None:
    count, hours = values["cap_count"], values["cap_hours"]
    if not (count or hours):
        return None
    for name, value in (("count", count), ("hours", hours)):
        if not value.isdigit():
            errors.append(
                FieldError(
                    f"compliance.max_calls_per_number.{name}",
                    "must be a whole number (both, or neither)",
                )
            )
    return {"count": count, "hours": hours}
