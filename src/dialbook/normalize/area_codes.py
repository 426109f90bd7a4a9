"""The US state of a phone number's area code. Pure.

The table (data/us_area_codes.json) is generated from libphonenumber's geocoder data by
scripts/us_area_codes.py: a small file read once, where calling the geocoder itself would
load its whole per-prefix data set and answer city names ("Miami, FL") to be parsed on
every contact write. An area code that is not a single US state's (Canada, the Caribbean,
toll-free, non-geographic) has no state.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files


@functools.cache
def _table() -> dict[str, str]:
    text = (files("dialbook.normalize") / "data" / "us_area_codes.json").read_text()
    table: dict[str, str] = json.loads(text)["area_codes"]
    return table


def area_code_state(number: str) -> str | None:
    """The two-letter state of a +1 number's area code ("+13055550100" -> "FL")."""
    if not number.startswith("+1") or len(number) != 12:
        return None
    return _table().get(number[2:5])


def phone_states(phones: list[dict[str, object]] | tuple[dict[str, object], ...]) -> set[str]:
    """The area-code states of a contact's dialable (valid) phones. Every one counts, not
    only the number dialed first, so moving to another of the contact's numbers never
    loosens the rules that apply."""
    return {
        state
        for phone in phones
        if phone.get("valid", True)
        and isinstance(phone.get("number"), str)
        and (state := area_code_state(str(phone["number"]))) is not None
    }
