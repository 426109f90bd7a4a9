"""Golden files of the dialects' contract tests: loading them, and matching answers.

In an expected body, ``"{{number}}"``, ``"{{uuid}}"``, ``"{{date-time}}"``, ``"{{text}}"``
and ``"{{object}}"`` stand for any value of that kind, ``"{{any}}"`` for any value at all,
and objects must have exactly the keys shown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def load(directory: Path, name: str, **fill: str) -> Any:
    """``directory / name`` as JSON, with each ``{{marker}}`` of ``fill`` replaced first."""
    text = (directory / name).read_text(encoding="utf-8")
    for marker, value in fill.items():
        text = text.replace("{{" + marker + "}}", value)
    return json.loads(text)


def assert_matches(actual: Any, expected: Any, path: str = "$") -> None:
    if expected == "{{any}}":
        return
    if expected == "{{number}}":
        assert isinstance(actual, int), path
        assert not isinstance(actual, bool), path
    elif expected == "{{uuid}}":
        assert isinstance(actual, str), path
        assert _UUID.match(actual), (path, actual)
    elif expected == "{{date-time}}":
        assert isinstance(actual, str), path
        assert _DATE_TIME.match(actual), (path, actual)
    elif expected == "{{text}}":
        assert isinstance(actual, str), path
        assert actual, path
    elif expected == "{{object}}":
        assert isinstance(actual, dict), path
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert sorted(actual) == sorted(expected), (path, sorted(actual), sorted(expected))
        for key, value in expected.items():
            assert_matches(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), path
        assert len(actual) == len(expected), (path, actual)
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(got, want, f"{path}[{index}]")
    else:
        assert actual == expected, (path, actual, expected)
