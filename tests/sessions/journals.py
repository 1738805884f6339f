"""Hand-written journals: entries with the journal's field names, built one line each."""

from typing import Any


def entry(
    seq: int,
    t: float,
    request: str,
    status: int,
    *,
    duration: float = 5,
    route: str | None = None,
    key: str | None = None,
    body: str | None = None,
    if_match: str | None = None,
    retry_after: float | None = None,
    location: str | None = None,
    fault: str | None = None,
    closed: bool = False,
) -> dict[str, Any]:
    """`request` is "METHOD /path"; the route defaults to the path."""
    method, path = request.split(" ", 1)
    return {
        "seq": seq,
        "at": "2026-01-01T00:00:00.000Z",
        "t": t,
        "method": method,
        "path": path,
        "route": route or path,
        "status": status,
        "durationMs": duration,
        "fault": fault,
        "request": {
            "idempotencyKey": key,
            "ifMatch": if_match,
            "ifNoneMatch": None,
            "bodySha256": body,
        },
        "response": {"retryAfter": retry_after, "etag": None, "location": location},
        "clientClosed": closed,
    }


def attempts(
    request: str, statuses: list[int], waits: list[float], *, first_seq: int = 1, **fields: Any
) -> list[dict[str, Any]]:
    """One request tried len(statuses) times, waiting waits[i] ms after attempt i ended."""
    out, t = [], 0.0
    for i, status in enumerate(statuses):
        out.append(entry(first_seq + i, t, request, status, **fields))
        t += 5 + (waits[i] if i < len(waits) else 0)
    return out
