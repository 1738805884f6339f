"""The client's address, believing X-Forwarded-For only from TRUSTED_PROXIES."""

import ipaddress
from functools import lru_cache

from aiohttp import web

from gateway.settings import Network

UNKNOWN = "unknown"


class ClientAddress:
    def __init__(self, trusted: tuple[Network, ...]) -> None:
        self._trusted = trusted
        self.is_trusted = lru_cache(maxsize=1024)(self._is_trusted)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._trusted)

    def _from_proxy(self, request: web.Request) -> bool:
        peer = request.remote
        return bool(self._trusted) and peer is not None and self.is_trusted(peer)

    def client_ip(self, request: web.Request) -> str:
        """The peer, or from a trusted proxy the right-most untrusted X-Forwarded-For entry."""
        peer = request.remote or UNKNOWN
        if not self._from_proxy(request):
            return peer
        chain = _forwarded_chain(request)
        for address in reversed(chain):
            if not self.is_trusted(address):
                return address if _is_ip(address) else peer
        return chain[0] if chain else peer

    def forwarded_for(self, request: web.Request) -> str:
        """X-Forwarded-For for the upstream: the trusted chain plus the peer."""
        peer = request.remote or UNKNOWN
        if self._from_proxy(request):
            chain = _forwarded_chain(request)
            if chain:
                return ", ".join([*chain, peer])
        return peer

    def forwarded_proto(self, request: web.Request) -> str:
        if self._from_proxy(request):
            proto = request.headers.get("X-Forwarded-Proto", "").strip().lower()
            if proto in ("http", "https"):
                return proto
        return request.scheme


def _forwarded_chain(request: web.Request) -> list[str]:
    return [
        part.strip()
        for header in request.headers.getall("X-Forwarded-For", ())
        for part in header.split(",")
        if part.strip()
    ]


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
