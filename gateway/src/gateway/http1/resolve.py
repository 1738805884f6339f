"""An upstream's addresses: its name resolved again once ``refresh`` seconds have passed, so
replicas added or removed behind one name (``docker compose --scale``) are seen, and the
address for a new connection chosen where the fewest are open (round robin among equals)."""

import asyncio
import ipaddress
import logging
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable

log = logging.getLogger("gateway.http1")

# host, port -> the addresses it stands for (tests pass their own; by default, the system's)
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[str] = []
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


class Addresses:
    """The current addresses of ``host`` (an IP literal is its own, never resolved)."""

    def __init__(
        self, host: str, port: int, *, refresh: float, resolver: Resolver = system_resolver
    ) -> None:
        self.host = host
        self.port = port
        self._refresh = refresh
        self._resolver = resolver
        self._literal = _is_ip(host)
        self.current: list[str] = [host] if self._literal else []
        self._until = 0.0  # monotonic time the current list is good until
        self._lock = asyncio.Lock()
        self._turn = 0
        self.open: Counter[str] = Counter()  # connections open (or opening) to each address

    async def pick(self) -> str:
        """The address for a new connection (counted open until ``closed``): the one with
        the fewest open, in turn among equals."""
        addresses = await self.resolve()
        self._turn += 1
        n = len(addresses)
        ordered = [addresses[(self._turn + i) % n] for i in range(n)]
        chosen = min(ordered, key=lambda address: self.open[address])
        self.open[chosen] += 1
        return chosen

    def closed(self, address: str) -> None:
        if address in self.open:
            self.open[address] -= 1
            if self.open[address] <= 0:
                del self.open[address]

    def stale(self) -> bool:
        return not self._literal and time.monotonic() >= self._until

    async def resolve(self) -> list[str]:
        """The addresses, resolved again when older than ``refresh``; a failed lookup keeps
        the last known ones (and raises only when there are none: nothing can be sent)."""
        if self._literal or time.monotonic() < self._until:
            return self.current
        async with self._lock:
            if time.monotonic() < self._until:
                return self.current  # resolved while this caller waited
            try:
                found = await self._resolver(self.host, self.port)
            except OSError:
                if not self.current:
                    raise
                log.warning("cannot resolve %s; keeping %s", self.host, self.current)
                found = self.current
            if not found:
                raise OSError(f"{self.host} resolves to no address")
            if found != self.current and self.current:
                log.info("%s now resolves to %s", self.host, found)
            self.current = found
            self._until = time.monotonic() + self._refresh
        return self.current

    def known(self, address: str) -> bool:
        """Whether ``address`` is still one of the host's (after the last resolution)."""
        return address in self.current


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
