"""Regenerate src/dialbook/normalize/data/zip_zones.txt from the `zipcodes` package.

The table is the ZIP -> IANA zone map of `zipcodes`, packed so that reading it costs
about 100 KB instead of the 140 MB the package takes in memory: line 1 lists the zones,
line 2 has one character per ZIP code 00000-99999 ("." = unknown, "A" = the first zone,
...). tests/normalize/test_inference.py checks it still agrees with the package.

    .venv/bin/python scripts/build_zip_zones.py
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

import zipcodes

TARGET = Path(__file__).parent.parent / "src/dialbook/normalize/data/zip_zones.txt"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def table() -> tuple[list[str], str]:
    known = {name.lower(): name for name in zoneinfo.available_timezones()}
    by_zip = {
        z["zip_code"]: known[z["timezone"].lower()]
        for z in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if z["timezone"] and z["timezone"].lower() in known
    }
    zones = sorted(set(by_zip.values()))
    assert len(zones) <= len(ALPHABET)
    code = {zone: ALPHABET[i] for i, zone in enumerate(zones)}
    packed = "".join(code.get(by_zip.get(f"{n:05d}", ""), ".") for n in range(100_000))
    return zones, packed


if __name__ == "__main__":
    zones, packed = table()
    TARGET.write_text(" ".join(zones) + "\n" + packed + "\n")
    print(f"{TARGET}: {len(zones)} zones, {sum(c != '.' for c in packed)} ZIP codes")
