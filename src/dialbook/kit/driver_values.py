"""Values as the database drivers take them, made away from the database (pure).

db/bulk.py converts column values on the writer's connection; code that prepares rows in
other processes (the importer's workers) makes the same values with these functions:
SQLite's text for times, dates and JSON, and PostgreSQL's COPY text format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec

_encode = msgspec.json.Encoder().encode


def sqlite_time(value: dt.datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME type writes and reads back."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def sqlite_converter(kind: str) -> Callable[[Any], Any]:
    """The conversion of a non-null value of ``kind`` (json, time, date, bool)."""
    converters: dict[str, Callable[[Any], Any]] = {
        "json": lambda v: _encode(v).decode(),
        "time": sqlite_time,
        "date": lambda v: v.isoformat(),
        "bool": int,
    }
    return converters[kind]


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def escape(text: str) -> str:
    """``text`` as a field of PostgreSQL's COPY text format."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def escape_json(text: str) -> str:
    """JSON text as a COPY field: JSON has no raw tab or newline, only backslashes."""
    return text.replace("\\", "\\\\") if "\\" in text else text


NULL = "\\N"  # COPY's NULL


def _text(value: Any) -> str:
    if value is None:
        return NULL
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if isinstance(value, dt.date):  # dates and datetimes
        return value.isoformat()
    return escape(str(value))


def _json_text(value: Any) -> str:
    return NULL if value is None else escape_json(_encode(value).decode())


def copy_converter(kind: str | None) -> Callable[[Any], str]:
    """The function writing a value of a column of ``kind`` as a COPY text field."""
    return _json_text if kind == "json" else _text
