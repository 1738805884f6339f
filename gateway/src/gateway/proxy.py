"""What crosses the gateway: request headers forwarded upstream, response headers relayed."""

from aiohttp import web

from gateway.clientip import ClientAddress
from gateway.upstream import Call, UpstreamResponse
from service_kit import tracing

# Request headers the services use; everything else (cookies, hop-by-hop, Host) stays here.
FORWARDED_REQUEST_HEADERS = (
    "Accept",
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
    }
)
# Framing is recomputed here; identity and rate-limit headers are the gateway's own. The
# body passes unchanged, so its Content-Encoding (if an upstream sent one unasked) goes with it.
NOT_RELAYED = HOP_BY_HOP | {
    "content-length",
    "date",
    "server",
    "x-request-id",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "ratelimit",
    "ratelimit-policy",
}


def _connection_tokens(value: str | None) -> frozenset[str]:
    if not value:
        return frozenset()
    return frozenset(token.strip().lower() for token in value.split(","))


def upstream_headers(request: web.Request, addresses: ClientAddress) -> dict[str, str]:
    headers = tracing.outgoing_headers(request)
    incoming = request.headers
    dropped = _connection_tokens(incoming.get("Connection"))
    for name in FORWARDED_REQUEST_HEADERS:
        value = incoming.get(name)
        if value is not None and name.lower() not in dropped:
            headers[name] = value
    headers["X-Forwarded-For"] = addresses.forwarded_for(request)
    headers["X-Forwarded-Proto"] = addresses.forwarded_proto(request)
    return headers


def relayed_headers(resp: UpstreamResponse) -> list[tuple[str, str]]:
    """The answer's headers for the client (a list: web.Response builds its multidict once)."""
    dropped = _connection_tokens(resp.headers.get("Connection"))
    out = []
    for name, value in resp.headers.items():
        lowered = name.lower()
        if lowered in NOT_RELAYED or lowered in dropped or lowered.startswith("proxy-"):
            continue
        out.append((name, value))
    return out


def relay(call: Call, resp: UpstreamResponse) -> web.Response:
    """The upstream's answer for the client, or the problem that replaces it (raised).

    What passes and what is replaced is the verdict's (``gateway.verdict``); a 503 with
    Retry-After that the verdict answers as a 503 keeps the pets service's problem body.
    """
    call.judge(resp)  # raises the client's problem unless the answer is relayed
    return web.Response(status=resp.status, body=resp.body, headers=relayed_headers(resp))
