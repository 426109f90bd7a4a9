from __future__ import annotations

import contextlib
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.fields import FieldDefinition, FieldValueError, coerce_value, key_from_label

NUMBER = FieldDefinition("n", "number")
BOOLEAN = FieldDefinition("b", "boolean")
STRING = FieldDefinition("s", "string")
CHOICE = FieldDefinition("c", "string", ("red", "green"))
DATE = FieldDefinition("d", "date")
TAGS = FieldDefinition("l", "string_list", ("a", "b"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(json_values, st.sampled_from([NUMBER, BOOLEAN, STRING, CHOICE, DATE, TAGS]))
def test_any_json_value_is_coerced_or_rejected_cleanly(
    value: Any, definition: FieldDefinition
) -> None:
    with contextlib.suppress(FieldValueError):
        coerce_value(definition, value)


@given(st.integers(-(2**52), 2**52) | st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_and_their_text_agree(value: float) -> None:
    assert coerce_value(NUMBER, value) == coerce_value(
        NUMBER, repr(value) if isinstance(value, float) else str(value)
    )


@given(st.integers(-(2**52), 2**52) | st.floats(allow_nan=False, allow_infinity=False))
def test_coercion_is_idempotent(value: float) -> None:
    once = coerce_value(NUMBER, value)
    assert coerce_value(NUMBER, once) == once
    assert not (isinstance(once, float) and math.isnan(once))


def test_values() -> None:
    assert coerce_value(NUMBER, "1,250") == 1250
    assert coerce_value(BOOLEAN, "Yes") is True
    assert coerce_value(STRING, 250) == "250"
    assert coerce_value(DATE, "09/25/1990") == "1990-09-25"
    assert coerce_value(TAGS, "a") == ["a"]
    assert coerce_value(NUMBER, None) is None


@pytest.mark.parametrize(
    ("definition", "value"),
    [
        (NUMBER, "many"),
        (NUMBER, True),
        (BOOLEAN, "maybe"),
        (CHOICE, "blue"),
        (DATE, 5),
        (TAGS, ["c"]),
        (NUMBER, float("nan")),
    ],
)
def test_rejected(definition: FieldDefinition, value: Any) -> None:
    with pytest.raises(FieldValueError):
        coerce_value(definition, value)


@given(st.text(min_size=1, max_size=100))
def test_keys_from_labels_are_valid_keys(label: str) -> None:
    from dialbook.normalize.fields import KEY_PATTERN

    assert KEY_PATTERN.fullmatch(key_from_label(label))
