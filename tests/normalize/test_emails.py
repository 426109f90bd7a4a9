from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialbook.normalize.emails import EmailError, email_key, normalize_email


@given(st.emails())
def test_generated_addresses_are_accepted_as_given(address: str) -> None:
    if "." not in address.partition("@")[2] or len(address) > 254:
        return
    assert normalize_email(address) == address
    assert email_key(address) == address.lower()


@given(st.text(max_size=300))
def test_any_text_is_an_address_or_an_email_error(raw: str) -> None:
    try:
        result = normalize_email(raw)
    except EmailError:
        return
    assert "@" in result
    assert result == result.strip()


@given(st.emails())
def test_key_is_idempotent(address: str) -> None:
    assert email_key(email_key(address)) == email_key(address)


@pytest.mark.parametrize(
    "raw", ["", "plain", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@-x.com"]
)
def test_rejected(raw: str) -> None:
    with pytest.raises(EmailError):
        normalize_email(raw)


def test_internationalized_address() -> None:
    assert normalize_email("josé@exämple.com") == "josé@exämple.com"
