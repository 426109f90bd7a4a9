"""Custom field values, checked against their workspace definition."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from dialbook.normalize.dates import DateError, parse_date

FieldType = Literal["string", "number", "boolean", "date", "string_list"]
FIELD_TYPES: tuple[FieldType, ...] = ("string", "number", "boolean", "date", "string_list")
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_STRING = 10_000

_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})

Scalar = str | int | float | bool


class FieldValueError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FieldDefinition:
    key: str
    type: FieldType
    options: tuple[str, ...] = ()


def key_from_label(label: str) -> str:
    """A definition key derived from a display label: "Employee Count" -> "employee_count"."""
    key = re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")
    if not key or not key[0].isalpha():
        key = "f_" + key
    return key[:64]


def coerce_value(definition: FieldDefinition, value: Any) -> Any:
    """Return ``value`` in the stored form for ``definition`` (None clears the field)."""
    if value is None:
        return None
    match definition.type:
        case "string":
            return _choice(definition, _text(value))
        case "number":
            return _number(value)
        case "boolean":
            return _boolean(value)
        case "date":
            if not isinstance(value, str):
                raise FieldValueError("must be a date string such as 1990-09-25")
            try:
                return parse_date(value).isoformat()
            except DateError as error:
                raise FieldValueError(str(error)) from None
        case "string_list":
            items = value if isinstance(value, list) else [value]
            return [_choice(definition, _text(item)) for item in items]
    raise FieldValueError(f"has an unknown type {definition.type}")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        text = str(value)
        if len(text) > MAX_STRING:
            raise FieldValueError(f"is longer than {MAX_STRING} characters")
        return text
    raise FieldValueError("must be text")


def _choice(definition: FieldDefinition, text: str) -> str:
    if definition.options and text not in definition.options:
        raise FieldValueError("must be one of: " + ", ".join(definition.options))
    return text


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise FieldValueError("must be a number")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            raise FieldValueError("must be a number") from None
    if not isinstance(value, int | float) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        raise FieldValueError("must be a number")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str | int):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise FieldValueError("must be true or false")
