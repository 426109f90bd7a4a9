from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nameparser import HumanName

from dialbook.normalize.names import normalize_names, split_full_name

word = st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12)


@given(st.lists(word, min_size=1, max_size=3).map(" ".join), word)
def test_full_is_built_from_parts(first: str, last: str) -> None:
    names = normalize_names(first, last, None)
    assert names.full == f"{first} {last}"


def _as_nameparser_splits(full: str) -> tuple[str | None, str | None]:
    parsed = HumanName(full)
    given = " ".join(f"{parsed.first} {parsed.middle}".split())
    expected = (given or None, parsed.last or None)
    return (full, None) if expected == (None, None) else expected


@given(st.lists(word, min_size=2, max_size=5).map(" ".join))
def test_the_fast_path_splits_as_nameparser_does(full: str) -> None:
    assert split_full_name(full) == _as_nameparser_splits(full)


@pytest.mark.parametrize(
    "full",
    [
        "A AA X",  # a roman numeral: a suffix
        "À Bı",  # the dotless i is an I to the parser
        "Henry Ford II",
        "ぁ 㐀",  # Japanese: the family name comes first
        "Jane Smith née Jones",  # a birth-name marker
        "Abdul Salam Khan",  # a given-name prefix bound to the next word
        "'Bob' Smith",  # a nickname in single quotes
        "Smith - Jones",
        "Mary O'Brien-Smith",
    ],
)
def test_names_the_fast_path_must_leave_to_the_parser(full: str) -> None:
    """Found by the property test above, or close to what it found."""
    assert split_full_name(full) == _as_nameparser_splits(full)


@given(st.lists(word, min_size=1, max_size=4).map(" ".join))
def test_the_parts_come_from_the_full_name_which_is_kept(full: str) -> None:
    names = normalize_names(None, None, f"  {full} ")
    assert names.full == full
    for part in (names.first, names.last):
        if part:
            assert part in full


@given(st.text(max_size=60), st.text(max_size=60), st.text(max_size=60))
def test_always_consistent(first: str, last: str, full: str) -> None:
    names = normalize_names(first, last, full)
    if names.split:  # parts split from a full name, which is kept as given (spaces collapsed)
        assert names.full == " ".join(full.split())
    elif names.first or names.last:
        assert names.full == " ".join(p for p in (names.first, names.last) if p)


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Dr. Martin Luther King Jr.", "Martin Luther", "King"),
        ("King, Martin Luther, Jr.", "Martin Luther", "King"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Juan de la Cruz", "Juan", "de la Cruz"),
        ("Lovelace,  Ada", "Ada", "Lovelace"),
        ("Mrs. Ada Lovelace", "Ada", "Lovelace"),
        ('John "Jack" Kennedy', "John", "Kennedy"),
        ("Mary Ann Smith", "Mary Ann", "Smith"),
        ("José María García López", "José María García", "López"),
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("Cher", "Cher", None),
    ],
)
def test_titles_suffixes_particles_and_surname_first(full: str, first: str, last: str) -> None:
    names = normalize_names(None, None, full)
    assert (names.first, names.last) == (first, last)
    assert names.full == " ".join(full.split())  # kept as given


def test_the_title_and_suffix_are_split_off() -> None:
    names = normalize_names(None, None, "Dr. Martin Luther King Jr.")
    assert (names.prefix, names.suffix) == ("Dr.", "Jr.")
    assert normalize_names(None, None, "Ada Lovelace").prefix is None


def test_one_word() -> None:
    assert normalize_names(None, None, "Cher") == normalize_names("Cher", None, None)
