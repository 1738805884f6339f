"""A bare aiohttp hello-world on the suite's runner (uvloop, same settings): the ceiling.

`python -m bench.hello PORT` answers every GET with a short text.
"""

import sys

from aiohttp import web

from service_kit.runner import serve

BODY = "Hello, World!"


async def say_hello(request: web.Request) -> web.Response:
    return web.Response(text=BODY)


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/{tail:.*}", say_hello, allow_head=False)
    return app


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        raise SystemExit("usage: python -m bench.hello PORT")
    serve(create_app(), service="hello-world", host="127.0.0.1", port=int(args[0]))


if __name__ == "__main__":
    main()
