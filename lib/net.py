"""Who is asking: the client's address behind trusted proxies, counted per network.

Pure functions: the caller passes the request's REMOTE_ADDR, its
X-Forwarded-For header and the proxies it trusts. Only addresses added by a
trusted proxy are believed, so a visitor cannot pick their own address by
sending the header themselves. IPv6 visitors are counted per /64, the block a
single household or phone usually gets, so rotating addresses within it does
not reset a limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Sequence[str]) -> list[Network]:
    """Parse TRUSTED_PROXIES entries ("10.0.0.1", "10.0.0.0/8", "::1"); raise ValueError on junk."""
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip()]


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(remote_addr: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """Return the client's address: the nearest one not added by a trusted proxy.

    With no trusted proxies the header is ignored and the socket's address wins.
    """
    address = _parse(remote_addr)
    if address is None:
        return ""
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()] if forwarded_for else []
    while any(address in network for network in trusted) and hops:
        previous = _parse(hops.pop())
        if previous is None:
            break
        address = previous
    return str(address)


def visitor_network(ip: str) -> str:
    """Return what a limit counts: the IPv4 address, or the IPv6 /64 it belongs to."""
    address = _parse(ip)
    if address is None:
        return ""
    if address.version == 6:
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            return str(mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
