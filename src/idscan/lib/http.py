"""The one outbound HTTP client: timeouts, no redirects, and no private targets unless allowed.

The host name is resolved once, every address is checked, and the request goes to the checked
address (with the original Host header and TLS server name), so a DNS answer cannot change
between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from idscan.errors import OutboundRequestRefusedError

Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# Forms that carry an IPv4 address inside an IPv6 one. `is_global` judges the IPv6 form alone and
# calls most of them public, yet a packet to them reaches the embedded IPv4 address (through a
# NAT64 gateway, a 6to4 or Teredo relay, or the host's own dual stack).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated, still routed by some stacks
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # SIIT
# Denied outright: deprecated site-local addresses are private by intent, whatever `is_global` says.
_DENIED_V6 = (ipaddress.IPv6Network("fec0::/10"),)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)  # the relay server and the (obfuscated) client
    if any(ip in net for net in _NAT64) or ip in _IPV4_COMPATIBLE or ip in _IPV4_TRANSLATED:
        return [low32]
    return []


def is_public(address: str) -> bool:
    """Whether a connection to this address stays on the public internet (and not multicast)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in _DENIED_V6):
            return False
        embedded = _embedded_ipv4(ip)
        if embedded:
            return all(v4.is_global and not v4.is_multicast for v4 in embedded)
    return ip.is_global and not ip.is_multicast


def is_loopback_host(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_target_url(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose scheme or literal address is not allowed (no DNS lookup here)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
        raise OutboundRequestRefusedError("The URL must be an absolute https URL.", reason="invalid_url")
    if parts.scheme == "http" and not (allow_private and is_loopback_host(host)):
        raise OutboundRequestRefusedError("The URL must use https.", reason="invalid_url")
    if parts.username or parts.password:
        raise OutboundRequestRefusedError("The URL must not contain credentials.", reason="invalid_url")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise OutboundRequestRefusedError("The URL has an invalid port.", reason="invalid_url") from None
    literal = _literal_address(host)
    if literal is not None and not allow_private and not is_public(literal):
        raise OutboundRequestRefusedError("The URL must not point at a private address.")


def _literal_address(host: str) -> str | None:
    """The address a host name spells out, including the shorthand IPv4 forms resolvers accept
    (`2130706433`, `0x7f.1`, `127.1`), or None for a real name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    duration_ms: int


class OutboundClient:
    def __init__(
        self,
        *,
        timeout_seconds: float,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolver = resolver
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            transport=transport,
            headers={"User-Agent": "idscan-webhooks/1"},
        )

    def close(self) -> None:
        self._client.close()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Response:
        """POST and return status + time; raise OutboundRequestRefusedError or httpx.HTTPError."""
        check_target_url(url, allow_private=self._allow_private)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = self._resolver(host, port)
        except OSError as exc:
            raise httpx.ConnectError(f"cannot resolve {host}") from exc
        if not addresses:
            raise httpx.ConnectError(f"cannot resolve {host}")
        if not self._allow_private and not all(is_public(a) for a in addresses):
            raise OutboundRequestRefusedError("Webhook target resolves to a private address.")
        address = addresses[0]
        netloc_host = f"[{address}]" if ":" in address else address
        pinned = urlunsplit((parts.scheme, f"{netloc_host}:{port}", parts.path or "/", parts.query, ""))
        host_header = parts.netloc.rsplit("@", 1)[-1]
        started = time.perf_counter()
        with self._client.stream(
            "POST",
            pinned,
            content=body,
            headers={**headers, "Host": host_header, "Content-Type": "application/json"},
            extensions={"sni_hostname": host} if parts.scheme == "https" else {},
        ) as response:
            # The body is of no interest; read a little so the connection can be reused.
            for _ in response.iter_bytes(chunk_size=4096):
                break
            status = response.status_code
        return Response(status=status, duration_ms=int((time.perf_counter() - started) * 1000))
