from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.names import normalize_names

word = st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12)


@given(st.lists(word, min_size=1, max_size=3).map(" ".join), word)
def test_full_is_built_from_parts(first: str, last: str) -> None:
    names = normalize_names(first, last, None)
    assert names.full == f"{first} {last}"


@given(st.lists(word, min_size=1, max_size=3).map(" ".join), word)
def test_splitting_full_then_joining_gives_it_back(first: str, last: str) -> None:
    names = normalize_names(None, None, f"{first} {last}")
    assert (names.first, names.last) == (first, last)
    assert normalize_names(names.first, names.last, None) == names


@given(st.text(max_size=60), st.text(max_size=60), st.text(max_size=60))
def test_always_consistent(first: str, last: str, full: str) -> None:
    names = normalize_names(first, last, full)
    if names.first or names.last:
        assert names.full == " ".join(p for p in (names.first, names.last) if p)


def test_surname_first_with_a_comma() -> None:
    names = normalize_names(None, None, "Lovelace,  Ada")
    assert (names.first, names.last, names.full) == ("Ada", "Lovelace", "Ada Lovelace")


def test_one_word() -> None:
    assert normalize_names(None, None, "Cher") == normalize_names("Cher", None, None)
