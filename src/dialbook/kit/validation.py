"""msgspec validation errors as named field errors."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from dialbook.errors import FieldError

_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_AT = re.compile(r"^(?P<detail>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_NAMED = re.compile(r"^Object (?:missing required|contains unknown) field `(?P<field>[^`]+)`")


def field_error(error: msgspec.ValidationError, type_: Any = None) -> FieldError:
    """Turn msgspec's message ("Expected `int`, got `str` - at `$.phones[0]`") into a
    FieldError named by its path ("phones[0]"). Given the decoded ``type_``, a bad enum value
    says which values are allowed."""
    match = _AT.match(str(error))
    assert match is not None
    detail = match.group("detail")
    path = (match.group("path") or "").lstrip(".")
    named = _NAMED.match(detail)
    if named:
        field = named.group("field")
        path = f"{path}.{field}" if path else field
        detail = "is required" if "missing" in detail else "is not a known field"
    elif type_ is not None and detail.startswith("Invalid enum value"):
        allowed = _allowed_values(msgspec.inspect.type_info(type_), match.group("path") or "")
        if allowed:
            detail += "; allowed: " + ", ".join(repr(value) for value in allowed)
    return FieldError(path or "body", detail)


def _allowed_values(info: msgspec.inspect.Type, path: str) -> list[Any]:
    """The values of the enum or literal found at ``path`` (msgspec's ``.a[0].b`` form)."""
    for name, index in _STEP.findall(path):
        info = _step(info, name, index)
    for option in _options(info):
        if isinstance(option, msgspec.inspect.EnumType):
            return [member.value for member in option.cls]
        if isinstance(option, msgspec.inspect.LiteralType):
            return list(option.values)
    return []


def _options(info: msgspec.inspect.Type) -> list[msgspec.inspect.Type]:
    """The types ``info`` may be, each without its metadata (``Annotated[...] | None``)."""
    info = _bare(info)
    if isinstance(info, msgspec.inspect.UnionType):
        return [_bare(option) for option in info.types]
    return [info]


def _bare(info: msgspec.inspect.Type) -> msgspec.inspect.Type:
    while isinstance(info, msgspec.inspect.Metadata):
        info = info.type
    return info


def _step(info: msgspec.inspect.Type, name: str, index: str) -> msgspec.inspect.Type:
    for option in _options(info):
        if name and isinstance(option, msgspec.inspect.StructType):
            for field in option.fields:
                if field.encode_name == name:
                    return field.type
        if name and isinstance(option, msgspec.inspect.DictType):
            return option.value_type
        if index and isinstance(option, msgspec.inspect.CollectionType):
            return option.item_type
    return msgspec.inspect.AnyType()


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
