"""Person names: first, last and full kept consistent.

A full name is split with nameparser (PyPI ``nameparser``), which knows titles ("Dr."),
suffixes ("Jr.", "III"), particles ("van", "de la"), nicknames and "Last, First": so
"Dr. Martin Luther King Jr." is first "Martin Luther", last "King", and "Ludwig van
Beethoven" is first "Ludwig", last "van Beethoven". Given names stay together in the first
name ("Mary Ann Smith" is "Mary Ann", "Smith"); the title and suffix are returned apart
("Dr.", "Jr."); the full name is kept as given. Plain names (no punctuation, no word
nameparser treats specially) take a fast path with the same result: parsing costs
~250 µs, and imports split one name a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nameparser import HumanName
from nameparser.config import CONSTANTS
from nameparser.config.maiden_markers import MAIDEN_MARKERS


@dataclass(frozen=True, slots=True)
class Names:
    first: str | None
    last: str | None
    full: str | None
    prefix: str | None = None  # the title a full name was given with: "Dr."
    suffix: str | None = None  # "Jr.", "III"
    split: bool = field(default=False, compare=False)  # first and last came from full


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


# Characters with a meaning to the parser: "Last, First", initials and abbreviations,
# nicknames in quotes or parentheses.
_SPECIAL_CHARACTERS = re.compile(r"[.,\"()\[\]{}“”„«»]")


@lru_cache(maxsize=1)
def _special_words() -> frozenset[str]:
    words: set[str] = set()
    for group in (
        CONSTANTS.titles,
        CONSTANTS.first_name_titles,
        CONSTANTS.prefixes,
        CONSTANTS.suffix_acronyms,
        CONSTANTS.suffix_not_acronyms,
        CONSTANTS.suffix_acronyms_ambiguous,
        CONSTANTS.conjunctions,
        CONSTANTS.bound_first_names,
        CONSTANTS.non_first_name_prefixes,
        MAIDEN_MARKERS,  # "née": a birth surname follows
    ):
        words.update(str(word).lower() for word in group)
    return frozenset(words)


def split_full_name(full: str) -> tuple[str | None, str | None]:
    """(first, last) of a cleaned full name; (full, None) when it has no recognizable parts."""
    return _parse(full)[:2]


# Names the parser would split as "given names, then the family name": Latin letters,
# apostrophes and hyphens. Other scripts have rules of their own (a Japanese or Chinese
# name puts the family name first), so the parser reads them.
_LATIN = re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF'\u2019 -]+")
# Words the parser may read as a suffix: roman numerals, by its own pattern (case-insensitive,
# so the dotless "ı" counts as an I too).
_ROMAN_NUMERAL: re.Pattern[str] = CONSTANTS.regexes.roman_numeral  # type: ignore[assignment]


def _plain(word: str) -> bool:
    return (
        word.lower() not in _special_words()
        and not _ROMAN_NUMERAL.match(word)
        and any(character.isalpha() for character in word)  # not a lone "-" or "'"
        and word[0] not in "'’"  # 'Bob' in single quotes is a nickname
        and word[-1] not in "'’"
    )


def _parse(full: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(first, last, prefix, suffix) of a cleaned full name."""
    words = full.split(" ")
    if _LATIN.fullmatch(full) and all(_plain(word) for word in words):
        if len(words) == 1:
            return full, None, None, None
        return " ".join(words[:-1]), words[-1], None, None
    parsed = HumanName(full)
    first, last = _clean(f"{parsed.first} {parsed.middle}"), _clean(parsed.last)
    if not first and not last:
        return full, None, None, None
    return first, last, _clean(parsed.title), _clean(parsed.suffix)


def normalize_names(first: str | None, last: str | None, full: str | None) -> Names:
    """Full from the parts when any part is given; parts split from full when only full is
    (the full name is then kept as given, spaces collapsed)."""
    first, last, full = _clean(first), _clean(last), _clean(full)
    if first or last:
        return Names(first, last, " ".join(p for p in (first, last) if p))
    if not full:
        return Names(None, None, None)
    first, last, prefix, suffix = _parse(full)
    return Names(first, last, full, prefix, suffix, split=True)
