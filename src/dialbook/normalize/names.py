"""Person names: first, last and full kept consistent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Names:
    first: str | None
    last: str | None
    full: str | None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def normalize_names(first: str | None, last: str | None, full: str | None) -> Names:
    """Full from the parts when any part is given; parts split from full when only full is.

    "Smith, Jane" is read as last, first. Otherwise the last word is the last name:
    "Mary Ann Smith" -> ("Mary Ann", "Smith").
    """
    first, last, full = _clean(first), _clean(last), _clean(full)
    if first or last:
        return Names(first, last, " ".join(p for p in (first, last) if p))
    if not full:
        return Names(None, None, None)
    if "," in full:
        surname, _, given = full.partition(",")
        given_clean, surname_clean = _clean(given), _clean(surname)
        if given_clean and surname_clean:
            return Names(given_clean, surname_clean, f"{given_clean} {surname_clean}")
    head, _, tail = full.rpartition(" ")
    if not head:
        return Names(full, None, full)
    return Names(head, tail, full)
