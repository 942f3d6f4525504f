"""No way in through a link (SSRF): where a crawl may connect when a link leaves the outlets.

A search result, or a feed item that points away from its source's own host, can name any
address: a cloud metadata endpoint (169.254.169.254), an intranet host, the daemon's own
``/metrics``. Before such a link is fetched its host is resolved with the system resolver and
refused when any address it resolves to is loopback, private, link-local, reserved or
otherwise not globally routable. Hosts the operator configured (the sources' URLs and search
APIs, ``crawler.config.trusted_origins``) stay trusted. The Scrapy side is
``crawler.middlewares.SafeAddressMiddleware``; redirects pass through it again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from crawler.errors import HostLookupError, UnsafeAddressError
from storage.normalize import origin_of

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_problem(address: Address) -> str | None:
    """Why a crawl must not connect to this address (None: a public address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (("loopback", address.is_loopback), ("link-local", address.is_link_local),
              ("private", address.is_private), ("reserved", address.is_reserved),
              ("multicast", address.is_multicast), ("unspecified", address.is_unspecified))
    for name, hit in checks:
        if hit:
            return name
    return None if address.is_global else "not globally routable"


def is_trusted(url: str, trusted: Collection[tuple[str, int | None]]) -> bool:
    """Whether the URL stays on a host (and port) the operator configured."""
    return origin_of(url) in trusted


async def resolve(host: str, port: int) -> list[Address]:
    """Every address the system resolver gives for host (an IP literal is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostLookupError(f"DNS lookup failed for {host}: {exc}") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def check_url(url: str) -> None:
    """Raise UnsafeAddressError when the URL's host resolves to an address off limits,
    HostLookupError when it does not resolve."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise HostLookupError(f"bad port in {url}") from None
    for address in await resolve(host, port):
        problem = address_problem(address)
        if problem:
            shown = host if host == str(address) else f"{host} resolves to {address}"
            raise UnsafeAddressError(
                f"refused: {shown}, a {problem} address (a link that leaves the configured "
                "sources may not reach internal networks; [crawl] allow_private_networks)")
