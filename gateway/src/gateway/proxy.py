"""What crosses the gateway: request headers forwarded upstream, response headers relayed."""

from aiohttp import web

from gateway.clientip import ClientAddress
from gateway.upstream import Call, FailureKind, UpstreamResponse, retry_after_seconds
from service_kit import tracing
from service_kit.jsonutil import JSON, PROBLEM_JSON

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


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.partition(";")[0].strip().lower()
    return media == JSON or (media.startswith("application/") and media.endswith("+json"))


def relay(call: Call, resp: UpstreamResponse) -> web.Response:
    """The upstream's answer for the client, or the 502/503 problem that replaces it.

    2xx/3xx/4xx pass through. A 503 with Retry-After passes through when its body is a
    problem document (the pets service saying its store is down); any other 503/429 with
    Retry-After becomes the gateway's own 503, and every other 5xx a 502.
    """
    content_type = resp.headers.get("Content-Type")
    if resp.status == 503 and retry_after_seconds(resp.headers.get("Retry-After")) is not None:
        media = (content_type or "").partition(";")[0].strip().lower()
        if media == PROBLEM_JSON and resp.body:
            call.json_object(resp)
            call.upstream.record_failure(FailureKind.UNAVAILABLE)
            return web.Response(status=503, body=resp.body, headers=relayed_headers(resp))
    call.check_status(resp)
    if resp.body and _is_json(content_type) and "Content-Encoding" not in resp.headers:
        call.check_json(resp)
    return web.Response(status=resp.status, body=resp.body, headers=relayed_headers(resp))
