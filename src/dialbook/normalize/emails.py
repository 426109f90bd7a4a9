"""Email addresses: syntax only (no DNS), shown as given, matched lower-cased."""

from __future__ import annotations

import re

import email_validator

# The WHATWG HTML "valid e-mail address" rule (what browsers accept in <input type=email>),
# plus a dot in the domain: lead files are full of "name@localhost"-style junk.
_ASCII_EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+"
)


class EmailError(ValueError):
    pass


def normalize_email(raw: str) -> str:
    """Return the address trimmed, as given; raise :class:`EmailError` when it is not one."""
    text = raw.strip()
    if not text:
        raise EmailError("is empty")
    if len(text) > 254:
        raise EmailError("is longer than 254 characters")
    if text.isascii():
        if not _ASCII_EMAIL.fullmatch(text) or len(text.partition("@")[0]) > 64:
            raise EmailError("is not an email address")
        return text
    # Internationalized addresses: let the library apply the full rules.
    try:
        email_validator.validate_email(
            text, check_deliverability=False, allow_smtputf8=True, allow_display_name=False
        )
    except email_validator.EmailNotValidError as error:
        raise EmailError(f"is not an email address ({error})") from None
    return text


def email_key(email: str) -> str:
    """The value duplicates are matched on."""
    return email.strip().lower()
