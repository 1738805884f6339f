"""What both example clients do: the same few calls of the public API, so their grades compare."""

import argparse
import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

# (method, path, JSON body or None) -> (status, headers, parsed body or None)
Call = Callable[[str, str, Any], Awaitable[tuple[int, Mapping[str, str], Any]]]
# how long to wait before polling a 202's status again, given the last answer's headers
PollPause = Callable[[Mapping[str, str]], float]

RECORD = {"type": "VACCINATION", "date": "2025-03-01", "vaccine": "Rabies"}
MAX_POLLS = 30


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--gateway", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--token", default=os.environ.get("PETSTORE_TOKEN"), help="bearer token")
    parser.add_argument("--session", help="a fault session id: sent as the Fault-Session header")
    return parser


def headers_of(args: argparse.Namespace) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {args.token}"}
    if args.session:
        headers["Fault-Session"] = args.session
    return headers


async def run(call: Call, poll_pause: PollPause) -> None:
    """Create a pet, read it and its upstream data, file a record and wait for it, clean up."""
    status, headers, pet = await call("POST", "/v1/pets", {"name": "Rex", "species": "DOG"})
    print(f"POST /v1/pets → {status}")
    if status != 201:
        raise SystemExit(f"could not create a pet: {status}")
    pet_path = f"/v1/pets/{pet['id']}"
    for path in (pet_path, f"{pet_path}/weather", f"{pet_path}/recommendations"):
        status, _, _ = await call("GET", path, None)
        print(f"GET {path} → {status}")

    status, headers, _ = await call("POST", f"{pet_path}/medical-records", RECORD)
    print(f"POST {pet_path}/medical-records → {status}")
    status_url = headers.get("Location") if status == 202 else None
    for poll in range(MAX_POLLS if status_url else 0):
        if poll:  # the first poll at once; then as the last status answer says
            await asyncio.sleep(poll_pause(headers))
        status, headers, record = await call("GET", str(status_url), None)
        state = record.get("status") if isinstance(record, dict) else None
        print(f"GET {status_url} → {status} {state}")
        if state != "PROCESSING":
            break

    missing = f"/v1/pets/{uuid.uuid4()}"
    status, _, _ = await call("GET", missing, None)
    print(f"GET {missing} → {status} (no such pet)")
    status, _, _ = await call("DELETE", pet_path, None)
    print(f"DELETE {pet_path} → {status}")
