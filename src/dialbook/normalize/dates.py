"""Dates as people and platforms write them (date of birth, custom date fields)."""

from __future__ import annotations

import datetime as dt
import re

# Year first, or month first (US order), with "-", "/" or "." between the parts.
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_MONTH_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?")

DATE_FORMATS = ("YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD", "MM/DD/YYYY", "MM-DD-YYYY", "MM.DD.YYYY")


class DateError(ValueError):
    pass


def parse_date(raw: str) -> dt.date:
    """Parse one of :data:`DATE_FORMATS` (an ISO timestamp's date part is accepted too)."""
    text = raw.strip()
    if match := _ISO_DATETIME.fullmatch(text):
        text = match.group(1)
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = match.group(1), match.group(3), match.group(4)
    elif match := _MONTH_FIRST.fullmatch(text):
        month, day, year = match.group(1), match.group(3), match.group(4)
    else:
        raise DateError("is not a date; use one of " + ", ".join(DATE_FORMATS))
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise DateError("is not a real calendar date") from None
