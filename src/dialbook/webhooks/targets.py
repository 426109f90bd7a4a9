"""Which URLs webhooks may be sent to (pure).

A webhook makes dialbook send requests wherever an API key says, so without a guard a key
could reach services only the server can see (server-side request forgery): a database
admin page on localhost, a cloud metadata address (169.254.169.254). Private, loopback,
link-local and other non-public addresses are refused unless the operator allows them
(DIALBOOK_WEBHOOKS_ALLOW_PRIVATE=1). Names are checked when the URL is given, and the
addresses they resolve to are checked again at every connection (webhooks/delivery.py), so
a name that later resolves to a private address is refused too.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

PRIVATE_HINT = "set DIALBOOK_WEBHOOKS_ALLOW_PRIVATE=1 to allow private targets"


def address_allowed(address: str, *, allow_private: bool) -> bool:
    """Whether an IP address (text) is a public one, or private ones are allowed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_multicast or ip.is_unspecified:
        return False
    return allow_private or ip.is_global


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` cannot be a webhook target, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if parts.scheme not in ("http", "https"):
        return "must be an http:// or https:// URL"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "has no host"
    if port == 0:
        return "has port 0"
    if parts.username or parts.password:
        return "must not carry a user name or password (use the signature to authenticate)"
    if host == "localhost" or host.endswith(".localhost"):
        return None if allow_private else f"names this server's own host; {PRIVATE_HINT}"
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None  # a name: its addresses are checked when connecting
    if not address_allowed(host, allow_private=allow_private):
        return f"points to a private, loopback or link-local address; {PRIVATE_HINT}"
    return None
