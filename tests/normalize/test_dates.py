from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.dates import DateError, parse_date

FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y"]


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(FORMATS))
def test_every_documented_format_round_trips(day: dt.date, fmt: str) -> None:
    assert parse_date(day.strftime(fmt)) == day


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_date_error(raw: str) -> None:
    with contextlib.suppress(DateError):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["2021-02-30", "13/01/2020", "2020-1", "yesterday", "20200101"])
def test_rejected(raw: str) -> None:
    with pytest.raises(DateError):
        parse_date(raw)


def test_iso_timestamp_keeps_its_date() -> None:
    assert parse_date("1990-09-25T00:00:00.000Z") == dt.date(1990, 9, 25)
