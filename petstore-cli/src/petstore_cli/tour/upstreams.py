"""Tour steps of the upstream routes: each stub fault mapped to 502, 503 or 504; the circuit."""

import uuid
from typing import Any

from petstore_cli.tour.core import Tour

# (stub, fault, route, expected status, headers that must be there)
Fault = tuple[str, dict[str, Any], str, int, tuple[str, ...]]
FAULTS: list[Fault] = [
    ("weather", {"mode": "error", "status": 500}, "weather", 502, ()),
    ("weather", {"mode": "timeout"}, "weather", 504, ()),
    (
        "weather",
        {"mode": "error", "status": 503, "retryAfter": 7},
        "weather",
        503,
        ("Retry-After",),
    ),
    ("recommendations", {"mode": "reset"}, "recommendations", 502, ()),
    ("recommendations", {"mode": "garbage"}, "recommendations", 502, ()),
    ("recommendations", {"mode": "latency", "delayMs": 1500}, "recommendations", 504, ()),
]


async def upstreams(t: Tour) -> None:
    if not t.pet:
        return
    pid = t.pet["id"]
    weather = f"/v1/pets/{pid}/weather"
    try:
        await t.step("weather", "GET", weather, 200, token=t.rw)
        await t.step("recommendations", "GET", f"/v1/pets/{pid}/recommendations", 200, token=t.rw)
        await t.step(
            "weather of unknown pet", "GET", f"/v1/pets/{uuid.uuid4()}/weather", 404, token=t.rw
        )
        for stub, spec, route, expect, hdrs in FAULTS:
            await t.call("PUT", t.stubs[stub] + "/admin/faults", json_body=spec)
            label = " ".join(str(v) for k, v in spec.items() if k != "mode")
            await t.step(
                f"{stub} stub: {spec['mode']} {label}".rstrip(),
                "GET",
                f"/v1/pets/{pid}/{route}",
                expect,
                hdrs,
                token=t.rw,
            )
            await t.call("DELETE", t.stubs[stub] + "/admin/faults")
        fault = {"mode": "error", "status": 500}
        await t.call("PUT", t.stubs["weather"] + "/admin/faults", json_body=fault)
        for _ in range(6):
            reply = await t.call("GET", weather, token=t.rw)
            if reply.status == 503:
                break
        await t.step("weather circuit open", "GET", weather, 503, ("Retry-After",), token=t.rw)
    finally:
        for url in t.stubs.values():
            await t.call("DELETE", url + "/admin/faults")
