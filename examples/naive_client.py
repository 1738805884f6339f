"""A naive client of the Pet Store API: how not to retry (its grade shows why).

It retries anything that is not a success, at once, up to 10 times; sends no
Idempotency-Key; ignores Retry-After; has no timeout of its own; polls every 100 ms.

    python examples/naive_client.py --token "$(petstore token)" --session SESSION_ID
"""

import asyncio
import json
import sys
from collections.abc import Mapping
from typing import Any

import aiohttp

import scenario


class Client:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base.rstrip("/")

    async def call(self, method: str, path: str, body: Any) -> tuple[int, Mapping[str, str], Any]:
        answer: tuple[int, Mapping[str, str], Any] = (0, {}, None)
        for _ in range(10):
            try:
                async with self.http.request(method, self.base + path, json=body) as response:
                    text = await response.text()
                    answer = (response.status, response.headers, _json(text))
            except aiohttp.ClientError:
                continue
            if answer[0] < 400:
                break
        return answer


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


async def main() -> int:
    args = scenario.arguments(__doc__.splitlines()[0]).parse_args()
    async with aiohttp.ClientSession(headers=scenario.headers_of(args)) as http:
        await scenario.run(Client(http, args.gateway).call, lambda headers: 0.1)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
