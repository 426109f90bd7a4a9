from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize import countries
from dialbook.normalize.countries import country_code


def test_every_iso_country_is_found_by_code_and_name() -> None:
    for line in countries._COUNTRIES.splitlines():
        alpha_2, alpha_3, names = line.split(" ", 2)
        assert country_code(alpha_2.lower()) == alpha_2
        assert country_code(alpha_3) == alpha_2
        for name in names.split("|"):
            assert country_code(name.upper()) == alpha_2, name
    assert country_code("U.S.A.") == "US"
    assert country_code("Narnia") is None
    assert country_code("ZZ") is None


@given(st.text(max_size=40))
def test_anything_else_is_none_or_a_code(text: str) -> None:
    code = country_code(text)
    assert code is None or code in countries.ALPHA_2


def test_common_spellings() -> None:
    for text in ("US", "usa", "U.S.A.", "United States", "united states of america", "America"):
        assert country_code(text) == "US"
    assert country_code("UK") == "GB"
    assert country_code("Narnia") is None
