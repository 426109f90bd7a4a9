"""kit.jsonpatch: the RFC 6902 operations the dialects use, and its errors on bad paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.errors import InvalidInput
from dialbook.kit import jsonpatch


@dataclass(frozen=True)
class Op:
    op: jsonpatch.Kind
    path: str
    value: Any = msgspec.UNSET


def _problem(doc: dict[str, Any], *ops: Op) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as raised:
        jsonpatch.apply(doc, ops)
    [field] = raised.value.fields
    return field.name, field.detail


def test_add_sets_a_member_and_inserts_into_an_array() -> None:
    doc = {"a": {"b": 1}, "list": [1, 3]}
    patched = jsonpatch.apply(
        doc,
        [Op("add", "/a/c", 2), Op("add", "/list/1", 2), Op("add", "/list/-", 4)],
    )
    assert patched == {"a": {"b": 1, "c": 2}, "list": [1, 2, 3, 4]}
    assert doc == {"a": {"b": 1}, "list": [1, 3]}  # the original is left alone


def test_replace_and_remove() -> None:
    doc = {"a": 1, "list": ["x", "y"], "gone": True}
    patched = jsonpatch.apply(
        doc, [Op("replace", "/a", 2), Op("replace", "/list/0", "z"), Op("remove", "/gone")]
    )
    assert patched == {"a": 2, "list": ["z", "y"]}
    assert jsonpatch.apply(patched, [Op("remove", "/list/1")]) == {"a": 2, "list": ["z"]}


def test_replace_of_a_missing_member_adds_it() -> None:
    assert jsonpatch.apply({"a": {}}, [Op("replace", "/a/b", 1)]) == {"a": {"b": 1}}


def test_values_are_copied() -> None:
    value = {"deep": [1]}
    patched = jsonpatch.apply({}, [Op("add", "/v", value)])
    value["deep"].append(2)
    assert patched == {"v": {"deep": [1]}}


def test_pointer_escapes() -> None:
    assert jsonpatch.pointer("/a~1b/c~0d/~01", "where") == ["a/b", "c~d", "~1"]
    assert jsonpatch.pointer("", "where") == []
    patched = jsonpatch.apply({"m": {}}, [Op("add", "/m/a~1b~0c", 1)])
    assert patched == {"m": {"a/b~c": 1}}


@given(st.text(max_size=20))
def test_escape_round_trips(token: str) -> None:
    assert jsonpatch.pointer("/" + jsonpatch.escape(token), "where") == [token]


@pytest.mark.parametrize(
    ("ops", "name", "detail"),
    [
        ([Op("add", "a", 1)], "[0].path", "'a' is not a JSON Pointer (it must start with '/')"),
        ([Op("add", "", 1)], "[0].path", "must name a member, not the whole document"),
        ([Op("add", "/a")], "[0].value", "is required for 'add'"),
        ([Op("replace", "/a")], "[0].value", "is required for 'replace'"),
        ([Op("remove", "/nope")], "[0].path", "/nope does not exist"),
        ([Op("add", "/nope/deeper", 1)], "[0].path", "/nope/deeper does not exist"),
        ([Op("add", "/scalar/x", 1)], "[0].path", "/scalar/x does not exist"),
        ([Op("add", "/list/5", 1)], "[0].path", "index 5 is out of range"),
        ([Op("replace", "/list/2", 1)], "[0].path", "index 2 is out of range"),
        ([Op("remove", "/list/-")], "[0].path", "'-' is not an array index"),
        ([Op("add", "/list/01", 1)], "[0].path", "'01' is not an array index"),
        ([Op("add", "/list/x", 1)], "[0].path", "'x' is not an array index"),
        ([Op("add", "/list/٣", 1)], "[0].path", "'٣' is not an array index"),
        ([Op("add", "/ok", 1), Op("remove", "/missing")], "[1].path", "/missing does not exist"),
    ],
)
def test_bad_paths_name_the_operation(ops: list[Op], name: str, detail: str) -> None:
    doc = {"scalar": 1, "list": [1, 2]}
    assert _problem(doc, *ops) == (name, detail)
    assert doc == {"scalar": 1, "list": [1, 2]}  # a failed patch changes nothing
