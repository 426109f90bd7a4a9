"""The canonical contact's fields, read from ``ContactCreate``. Pure.

The one list that normalizing, the importer's headers, export, the dialects and the tests
derive theirs from: a field added to the Struct reaches each of them, or fails
``tests/contacts/test_canonical_fields.py`` until it does.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from msgspec import inspect

from dialbook.contacts.schemas import ContactCreate

# What a field holds, from its type: one text, number or flag, or a list or an object.
Kind = Literal["text", "number", "flag", "list", "map"]

_KINDS: dict[type[inspect.Type], Kind] = {
    inspect.StrType: "text",
    inspect.IntType: "number",
    inspect.BoolType: "flag",
    inspect.ListType: "list",
    inspect.DictType: "map",
}


def _kind(annotation: Any) -> Kind:
    info = inspect.type_info(annotation)
    members = info.types if isinstance(info, inspect.UnionType) else (info,)
    kinds = {
        _KINDS.get(type(m.type if isinstance(m, inspect.Metadata) else m))  # described
        for m in members
        if not isinstance(m, inspect.NoneType)
    }
    if len(kinds) != 1 or None in kinds:
        raise TypeError(f"ContactCreate has a field of a type no surface reads: {annotation}")
    return kinds.pop()  # type: ignore[return-value]


_FIELDS = msgspec.structs.fields(ContactCreate)
KINDS: dict[str, Kind] = {f.name: _kind(f.type) for f in _FIELDS}
# Every canonical field, in ContactCreate's order (export's columns keep it).
CANONICAL_FIELDS: tuple[str, ...] = tuple(KINDS)


def of_kind(*kinds: Kind) -> tuple[str, ...]:
    """The canonical fields of these kinds, in ContactCreate's order."""
    return tuple(name for name, kind in KINDS.items() if kind in kinds)


def pick(*names: str) -> tuple[str, ...]:
    """``names``, each checked to be a canonical field: a surface that lists some of them
    fails at import, rather than quietly, when one is renamed."""
    unknown = [name for name in names if name not in KINDS]
    if unknown:
        raise ValueError(f"not canonical contact fields: {', '.join(unknown)}")
    return names


# Every field's default, read once; the lists and dicts are made by their factories on
# each call (a caller may change them).
_DEFAULTS = {f.name: f.default for f in _FIELDS}
_FACTORIES = {
    f.name: f.default_factory for f in _FIELDS if f.default_factory is not msgspec.NODEFAULT
}


def defaults() -> dict[str, Any]:
    """ContactCreate's value of every field nobody gave (fresh lists and dicts)."""
    values = dict(_DEFAULTS)
    for name, factory in _FACTORIES.items():
        values[name] = factory()
    return values
