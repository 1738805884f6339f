"""The journal as the report reads it: exchanges, the same request, retries and their waits."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Statuses a client must not answer by sending the same request again (409 only when it is
# not the "request in flight" one, which carries Retry-After and asks to be retried).
CLIENT_ERRORS = frozenset({400, 401, 403, 404, 405, 409, 413, 415, 422})
# Injected faults that spoil a 200: the client got no usable answer.
BROKEN = frozenset({"truncate", "garbage"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# `t` and `durationMs` are whole ms from two clocks: an immediate retry can seem to start
# a ms before its predecessor ended.
CLOCK_SLACK_MS = 5


@dataclass(frozen=True)
class Exchange:
    """One journal entry, with what the report derives from it."""

    seq: int
    t: float  # ms since the session began, when the request arrived
    duration: float
    method: str
    path: str
    route: str
    status: int
    fault: str | None
    key: str | None
    if_match: str | None
    body: str | None
    retry_after: float | None
    location: str | None
    client_closed: bool

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> "Exchange":
        request = entry.get("request") or {}
        response = entry.get("response") or {}
        path = str(entry.get("path") or "")
        retry_after = response.get("retryAfter")
        return cls(
            seq=int(entry["seq"]),
            t=float(entry.get("t") or 0),
            duration=float(entry.get("durationMs") or 0),
            method=str(entry.get("method") or "").upper(),
            path=path,
            route=str(entry.get("route") or path.split("?")[0]),
            status=int(entry.get("status") or 0),
            fault=entry.get("fault"),
            key=request.get("idempotencyKey"),
            if_match=request.get("ifMatch"),
            body=request.get("bodySha256"),
            retry_after=None if retry_after is None else float(retry_after),
            location=response.get("location"),
            client_closed=bool(entry.get("clientClosed")),
        )

    @property
    def end(self) -> float:
        return self.t + self.duration

    @property
    def label(self) -> str:
        return f"{self.method} {self.route}"

    @property
    def identity(self) -> tuple[str, str, str | None, str | None]:
        """What makes two requests "the same request": method, path, body and If-Match."""
        return (self.method, self.path, self.body, self.if_match)

    @property
    def fault_kind(self) -> str | None:
        return self.fault.split()[0] if self.fault else None

    @property
    def throttled(self) -> bool:
        """429 or 503 that told the client how long to wait."""
        return self.status in (429, 503) and self.retry_after is not None

    @property
    def client_error(self) -> bool:
        if self.status == 409 and self.retry_after is not None:
            return False  # Idempotency-Key still in flight: retrying later is right
        return self.status in CLIENT_ERRORS

    @property
    def server_failure(self) -> bool:
        """5xx, a dropped connection, a client timeout or a spoiled body."""
        return (
            self.status >= 500
            or self.status == 0
            or self.client_closed
            or self.fault_kind in BROKEN
        )

    @property
    def failed(self) -> bool:
        return self.status >= 400 or self.server_failure

    @property
    def retryable(self) -> bool:
        """A failure a retry may cure: 429, 5xx, a lost or spoiled answer, a key in flight."""
        return self.failed and not self.client_error

    @property
    def committed_write(self) -> bool:
        return self.method in WRITES and 200 <= self.status < 300 and not self.failed


@dataclass(frozen=True)
class Retry:
    """An attempt that repeated the same request after the previous attempt failed."""

    before: Exchange
    after: Exchange
    attempt: int  # 2 for the first retry of a request
    index: int  # which chain it belongs to

    @property
    def wait(self) -> float:
        """ms between the end of the failed attempt and the start of this one."""
        return max(0.0, self.after.t - self.before.end)


class Journal:
    """Entries in seq order, grouped into chains of attempts of the same request."""

    def __init__(self, entries: Iterable[Mapping[str, Any]]) -> None:
        self.entries = sorted((Exchange.of(e) for e in entries), key=lambda e: e.seq)
        self.chains: list[list[Exchange]] = []
        self.retries: list[Retry] = []
        open_chains: dict[tuple[str, str, str | None, str | None], int] = {}
        for entry in self.entries:
            index = open_chains.get(entry.identity)
            chain = None if index is None else self.chains[index]
            # A repeat is a retry only if the last attempt failed and had ended (a duplicate
            # sent while the first is still in flight is a request of its own).
            if chain is not None and index is not None:
                last = chain[-1]
                if last.failed and entry.t >= last.end - CLOCK_SLACK_MS:
                    chain.append(entry)
                    self.retries.append(Retry(last, entry, len(chain), index))
                    continue
            open_chains[entry.identity] = len(self.chains)
            self.chains.append([entry])

        # Indexes, so that each check reads the journal in about linear time.
        self.by_route: dict[tuple[str, str], list[Exchange]] = defaultdict(list)
        self.gets_by_path: dict[str, list[Exchange]] = defaultdict(list)
        self._writes_before: dict[int, int] = {}
        writes = 0
        self.route_position: dict[int, int] = {}  # seq -> its place in by_route
        for entry in self.entries:
            same_route = self.by_route[(entry.method, entry.route)]
            self.route_position[entry.seq] = len(same_route)
            same_route.append(entry)
            if entry.method == "GET":
                self.gets_by_path[urlsplit(entry.path).path].append(entry)
            self._writes_before[entry.seq] = writes
            writes += entry.committed_write

    def wrote_between(self, first: Exchange, last: Exchange) -> bool:
        """Whether a write of the session succeeded after ``first`` and before ``last``."""
        since = self._writes_before[last.seq] - self._writes_before[first.seq]
        return since - first.committed_write > 0
