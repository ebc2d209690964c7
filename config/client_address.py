"""Who the client is: the one function every throttle, the sign-in lockout and the ledger use.

``X-Forwarded-For`` is a list of addresses, each appended by one proxy; anything before the
entries our own proxies appended was written by the client and is worth nothing. So the header
is read only when ``TRUSTED_PROXY_COUNT`` (default 0: no proxy, the header is ignored) says how
many of its last entries come from proxies we run: the client is the entry the outermost of
them appended. Behind one nginx that appends ``$remote_addr``, set it to 1; behind a load
balancer and nginx, to 2. Getting it wrong in the other direction (too high) lets clients pick
their address again, so count only proxies that append, never the client's own header.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"
# Rate limits count IPv6 clients per /64: one subscriber usually holds a whole /64, and rotating
# through it would otherwise give an attacker 2**64 fresh addresses.
IPV6_RATE_PREFIX = 64


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """Return the client's IP address as our own proxies saw it, or None when unknown."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = _valid(meta.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # Fewer entries than proxies: the request did not come through them all.
        return remote
    return _valid(hops[-proxies]) or remote


def client_rate_key(request: HttpRequest | None) -> str:
    """Return what rate limits count the client by: its IPv4 address, or its IPv6 /64."""
    address = client_address(request)
    if address is None:
        return UNKNOWN
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_RATE_PREFIX}", strict=False))
    return str(ip)
