"""Handlers for medical records: accepting one (202), its status, and the processed record."""

import logging
import time

import orjson
import uuid6
from aiohttp import web

from pets_service.access import PRINCIPAL
from pets_service.models import now_rfc3339, parse_uuid
from pets_service.records import PUBLISHER, RECORDS
from pets_service.records.publisher import BrokerUnavailable
from pets_service.records.store import RecordStore, StoredRecord
from pets_service.state import PETS, SETTINGS
from service_kit.bodies import read_json_object
from service_kit.contract.records import parse_record
from service_kit.jsonutil import json_response
from service_kit.medical_records import RecordStatus, record_url, status_url
from service_kit.problems import NotFound, ServiceUnavailable, StoreUnavailable
from service_kit.scopes import owns_or_admin
from service_kit.tracing import trace_id_of

log = logging.getLogger("pets_service.records")

# Seconds a client is told to wait before trying again while the broker cannot take records.
BROKER_RETRY_AFTER = 5
JSON = "application/json"


async def create_medical_record(request: web.Request) -> web.Response:
    raw_id = request.match_info["pet_id"]
    pet_id = parse_uuid(raw_id)
    if pet_id is None or await request.app[PETS].get(pet_id) is None:
        raise NotFound(f"There is no pet with id {pet_id or raw_id}.")
    body = await read_json_object(request, request.app[SETTINGS].max_body_bytes)
    fields = parse_record(body)
    record_id = str(uuid6.uuid7())
    now = now_rfc3339()
    payload = orjson.dumps({"id": record_id, "petId": pet_id, **fields, "createdAt": now})
    records, trace_id = request.app[RECORDS], trace_id_of(request)
    owner = request[PRINCIPAL].sub
    await records.accept(
        record_id, pet_id, payload, owner=owner, created_at=now, trace_id=trace_id, at=time.time()
    )
    try:
        await request.app[PUBLISHER].publish(pet_id, payload, trace_id)
    except BrokerUnavailable:
        await _withdraw(records, record_id)
        raise ServiceUnavailable(
            "The record could not be queued for processing (the message broker is "
            "unavailable or too slow). Nothing was kept: send it again later.",
            retry_after=BROKER_RETRY_AFTER,
        ) from None
    location = status_url(record_id)
    return json_response(
        {"id": record_id, "status": RecordStatus.PROCESSING, "statusUrl": location},
        status=202,
        headers={"Location": location},
    )


async def _withdraw(records: RecordStore, record_id: str) -> None:
    try:
        await records.withdraw(record_id)
    except StoreUnavailable:  # Redis failed too: the republisher may publish it once both are back
        log.warning("could not withdraw a record the broker refused", extra={"recordId": record_id})


async def _stored_record(request: web.Request) -> StoredRecord:
    raw_id = request.match_info["record_id"]
    record_id = parse_uuid(raw_id)
    stored = None if record_id is None else await request.app[RECORDS].get(record_id)
    # Another subject's record is answered as if it did not exist (not 403: a 403 would
    # tell that it does); an admin may read every record.
    if stored is None or not owns_or_admin(request[PRINCIPAL], stored.owner):
        raise NotFound(f"There is no medical record with id {raw_id}.")
    return stored


async def retrieve_record_status(request: web.Request) -> web.Response:
    stored = await _stored_record(request)
    body: dict[str, object] = {
        "id": stored.id,
        "petId": stored.pet_id,
        "status": stored.status,
        "createdAt": stored.created_at,
        "updatedAt": stored.updated_at,
    }
    headers = {"Cache-Control": "no-store"}
    if stored.status is RecordStatus.PROCESSING:
        headers["Retry-After"] = "1"
    elif stored.status is RecordStatus.COMPLETED:
        body["resultUrl"] = record_url(stored.id)
    elif stored.problem is not None:
        body["problem"] = orjson.loads(stored.problem)
    return json_response(body, headers=headers)


async def retrieve_medical_record(request: web.Request) -> web.Response:
    stored = await _stored_record(request)
    if stored.status is RecordStatus.PROCESSING:
        raise NotFound(
            f"Medical record {stored.id} is still being processed: poll its status at "
            f"{status_url(stored.id)}."
        )
    if stored.status is RecordStatus.FAILED or stored.result is None:
        raise NotFound(
            f"Medical record {stored.id} could not be processed; its status at "
            f"{status_url(stored.id)} says why."
        )
    return web.Response(body=stored.result, content_type=JSON)
