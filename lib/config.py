"""Checks on the values production cannot run without: its public address and its sender.

Pure functions, no Django: each returns the value to use or raises ValueError
saying what is wrong with it. practice/settings.py calls them only with DEBUG
off and turns the error into ImproperlyConfigured, so a deployment that would
email clients links to localhost, or send from an address no mail server will
deliver, refuses to start instead.
"""

from __future__ import annotations

import ipaddress
from email.utils import parseaddr
from urllib.parse import urlsplit

# Names that never reach a real server: RFC 2606 and RFC 6761, plus mDNS's .local.
RESERVED_DOMAINS = (
    "localhost",
    "local",
    "invalid",
    "test",
    "example",
    "example.com",
    "example.org",
    "example.net",
)


def public_site_url(value: str) -> str:
    """Return the site's address without a trailing slash; raise ValueError unless it is public.

    Every link in an email starts with it, so it must be absolute and name a host
    the client's phone can reach, not this machine.
    """
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"is {value!r}, not an absolute http(s) address")
    try:
        _ = parts.port  # urlsplit checks the port only when it is read
    except ValueError as error:
        raise ValueError(f"is {value!r}, whose port is not a number") from error
    if is_local_host(parts.hostname):
        raise ValueError(f"is {value!r}, which points at this machine, not a public address")
    return url


def real_sender(value: str) -> str:
    """Return the sender ("Name <address>" or an address); raise ValueError unless it is real.

    Mail from a reserved domain such as localhost or example.com is refused or
    filtered as spam by the client's mail server, so confirmations never arrive.
    """
    _, address = parseaddr(value)
    local_part, _, domain = address.rpartition("@")
    if not local_part or not domain:
        raise ValueError(f"is {value!r}, not an email address")
    if is_reserved_domain(domain):
        raise ValueError(f"is {value!r}, whose domain is reserved and receives no mail")
    return value


def is_local_host(host: str) -> bool:
    """Say whether a URL's host is this machine: localhost, *.localhost or a loopback address."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def is_reserved_domain(domain: str) -> bool:
    """Say whether an email domain is one reserved for examples, tests and local networks."""
    domain = domain.lower().rstrip(".")
    return any(domain == name or domain.endswith(f".{name}") for name in RESERVED_DOMAINS)
