"""The client's address, also behind the TLS proxy the README prescribes.

Behind a proxy every request comes from the proxy's address, so sign-in throttling (django-axes)
and the sign-in records would see one client. The proxy names the real client in
``X-Forwarded-For``, but anyone can send that header: it is believed only when the direct peer
(``REMOTE_ADDR``) is one of ``SAMTRYGG_TRUSTED_PROXIES``. The header is then read right to left,
skipping addresses of trusted proxies; the first address that is not a trusted proxy is the
client. Entries to its left were written by the client itself and are never believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:  # settings.py imports this module, so it imports nothing that needs settings.
    from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: list[str]) -> tuple[Network, ...]:
    """IP addresses or CIDR blocks (``10.0.0.0/8``) as networks; ValueError names a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)."
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(list(values))


def _address(value: str | None) -> Address | None:
    if not value:
        return None
    text = value.strip()
    # Some proxies add a port ("203.0.113.7:51234", "[2001:db8::1]:443").
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: ``REMOTE_ADDR``, or the forwarded one from a trusted proxy."""
    trusted = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None

    def is_trusted(address: Address) -> bool:
        return any(address.version == n.version and address in n for n in trusted)

    if not is_trusted(peer):
        return str(peer)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # A malformed entry: nothing to its left can be believed; the last trusted hop that
            # passed it on stands for the client.
            break
        client = address
        if not is_trusted(address):
            break
    return str(client)
