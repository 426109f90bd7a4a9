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
