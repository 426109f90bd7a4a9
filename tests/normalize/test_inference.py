from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.phones import time_zones_for
from dialbook.normalize.timezones import (
    infer_timezone,
    zone_for_country,
    zone_for_postal_code,
)

ZONES = st.sampled_from(["America/New_York", "America/Chicago", "Europe/London", "Asia/Tokyo"])


def test_gary_indiana_is_called_only_in_the_safe_window() -> None:
    # libphonenumber maps +1 219 to Eastern; the ZIP says Central: both windows must be open.
    inference = infer_timezone(
        phone_zones=time_zones_for("+12192345678"),
        postal_code="46320",
        country="US",
        list_default=None,
    )
    assert inference.timezone == "America/New_York"
    assert inference.source == "phone"
    assert inference.candidates == ("America/New_York", "America/Chicago")


def test_ambiguous_prefixes_give_no_phone_zone() -> None:
    toll_free = time_zones_for("+18005551234")
    assert len(toll_free) > 1
    inference = infer_timezone(
        phone_zones=toll_free, postal_code="10001-2345", country="US", list_default=None
    )
    assert (inference.timezone, inference.source) == ("America/New_York", "postal_code")


@given(ZONES, ZONES, st.booleans(), st.booleans(), st.booleans())
def test_precedence(
    phone: str, default: str, has_phone: bool, has_zip: bool, has_country: bool
) -> None:
    inference = infer_timezone(
        phone_zones=(phone,) if has_phone else (),
        postal_code="60601" if has_zip else None,  # Chicago
        country="GB" if has_country and not has_zip else ("US" if has_zip else None),
        list_default=default,
    )
    if has_phone:
        assert inference.source == "phone"
        assert inference.timezone == phone
        expected = (
            (phone,) if not has_zip or phone == "America/Chicago" else (phone, "America/Chicago")
        )
        assert inference.candidates == expected
    elif has_zip:
        assert (inference.timezone, inference.source) == ("America/Chicago", "postal_code")
    elif has_country:
        assert (inference.timezone, inference.source) == ("Europe/London", "country")
    else:
        assert (inference.timezone, inference.source) == (default, "list_default")


def test_tables() -> None:
    assert zone_for_postal_code("46320", "US") == "America/Chicago"
    assert zone_for_postal_code("46320", "DE") is None
    assert zone_for_postal_code("46320", None) is None
    assert zone_for_postal_code("4632", "US") is None
    assert zone_for_country("FR") == "Europe/Paris"
    assert zone_for_country("US") is None  # several zones
    assert zone_for_country("XX") is None


def test_the_packed_zip_table_agrees_with_the_zipcodes_package() -> None:
    import importlib.util
    import sys
    from pathlib import Path

    script = Path(__file__).parents[2] / "scripts" / "build_zip_zones.py"
    spec = importlib.util.spec_from_file_location("build_zip_zones", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_zip_zones"] = module
    spec.loader.exec_module(module)
    zones, packed = module.table()
    assert module.TARGET.read_text() == " ".join(zones) + "\n" + packed + "\n"


def test_a_postal_code_is_a_us_zip_only_for_a_contact_in_the_us() -> None:
    berlin = time_zones_for("+49301234567")
    # 10115 is Berlin-Mitte and a Manhattan ZIP: a German number's postal code is German.
    inference = infer_timezone(
        phone_zones=berlin, postal_code="10115", country=None, list_default=None,
        phone_country="DE",
    )  # fmt: skip
    assert inference.candidates == ("Europe/Berlin",)
    toll_free = time_zones_for("+18005551234")
    by_phone = infer_timezone(
        phone_zones=toll_free, postal_code="46320", country=None, list_default=None,
        phone_country="US",
    )  # fmt: skip
    assert (by_phone.timezone, by_phone.source) == ("America/Chicago", "postal_code")
    # The address's country outranks the phone's.
    abroad = infer_timezone(
        phone_zones=toll_free, postal_code="46320", country="FR", list_default=None,
        phone_country="US",
    )  # fmt: skip
    assert (abroad.timezone, abroad.source) == ("Europe/Paris", "country")
    nowhere = infer_timezone(phone_zones=(), postal_code="46320", country=None, list_default=None)
    assert nowhere.timezone is None


@given(st.sampled_from(["DE", "FR", "GB", "MX", None]), st.from_regex(r"\A\d{5}\Z"))
def test_no_zip_zone_outside_the_us(phone_country: str | None, postal_code: str) -> None:
    inference = infer_timezone(
        phone_zones=(), postal_code=postal_code, country=None, list_default=None,
        phone_country=phone_country,
    )  # fmt: skip
    assert inference.source != "postal_code"
