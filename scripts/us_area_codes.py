"""Regenerate src/dialbook/normalize/data/us_area_codes.json: US area code -> two-letter state.

Read from libphonenumber's geocoder data (the ``phonenumbers`` package pinned in
pyproject.toml): for each area code of a US number, the states its prefixes name ("Florida",
"Miami, FL"). An area code whose prefixes name one state maps to it; the others (none today)
are left out. Run after upgrading phonenumbers: ``.venv/bin/python scripts/us_area_codes.py``.
"""

from __future__ import annotations

import json
import pathlib
from collections import defaultdict

import phonenumbers
from phonenumbers.geodata import GEOCODE_DATA

from dialbook.normalize.states import state_code

OUT = pathlib.Path(__file__).parent.parent / "src/dialbook/normalize/data/us_area_codes.json"


def main() -> None:
    states: dict[str, set[str]] = defaultdict(set)
    for prefix, names in GEOCODE_DATA.items():
        if not prefix.startswith("1") or len(prefix) < 4 or "en" not in names:
            continue
        area = prefix[1:4]
        number = phonenumbers.parse(f"+1{area}2345678")
        if phonenumbers.region_code_for_number(number) != "US":
            continue
        name = names["en"]
        code = state_code(name.rsplit(", ", 1)[-1], "US")
        if code:
            states[area].add(code)
    table = {area: found.pop() for area, found in sorted(states.items()) if len(found) == 1}
    body = {
        "source": f"libphonenumber geocoder data, phonenumbers {phonenumbers.__version__}",
        "area_codes": table,
    }
    OUT.write_text(json.dumps(body, indent=0, sort_keys=False) + "\n")
    print(f"{len(table)} area codes -> {OUT}")


if __name__ == "__main__":
    main()
