"""Helpers for msgspec Structs."""

from __future__ import annotations

from typing import Any

import msgspec


def set_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a request set: every field except those left UNSET (partial updates)."""
    return {
        name: value
        for name in data.__struct_fields__
        if (value := getattr(data, name)) is not msgspec.UNSET
    }
