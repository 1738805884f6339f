"""`python -m gateway.openapi [TYPE_BASE]`: the document as the gateway serves it, to stdout
(`make lint` lints it)."""

import sys

import orjson

from gateway.openapi import document


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080/problems/"
    sys.stdout.buffer.write(orjson.dumps(document(base), option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    main()
