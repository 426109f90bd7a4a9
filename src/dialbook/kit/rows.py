"""Helpers for turning database rows into Structs."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from sqlalchemy import Row

T = TypeVar("T")

AnyRow = Row[*tuple[Any, ...]]


def as_dict(row: AnyRow) -> dict[str, Any]:
    """The row as a plain dict (SQLAlchemy's keys are str subclasses msgspec refuses)."""
    return dict(zip(map(str, row._fields), row, strict=True))


def to_struct(row: AnyRow, type_: type[T]) -> T:
    return msgspec.convert(row, type_, from_attributes=True)
