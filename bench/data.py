"""Generated lead files: messy phone formats in several countries, and their clean twins.

Row ``i`` always has the same values (a seeded generator), its phone number is unique (it
is derived from ``i``), and the clean twin of each row is what normalization should make
of it: the E.164 number, the ISO country, the lower-cased email. A few rows are bad on
purpose (no usable phone nor email: rejected) and a few repeat an earlier row's phone
(skipped as duplicates), as real lead files do.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Country",
    "Company",
    "Job Title",
    "City",
    "State",
    "Zip",
    "Lead Score",
    "Notes",
]
CLEAN_HEADER = [
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "country",
    "company",
    "title",
    "city",
    "state",
    "postal_code",
    "lead_score",
    "notes",
]

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Radia",
    "Edsger",
    "Frances",
    "John",
    "Hedy",
    "Tim",
    "Sophie",
    "José",
    "Zoë",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Perlman",
    "Dijkstra",
    "Allen",
    "McCarthy",
    "Lamarr",
    "O'Brien",
    "van der Berg",
    "García",
    "Nguyen",
]
COMPANIES = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella, Inc.",
    "Hooli",
    "Vandelay Industries",
    "Stark Industries",
    "Wayne Enterprises",
    "Soylent",
    "Tyrell Corp",
]
TITLES = ["VP of Sales", "Owner", "Office Manager", "CTO", "Head of Growth", "Dentist", ""]

# (area code, city, state, zip) in several US time zones; Canada separately.
US = [
    ("212", "New York", "NY", "10001"),
    ("312", "Chicago", "IL", "60601"),
    ("303", "Denver", "CO", "80202"),
    ("415", "San Francisco", "CA", "94103"),
    ("305", "Miami", "FL", "33101"),
    ("713", "Houston", "TX", "77002"),
    ("206", "Seattle", "WA", "98101"),
    ("617", "Boston", "MA", "02108"),
    ("602", "Phoenix", "AZ", "85004"),
    ("907", "Anchorage", "AK", "99501"),
    ("808", "Honolulu", "HI", "96813"),
    ("240", "Bethesda", "MD", "20814"),
    ("512", "Austin", "TX", "78702"),
    ("801", "Salt Lake City", "UT", "84101"),
]
CA = [
    ("416", "Toronto", "ON", "M5H 2N2"),
    ("604", "Vancouver", "BC", "V6B 1A1"),
    ("514", "Montreal", "QC", "H2Y 1C6"),
]
US_COUNTRY = ["US", "USA", "United States", "", "us", "U.S.A."]


@dataclass(frozen=True, slots=True)
class Lead:
    messy: list[str]
    clean: list[str] | None  # None: the importer rejects the row


def _us_like(
    i: int, rng: random.Random, places: list[tuple[str, str, str, str]]
) -> tuple[str, str, tuple[str, str, str, str]]:
    place = places[i % len(places)]
    rest = i // len(places)
    exchange = 200 + (rest // 10000) % 800
    line = f"{rest % 10000:04d}"
    area = place[0]
    e164 = f"+1{area}{exchange}{line}"
    ext = str(rng.randint(10, 9999))
    formats = [
        f"001-{area}-{exchange}-{line}x{ext}",
        f"({area}){exchange}-{line}x{ext}",
        f"+1-{area}-{exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"{area}-{exchange}-{line}",
        f"1 ({area}) {exchange} {line}",
        f"{area}{exchange}{line}",
        f" +1 {area} {exchange} {line} ",
    ]
    return formats[rng.randrange(len(formats))], e164, place


def _international(i: int, rng: random.Random) -> tuple[str, str, str, str, str, str]:
    """(messy phone, E.164, country as written, ISO country, city, postal code)."""
    n = i % 10_000_000
    kind = rng.randrange(4)
    if kind == 0:  # United Kingdom: London landline or mobile
        if rng.random() < 0.5:
            block, line = n // 10000 % 1000, n % 10000
            national = f"020 7{block:03d} {line:04d}"
            e164 = f"+44207{block:03d}{line:04d}"
        else:
            national = f"07911 {n % 1_000_000:06d}"
            e164 = f"+447911{n % 1_000_000:06d}"
        messy = national if rng.random() < 0.7 else "+44 (0)" + national[1:]
        return messy, e164, rng.choice(["UK", "United Kingdom", "GB"]), "GB", "London", "EC1A 1BB"
    if kind == 1:  # Germany: Berlin landline
        digits = f"{n % 10_000_000:07d}"
        national = f"030 {digits}"
        messy = national if rng.random() < 0.6 else f"+49 (0)30 {digits}"
        return (
            messy,
            f"+4930{digits}",
            rng.choice(["Germany", "DE", "DEU"]),
            "DE",
            "Berlin",
            "10115",
        )
    if kind == 2:  # France: Paris landline
        d = f"{n % 100_000_000:08d}"
        national = f"01 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}"
        messy = national if rng.random() < 0.6 else f"+33 1 {d[0:2]}.{d[2:4]}.{d[4:6]}.{d[6:8]}"
        return messy, f"+331{d}", rng.choice(["France", "FR", "FRA"]), "FR", "Paris", "75001"
    d = f"{n % 100_000_000:08d}"  # Australia: Sydney landline
    messy = f"(02) {d[0:4]} {d[4:8]}" if rng.random() < 0.6 else f"+61 2 {d[0:4]} {d[4:8]}"
    return messy, f"+612{d}", rng.choice(["Australia", "AU"]), "AU", "Sydney", "2000"


def leads(count: int, seed: int = 7) -> Iterator[Lead]:
    rng = random.Random(seed)
    seen_phones: list[str] = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}.{i}@Example.com".replace(" ", "").replace("'", "")
        company, title = rng.choice(COMPANIES), rng.choice(TITLES)
        score = str(rng.randint(1, 100))
        notes = rng.choice(["", "", "Asked for a callback, after 3pm", 'Said "not now"', ""])
        roll = rng.random()
        if roll < 0.005:  # rejected: an unreadable phone and no email
            yield Lead(
                [
                    first,
                    last,
                    "",
                    rng.choice(["n/a", "12", "call me"]),
                    "US",
                    company,
                    title,
                    "",
                    "",
                    "",
                    score,
                    notes,
                ],
                None,
            )
            continue
        if roll < 0.010 and seen_phones:  # a duplicate of an earlier row's phone
            phone = rng.choice(seen_phones)
            yield Lead(
                [first, last, email, phone, "US", company, title, "", "", "", score, notes], None
            )
            continue
        if roll < 0.80:
            phone, e164, (_a, city, state, zip_code) = _us_like(i, rng, US)
            written, iso = rng.choice(US_COUNTRY), "US"
        elif roll < 0.85:
            phone, e164, (_a, city, state, zip_code) = _us_like(i, rng, CA)
            written, iso = rng.choice(["Canada", "CA", "CAN"]), "CA"
        else:
            phone, e164, written, iso, city, zip_code = _international(i, rng)
            state = ""
        if iso == "US" and len(seen_phones) < 1000:
            seen_phones.append(phone)
        messy = [
            first,
            last,
            email,
            phone,
            written,
            company,
            title,
            city,
            state,
            zip_code,
            score,
            notes,
        ]
        clean = [
            first,
            last,
            f"{first} {last}",
            email.lower(),
            e164,
            iso,
            company,
            title or "",
            city,
            state,
            zip_code,
            score,
            notes,
        ]
        yield Lead(messy, clean)


def write(count: int, messy_path: Path, clean_path: Path, seed: int = 7) -> tuple[int, int]:
    """Write both files; returns (rows, clean rows)."""
    clean_rows = 0
    with (
        messy_path.open("w", newline="", encoding="utf-8") as messy_file,
        clean_path.open("w", newline="", encoding="utf-8") as clean_file,
    ):
        messy_out, clean_out = csv.writer(messy_file), csv.writer(clean_file)
        messy_out.writerow(HEADER)
        clean_out.writerow(CLEAN_HEADER)
        for lead in leads(count, seed):
            messy_out.writerow(lead.messy)
            if lead.clean is not None:
                clean_out.writerow(lead.clean)
                clean_rows += 1
    return count, clean_rows
