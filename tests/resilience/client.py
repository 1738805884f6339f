"""What a client saw: every answer kept (status or transport error), sent open-loop at a rate."""

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import orjson

T = TypeVar("T")
Report = Callable[[str], None]  # the `report` fixture: text for the terminal summary
TRANSPORT = 0  # the status of an answer that never came (refused, reset, timeout, truncated)
LEAKS = ("Traceback", 'File "', "/src/", "site-packages", '.py"')


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str
    started: float  # time.monotonic() when it was due (open loop) or sent
    finished: float
    status: int
    error: str  # the exception's class name for a transport failure, else ""
    content_type: str
    retry_after: str | None
    etag: str | None
    body: bytes

    @property
    def elapsed(self) -> float:
        return self.finished - self.started

    @property
    def outcome(self) -> str:
        return str(self.status) if self.status else self.error

    def json(self) -> Any:
        return orjson.loads(self.body)

    def describe(self) -> str:
        return f"{self.kind}: {self.outcome} after {self.elapsed * 1000:.0f} ms {self.body[:300]!r}"


async def send(
    session: aiohttp.ClientSession,
    kind: str,
    method: str,
    url: str,
    *,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    due: float | None = None,
) -> Answer:
    """One request; a transport failure is an answer too (status 0), never an exception."""
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = orjson.dumps(body)
        all_headers.setdefault("Content-Type", "application/json")
    started = time.monotonic() if due is None else due
    try:
        async with session.request(method, url, headers=all_headers, data=data) as resp:
            payload = await resp.read()
            return Answer(
                kind,
                started,
                time.monotonic(),
                resp.status,
                "",
                resp.headers.get("Content-Type", ""),
                resp.headers.get("Retry-After"),
                resp.headers.get("ETag"),
                payload,
            )
    except (aiohttp.ClientError, TimeoutError) as exc:
        error = type(exc).__name__
        return Answer(kind, started, time.monotonic(), TRANSPORT, error, "", None, None, b"")


def problems_in(answer: Answer) -> list[str]:
    """What is wrong with an error answer: not a problem document, a leak, a 503 without a delay."""
    found = []
    text = answer.body.decode("utf-8", "replace")
    found += [f"leaks {leak!r}" for leak in LEAKS if leak in text]
    if answer.status >= 400:
        if not answer.content_type.startswith("application/problem+json"):
            found.append(f"content type {answer.content_type!r}")
        else:
            try:
                body = answer.json()
            except orjson.JSONDecodeError:
                found.append("a problem body that is not JSON")
            else:
                if not isinstance(body, dict) or body.get("status") != answer.status:
                    found.append("a problem body without its status")
    if answer.status in (429, 503) and not (answer.retry_after or "").isdigit():
        found.append(f"Retry-After {answer.retry_after!r}")
    return found


def malformed(answers: Iterable[Answer]) -> list[str]:
    """Every answer that is not well formed, described (the list a test asserts empty)."""
    return [f"{a.describe()}: {', '.join(p)}" for a in answers if (p := problems_in(a))]


def tally(answers: Iterable[Answer]) -> dict[str, Counter[str]]:
    """Outcomes counted by request kind: {"read": {"200": 41, "503": 7}, ...}."""
    counts: dict[str, Counter[str]] = {}
    for answer in answers:
        counts.setdefault(answer.kind, Counter())[answer.outcome] += 1
    return counts


def format_tally(counts: dict[str, Counter[str]]) -> str:
    """One line per kind: `kind  200 x41  503 x7`."""
    width = max((len(kind) for kind in counts), default=0)
    return "\n".join(
        f"  {kind:<{width}}  " + "  ".join(f"{k} x{n}" for k, n in sorted(c.items()))
        for kind, c in sorted(counts.items())
    )


def problem_types(answers: Iterable[Answer]) -> Counter[str]:
    """The last segment of each problem answer's `type` URL, counted."""
    found: Counter[str] = Counter()
    for answer in answers:
        if answer.content_type.startswith("application/problem+json"):
            found[str(answer.json().get("type", "")).rstrip("/").rsplit("/", 1)[-1]] += 1
    return found


def unexpected(answers: Iterable[Answer], expected: dict[str, set[int]]) -> list[str]:
    return [a.describe() for a in answers if a.status not in expected[a.kind]]


Slot = Callable[[int, float], Coroutine[Any, Any, None]]


class OpenLoop:
    """Starts request ``i`` at ``start + i / rate`` whether or not earlier ones have finished.

    Closed-loop clients slow down when the server does, hiding latency; an open loop keeps
    offering the same rate. ``late`` counts slots that could not start within 100 ms of when
    they were due (the client itself falling behind), so a report can say so.
    """

    def __init__(self, rate: float, slot: Slot, *, max_in_flight: int = 1000) -> None:
        self.rate = rate
        self.slot = slot
        self.max_in_flight = max_in_flight
        self.started = 0
        self.late = 0
        self.refused = 0  # slots skipped because max_in_flight requests were still open
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    def stop(self) -> None:
        self._stop.set()

    async def run(self, duration: float | None = None) -> None:
        """Until ``stop()`` (or ``duration`` seconds); then waits for the requests in flight."""
        begin = time.monotonic()
        end = None if duration is None else begin + duration
        i = 0
        try:
            while not self._stop.is_set():
                due = begin + i / self.rate
                if end is not None and due >= end:
                    break
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                    if self._stop.is_set():
                        break
                if time.monotonic() - due > 0.1:
                    self.late += 1
                if len(self._tasks) >= self.max_in_flight:
                    self.refused += 1
                else:
                    task = asyncio.create_task(self.slot(i, due))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                    self.started += 1
                i += 1
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks)


def new_id() -> str:
    return str(uuid.uuid4())


def pet_body(**fields: Any) -> dict[str, Any]:
    return {"name": "Rex", "species": "DOG", "breed": "Beagle", "age": 3, **fields}


def record_body() -> dict[str, Any]:
    return {"type": "VACCINATION", "date": "2025-03-01", "vaccine": "Rabies"}
