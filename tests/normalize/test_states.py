from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.states import _CA, _US, CA_PROVINCES, US_STATES, state_code

# (code, every name of the table) for each line
_NAMES = [
    (line.split(" ", 1)[0], line.split(" ", 1)[1].split("|")) for line in (_US + _CA).splitlines()
]


@pytest.mark.parametrize(
    ("raw", "country", "code"),
    [
        ("Florida", None, "FL"),
        ("florida", "US", "FL"),
        ("FL ", None, "FL"),
        ("fl", "US", "FL"),
        ("Fla.", None, "FL"),
        ("  new   YORK ", None, "NY"),
        ("N.Y.", "US", "NY"),
        ("W. Va.", None, "WV"),
        ("Washington, D.C.", None, "DC"),
        ("California", None, "CA"),
        ("Puerto Rico", "PR", "PR"),
        ("Québec", "CA", "QC"),
        ("quebec", None, "QC"),
        ("PQ", "CA", "QC"),
        ("Ontario", "CA", "ON"),
    ],
)
def test_states_and_provinces_by_code_or_name(raw: str, country: str | None, code: str) -> None:
    assert state_code(raw, country) == code


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("Bavaria", None),
        ("Florida", "DE"),  # another country's regions are not renamed
        ("Ontario", "US"),  # a province is not a US state
        ("Texas", "CA"),
        ("LDN", "GB"),
        ("", None),
        ("F", None),
        ("Flo rida", None),
    ],
)
def test_anything_else_is_not_matched(raw: str, country: str | None) -> None:
    assert state_code(raw, country) is None


def test_the_tables_are_complete() -> None:
    assert len(US_STATES) == 50 + 1 + 6  # states, DC, territories
    assert len(CA_PROVINCES) == 13


@given(
    st.sampled_from(_NAMES).flatmap(
        lambda entry: st.tuples(st.just(entry[0]), st.sampled_from([entry[0], *entry[1]]))
    ),
    st.lists(st.sampled_from(["upper", "lower", "title", "swapcase"]), max_size=2),
    st.sampled_from(["", " ", "  ", "\t"]),
    st.sampled_from(["", " ", "."]),
)
def test_any_case_and_spacing_of_a_known_name_gives_its_code(
    entry: tuple[str, str], cases: list[str], pad: str, tail: str
) -> None:
    code, name = entry
    for case in cases:
        name = getattr(name, case)()
    country = "CA" if code in CA_PROVINCES else "US"
    assert state_code(f"{pad}{name}{tail}{pad}", country) == code
    assert state_code(f"{pad}{name}{tail}{pad}", None) == code


@given(st.text(max_size=30))
def test_a_match_is_always_a_known_code(raw: str) -> None:
    code = state_code(raw)
    assert code is None or code in US_STATES | CA_PROVINCES
