"""The accelerator (rphonenumbers, ``dialbook[fast]``) answers exactly as phonenumbers does.

dialbook parses with rphonenumbers when it is installed, so any difference between the two
would change what is stored. On 20,000+ inputs (every phone written in the test suite, every
region's example numbers of every type in every written form, their neighbours, extensions
and junk) ``parse_phone`` must give the same :class:`ParsedPhone` or the same error with
either library. dialbook takes the port's answer only for numbers it finds valid (anything
else is asked again of phonenumbers), so for those the two libraries must also read the same
E.164, possibility, validity, type and region.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import phonenumbers
import pytest

from dialbook.normalize.phones import PhoneError, parse_phone

rphonenumbers = pytest.importorskip(
    "rphonenumbers", reason="rphonenumbers (dialbook[fast]) is not installed"
)

TESTS = Path(__file__).parents[1]
# A string literal of the test suite that could be a phone: digits with phone punctuation.
_LITERAL = re.compile(r"""["']([+(]?[0-9][0-9 ()./+#x-]{5,28}(?:\s*(?:ext\.?|x)\s*\d{1,6})?)["']""")
_FORMS = ("E164", "INTERNATIONAL", "NATIONAL", "RFC3966")
_JUNK = "0123456789+-() .x#abc*/"


def suite_phones() -> set[str]:
    """Every phone-like literal in the test suite's code and golden files."""
    found: set[str] = set()
    for path in TESTS.rglob("*"):
        if path.suffix in (".py", ".json", ".csv", ".txt") and path.is_file():
            found.update(_LITERAL.findall(path.read_text(errors="replace")))
    return {text for text in found if sum(ch.isdigit() for ch in text) >= 6}


def example_numbers() -> Iterator[tuple[phonenumbers.PhoneNumber, str]]:
    """Each region's example number of each type it has, with that region."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in sorted(phonenumbers.supported_types_for_region(region)):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                yield example, region
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        example = phonenumbers.example_number_for_non_geo_entity(code)
        if example is not None:
            yield example, "001"


def neighbours(number: phonenumbers.PhoneNumber, rng: random.Random) -> Iterator[str]:
    """Numbers near an example: other last digits, one digit fewer and one more."""
    national = phonenumbers.national_significant_number(number)
    prefix = f"+{number.country_code}"
    for _ in range(4):
        tail = "".join(rng.choice("0123456789") for _ in range(min(4, len(national))))
        yield prefix + national[: len(national) - len(tail)] + tail
    yield prefix + national[:-1]
    yield prefix + national + rng.choice("0123456789")


def inputs() -> list[tuple[str, str | None]]:
    rng = random.Random(20261205)
    cases: list[tuple[str, str | None]] = []
    for text in sorted(suite_phones()):
        cases += [(text, None), (text, "US"), (text, "GB")]
    for number, region in example_numbers():
        home = None if region == "001" else region
        for form in _FORMS:
            written = phonenumbers.format_number(
                number, getattr(phonenumbers.PhoneNumberFormat, form)
            )
            cases += [(written, home), (written, "US")]
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        cases.append((f"{national} ext. {rng.randint(1, 99999)}", home))
        cases += [(text, home) for text in neighbours(number, rng)]
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    for _ in range(4000):
        junk = "".join(rng.choice(_JUNK) for _ in range(rng.randint(1, 24)))
        cases.append((junk, rng.choice([None, "US", *regions])))
    return cases


CASES = inputs()


def facts(lib: object, text: str, region: str | None) -> tuple[object, ...]:
    """What dialbook reads from a phone library for one input."""
    try:
        number = lib.parse(text, region)  # type: ignore[attr-defined]
    except lib.NumberParseException as error:  # type: ignore[attr-defined]
        return ("error", int(error.error_type))
    return (
        lib.format_number(number, lib.PhoneNumberFormat.E164),  # type: ignore[attr-defined]
        int(lib.is_possible_number_with_reason(number)),  # type: ignore[attr-defined]
        lib.is_valid_number(number),  # type: ignore[attr-defined]
        int(lib.number_type(number)),  # type: ignore[attr-defined]
        lib.region_code_for_number(number),  # type: ignore[attr-defined]
        number.extension or None,
    )


def parsed(lib: object, text: str, region: str | None) -> object:
    try:
        return parse_phone(text, [region], library=lib)  # type: ignore[arg-type]
    except PhoneError as error:
        return ("PhoneError", str(error))


def test_the_differential_covers_at_least_20000_varied_inputs() -> None:
    assert len(CASES) >= 20_000
    assert len(suite_phones()) >= 100  # the suite's own phones are in it
    assert len({region for _, region in CASES}) >= 200  # every region


def test_both_libraries_read_every_number_the_port_finds_valid_the_same() -> None:
    taken = [
        (text, region)
        for text, region in CASES
        if facts(rphonenumbers, text, region)[2:3] == (True,)
    ]
    assert len(taken) >= 5_000
    differences = [
        (text, region, expected, got)
        for text, region in taken
        if (expected := facts(phonenumbers, text, region))
        != (got := facts(rphonenumbers, text, region))
    ]
    assert differences == [], f"{len(differences)} inputs differ, first: {differences[:5]}"


def test_parse_phone_gives_the_same_result_with_either_library() -> None:
    differences = [
        (text, region, expected, got)
        for text, region in CASES
        if (expected := parsed(phonenumbers, text, region))
        != (got := parsed(rphonenumbers, text, region))
    ]
    assert differences == [], f"{len(differences)} inputs differ, first: {differences[:5]}"


@pytest.mark.parametrize(
    ("setting", "chosen"),
    [
        ("auto", "rphonenumbers"),
        ("phonenumbers", "phonenumbers"),
        ("rphonenumbers", "rphonenumbers"),
    ],
)
def test_the_library_is_chosen_by_the_setting(setting: str, chosen: str) -> None:
    code = "from dialbook.normalize.phones import LIBRARY; print(LIBRARY.__name__)"
    env = {**os.environ, "DIALBOOK_PHONE_LIBRARY": setting}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, chosen), done.stderr


def test_an_unknown_library_setting_is_refused_with_the_choices() -> None:
    code = "import dialbook.normalize.phones"
    env = {**os.environ, "DIALBOOK_PHONE_LIBRARY": "fastest"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "use auto, phonenumbers or rphonenumbers" in done.stderr
