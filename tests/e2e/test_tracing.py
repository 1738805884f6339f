"""One trace across the suite: a medical record's POST is followed from the gateway through
the pets service and Kafka to the records worker, in spans exported over OTLP/HTTP to a
receiver the test runs (docs/observability.md)."""

import asyncio
from pathlib import Path

import aiohttp
import orjson
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from tests.e2e.harness import RunningSuite, start_suite
from tests.e2e.otlp_receiver import Received, Receiver, otlp_receiver
from tests.support import wait_until

SERVER, CLIENT, PRODUCER, CONSUMER, INTERNAL = (
    Span.SPAN_KIND_SERVER,
    Span.SPAN_KIND_CLIENT,
    Span.SPAN_KIND_PRODUCER,
    Span.SPAN_KIND_CONSUMER,
    Span.SPAN_KIND_INTERNAL,
)
RECORD = {"type": "VACCINATION", "date": "2025-03-01", "vaccine": "Rabies"}


def one(spans: list[Received], service: str, kind: int, name: str | None = None) -> Received:
    found = [
        s
        for s in spans
        if s.service == service and s.span.kind == kind and (name is None or s.span.name == name)
    ]
    assert len(found) == 1, (service, kind, name, [(s.service, s.span.name) for s in spans])
    return found[0]


def under(span: Received, ancestor: Received, spans: list[Received]) -> bool:
    by_id = {s.span_id: s for s in spans}
    current: Received | None = span
    while current is not None:
        if current.parent_id == ancestor.span_id:
            return True
        current = by_id.get(current.parent_id)
    return False


NEEDED = {("gateway", SERVER), ("pets-service", PRODUCER), ("records-worker", CONSUMER)}


async def post_record(suite: RunningSuite, http: aiohttp.ClientSession) -> str:
    """Create a pet and post a record to it; the trace id of the record's POST."""
    auth = {"Authorization": f"Bearer {suite.rw_token}"}
    async with http.post(
        f"{suite.gateway}/v1/pets", json={"name": "Rex", "species": "DOG"}, headers=auth
    ) as created:
        assert created.status == 201, await created.text()
        pet = (await created.json())["id"]
    async with http.post(
        f"{suite.gateway}/v1/pets/{pet}/medical-records", json=RECORD, headers=auth
    ) as accepted:
        assert accepted.status == 202, await accepted.text()
        status_url = (await accepted.json())["statusUrl"]
        trace_id = accepted.headers["X-Request-ID"]

    async def status() -> str:
        async with http.get(suite.gateway + status_url, headers=auth) as reply:
            return str((await reply.json())["status"])

    await wait_until(status, lambda s: s != "PROCESSING", within=20, interval=0.1)
    return trace_id


async def trace_of(receiver: Receiver, trace_id: str) -> list[Received]:
    async def seen() -> set[tuple[str, int, str]]:
        return {(s.service, s.span.kind, s.span.name) for s in receiver.of_trace(trace_id)}

    await wait_until(
        seen,
        lambda kinds: {(service, kind) for service, kind, _ in kinds} >= NEEDED,
        within=15,
        interval=0.1,
        what=f"the spans of trace {trace_id} ({len(receiver.spans)} spans received)",
    )
    await asyncio.sleep(0.5)  # the worker's Redis spans may follow in the next batch
    return receiver.of_trace(trace_id)


async def test_a_record_is_one_trace_from_the_gateway_to_the_worker(tmp_path: Path) -> None:
    async with otlp_receiver() as receiver, aiohttp.ClientSession() as http:
        env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "LOG_FORMAT": "console",  # what a person sees; the part's log files stay JSON
        }
        suite = await asyncio.to_thread(start_suite, tmp_path, env)
        try:
            trace_id = await post_record(suite, http)
            spans = await trace_of(receiver, trace_id)
        finally:
            await asyncio.to_thread(suite.stop)

    assert len(trace_id) == 32  # the OTel trace id is the traceId clients and logs see
    entry = one(spans, "gateway", SERVER)
    assert entry.parent_id == ""  # the client sent no traceparent: the trace starts here
    assert entry.span.name == "POST /v1/pets/{pet_id}/medical-records"
    assert one(spans, "gateway", INTERNAL, "rate limit").parent_id == entry.span_id
    relay = one(spans, "gateway", CLIENT)
    assert relay.parent_id == entry.span_id
    intake = one(spans, "pets-service", SERVER)
    assert intake.parent_id == relay.span_id  # across HTTP, by the relayed traceparent
    produce = one(spans, "pets-service", PRODUCER)
    assert under(produce, intake, spans)
    pets_redis = [s for s in spans if s.service == "pets-service" and s.span.kind == CLIENT]
    assert pets_redis, "the pets service's Redis calls"
    assert all(under(s, intake, spans) for s in pets_redis)
    consume = one(spans, "records-worker", CONSUMER)
    assert consume.parent_id == produce.span_id  # across Kafka, by the message's traceparent
    assert [link.span_id.hex() for link in consume.span.links] == [produce.span_id]
    worker_redis = [s for s in spans if s.service == "records-worker" and s.span.kind == CLIENT]
    assert worker_redis, "the worker's Redis calls"
    assert all(s.parent_id == consume.span_id for s in worker_redis)
    assert all(s.span.name.startswith("redis ") for s in pets_redis + worker_redis)

    # Each service's access line for the record's POST, in its JSON log file, by trace id.
    for part, path in [
        ("gateway", f"/v1/pets/{pet_of(spans)}/medical-records"),
        ("pets-service", f"/v1/pets/{pet_of(spans)}/medical-records"),
    ]:
        text = (tmp_path / "logs" / f"{part}.log").read_text()
        lines = [orjson.loads(line) for line in text.splitlines()]
        access = [e for e in lines if e["logger"] == "access" and e["traceId"] == trace_id]
        assert [(e["method"], e["path"], e["status"]) for e in access] == [("POST", path, 202)]


def pet_of(spans: list[Received]) -> str:
    server = one(spans, "pets-service", SERVER)
    path = next(a.value.string_value for a in server.span.attributes if a.key == "url.path")
    return str(path.split("/")[3])
