"""msgspec validation errors as named field errors."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from dialbook.errors import FieldError

_AT = re.compile(r"^(?P<detail>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_NAMED = re.compile(r"^Object (?:missing required|contains unknown) field `(?P<field>[^`]+)`")


def field_error(error: msgspec.ValidationError) -> FieldError:
    """Turn msgspec's message ("Expected `int`, got `str` - at `$.phones[0]`") into a
    FieldError named by its path ("phones[0]")."""
    match = _AT.match(str(error))
    assert match is not None
    detail = match.group("detail")
    path = (match.group("path") or "").lstrip(".")
    named = _NAMED.match(detail)
    if named:
        field = named.group("field")
        path = f"{path}.{field}" if path else field
        detail = "is required" if "missing" in detail else "is not a known field"
    return FieldError(path or "body", detail)


def nul_errors(value: Any, path: str = "") -> list[FieldError]:
    """Every text in ``value`` (a decoded body) holding a NUL character, which no backend
    stores as text (PostgreSQL refuses it); named by its wire path."""
    if isinstance(value, str):
        return (
            [FieldError(path or "body", "must not contain NUL characters")]
            if "\x00" in value
            else []
        )
    errors: list[FieldError] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            errors += nul_errors(key, name) + nul_errors(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors += nul_errors(item, f"{path}[{index}]")
    return errors
