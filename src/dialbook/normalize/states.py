"""US states and Canadian provinces: their two-letter codes from what people write. Pure.

Lead files and platforms write ``Florida``, ``florida``, ``"FL "``, ``Fla.`` or ``fl``; the
calling rules (a list's ``state_overrides``) match the code. Only a value this table knows
is rewritten: anything else is kept as given, never guessed at.
"""

from __future__ import annotations

import functools
import re

# Codes and names: USPS (the 50 states, DC, the inhabited territories and the minor outlying
# islands) and Canada Post (provinces and territories). The third column holds other
# spellings people use: the GPO / AP abbreviations, older Canadian codes (PQ, NF) and
# common long forms.
_US = """\
AL Alabama|Ala
AK Alaska|Alas
AZ Arizona|Ariz
AR Arkansas|Ark
CA California|Calif|Cal
CO Colorado|Colo|Col
CT Connecticut|Conn
DE Delaware|Del
DC District of Columbia|Washington DC|Washington D C|Dist of Columbia
FL Florida|Fla|Flor
GA Georgia
HI Hawaii
ID Idaho|Ida
IL Illinois|Ill
IN Indiana|Ind
IA Iowa
KS Kansas|Kan|Kans
KY Kentucky|Ky|Ken
LA Louisiana
ME Maine
MD Maryland
MA Massachusetts|Mass
MI Michigan|Mich
MN Minnesota|Minn
MS Mississippi|Miss
MO Missouri
MT Montana|Mont
NE Nebraska|Neb|Nebr
NV Nevada|Nev
NH New Hampshire
NJ New Jersey
NM New Mexico|N Mex
NY New York
NC North Carolina|N Car
ND North Dakota|N Dak
OH Ohio
OK Oklahoma|Okla
OR Oregon|Ore|Oreg
PA Pennsylvania|Penn|Penna
RI Rhode Island
SC South Carolina|S Car
SD South Dakota|S Dak
TN Tennessee|Tenn
TX Texas|Tex
UT Utah
VT Vermont
VA Virginia|Virg
WA Washington|Wash
WV West Virginia|W Va|W Virginia
WI Wisconsin|Wis|Wisc
WY Wyoming|Wyo
AS American Samoa
GU Guam
MP Northern Mariana Islands|Northern Marianas|CNMI
PR Puerto Rico
VI US Virgin Islands|U S Virgin Islands|Virgin Islands|United States Virgin Islands
UM United States Minor Outlying Islands|US Minor Outlying Islands
"""
_CA = """\
AB Alberta|Alta
BC British Columbia|B C
MB Manitoba|Man
NB New Brunswick
NL Newfoundland and Labrador|Newfoundland|Newfoundland & Labrador|NF|Nfld|LB
NS Nova Scotia
NT Northwest Territories|NWT
NU Nunavut
ON Ontario|Ont
PE Prince Edward Island|PEI
QC Quebec|Québec|PQ|Que
SK Saskatchewan|Sask
YT Yukon|Yukon Territory
"""

# Territories that also have their own ISO country code: an address there may say either.
US_TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI", "UM"})


_PUNCTUATION = re.compile(r"[.,]")


def _key(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text).split()).casefold()


def _table(text: str) -> tuple[frozenset[str], dict[str, str]]:
    codes: set[str] = set()
    names: dict[str, str] = {}
    for line in text.splitlines():
        code, _, rest = line.partition(" ")
        codes.add(code)
        names[code.casefold()] = code
        for name in rest.split("|"):
            names[_key(name)] = code
            names[_key(name).replace(" ", "")] = code
    return frozenset(codes), names


US_STATES, _US_NAMES = _table(_US)
CA_PROVINCES, _CA_NAMES = _table(_CA)
assert not US_STATES & CA_PROVINCES


# A lead file writes the same few dozen states row after row: each is worked out once.
@functools.lru_cache(maxsize=4096)
def state_code(value: str, country: str | None = None) -> str | None:
    """The two-letter code of a US state, DC, US territory or Canadian province written as
    ``value`` (code or name, any case, spacing and dots); None when it is not one.

    ``country`` narrows the table: "US" (or a US territory's own code) reads US names only,
    "CA" Canadian ones, another country none (its regions are not ours to rename), and no
    country both (no code or name is in both tables).
    """
    key = _key(value)
    if not key:
        return None
    if country is None:
        return _US_NAMES.get(key) or _CA_NAMES.get(key) or _compact(key, None)
    if country == "US" or country in US_TERRITORIES:
        return _US_NAMES.get(key) or _compact(key, "US")
    if country == "CA":
        return _CA_NAMES.get(key) or _compact(key, "CA")
    return None


def _compact(key: str, country: str | None) -> str | None:
    """A code or abbreviation written with its letters apart ("n y" from "N. Y.")."""
    parts = key.split(" ")
    if len(parts) < 2 or any(len(part) > 2 for part in parts):
        return None
    squeezed = "".join(parts)
    if country in (None, "US") and squeezed in _US_NAMES:
        return _US_NAMES[squeezed]
    if country in (None, "CA") and squeezed in _CA_NAMES:
        return _CA_NAMES[squeezed]
    return None


def is_north_american(country: str | None) -> bool:
    """Whether a contact in ``country`` has a state or province this module knows."""
    return country in (None, "US", "CA") or country in US_TERRITORIES
