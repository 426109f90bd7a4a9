"""Zone keys: the set of time zones, plus the US states whose rules apply, that a contact
must be called in. Pure.

Every contact write stores its key (as a ``call_zones`` id); the dial queue reads it back
to decide each key's calling window once.
"""

from __future__ import annotations

from collections.abc import Iterable


def zone_key(zones: Iterable[str], *states: str | None) -> str | None:
    """The key of a set of zones plus the US states whose rules apply (the address's and
    the phones' area codes'): "America/Chicago|America/New_York@IN", "America/New_York@FL+GA".
    Contacts with one key share one calling window, so a claim decides it once per key."""
    names = sorted(set(zones))
    if not names:
        return None
    found = sorted({s for s in states if s})
    return "|".join(names) + (f"@{'+'.join(found)}" if found else "")


def parse_zone_key(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    zones, _, states = key.partition("@")
    return tuple(zones.split("|")), tuple(states.split("+")) if states else ()


def address_state(state: str | None, country: str | None) -> str | None:
    """The two-letter US state of an address, when there is one (its rules apply)."""
    if not state or country not in (None, "US"):
        return None
    text = state.strip().upper()
    return text if len(text) == 2 and text.isalpha() else None
