"""Handlers for pets."""

from collections.abc import Callable
from typing import Any

import orjson
import uuid6
from aiohttp import web
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from pets_service.conditional import etag, request_condition
from pets_service.models import (
    apply_merge_patch,
    new_pet_id,
    now_rfc3339,
    parse_new_pet,
    parse_replacement,
    parse_uuid,
)
from pets_service.pagination import encode_cursor, parse_list_query
from pets_service.state import PETS, SETTINGS
from pets_service.storage.pets import StoredPet
from service_kit.bodies import read_json_object
from service_kit.contract.pets import PetReplace
from service_kit.negotiation import ACCEPT_PATCH
from service_kit.problems import (
    AlreadyExists,
    NotFound,
    UnsupportedMediaType,
    VersionConflict,
)

JSON = "application/json"
PATCH_TYPES = ("application/merge-patch+json", "application/json")
# A write that loses the compare-and-set race re-reads and tries again after a jittered,
# growing pause; one that keeps losing gives up with a 409 (with If-Match, one retry is
# enough to see the version moved on).
WRITE_ATTEMPTS = 16


class _Raced(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def _pet_id(request: web.Request) -> str:
    pet_id = parse_uuid(request.match_info["pet_id"])
    if pet_id is None:
        raise NotFound("No such pet: pet ids are UUIDs, and the id in this path is not one.")
    return pet_id


def _pet_not_found(pet_id: str) -> NotFound:
    return NotFound(f"There is no pet with id {pet_id}.")


async def _stored_pet(request: web.Request, pet_id: str) -> StoredPet:
    stored = await request.app[PETS].get(pet_id)
    if stored is None:
        raise _pet_not_found(pet_id)
    return stored


def _pet_response(doc: bytes, version: int, *, status: int = 200) -> web.Response:
    return web.Response(body=doc, status=status, content_type=JSON, headers={"ETag": etag(version)})


async def list_pets(request: web.Request) -> web.Response:
    query = parse_list_query(request.query)
    page = await request.app[PETS].page(
        species=query.species, status=query.status, after=query.after, limit=query.limit
    )
    cursor = encode_cursor(page.last_id) if page.last_id is not None else None
    # The stored documents are already JSON: splice them in rather than decode and re-encode.
    body = b'{"items":[' + b",".join(page.docs) + b'],"nextCursor":' + orjson.dumps(cursor) + b"}"
    headers = {"Link": query.next_link(request.path, cursor)} if cursor is not None else None
    return web.Response(body=body, content_type=JSON, headers=headers)


async def create_pet(request: web.Request) -> web.Response:
    body = await read_json_object(request, request.app[SETTINGS].max_body_bytes)
    # An id that is taken is a conflict whatever else the body says (409 before 422).
    wanted = new_pet_id(body)
    if wanted is not None and await request.app[PETS].get(wanted) is not None:
        raise AlreadyExists(f"A pet with id {wanted} already exists.")
    pet_id, fields = parse_new_pet(body)
    pet_id = pet_id or str(uuid6.uuid7())
    now = now_rfc3339()
    doc = orjson.dumps(fields.document(pet_id, created_at=now, updated_at=now, version=1))
    created = await request.app[PETS].create(
        pet_id, doc, species=fields.species, status=fields.pet_status
    )
    if not created:
        raise AlreadyExists(f"A pet with id {pet_id} already exists.")
    response = _pet_response(doc, 1, status=201)
    response.headers["Location"] = f"/v1/pets/{pet_id}"
    return response


async def retrieve_pet(request: web.Request) -> web.Response:
    pet_id = _pet_id(request)
    wanted = request_condition(request, "If-None-Match")
    stored = await _stored_pet(request, pet_id)
    if wanted is not None and wanted.matches_weak(stored.version):
        return web.Response(status=304, headers={"ETag": etag(stored.version)})
    return _pet_response(stored.doc, stored.version)


async def replace_pet(request: web.Request) -> web.Response:
    pet_id = _pet_id(request)
    request_condition(request, "If-Match")  # a malformed header is a 400 before anything else
    current = await _stored_pet(request, pet_id)
    body = await read_json_object(request, request.app[SETTINGS].max_body_bytes)
    return await _save(request, pet_id, current, lambda _: parse_replacement(body, pet_id))


async def update_pet(request: web.Request) -> web.Response:
    pet_id = _pet_id(request)
    request_condition(request, "If-Match")
    current = await _stored_pet(request, pet_id)
    if request.content_type not in PATCH_TYPES:
        raise UnsupportedMediaType(
            "A PATCH body is a JSON merge patch: send it as application/merge-patch+json.",
            headers={"Accept-Patch": ACCEPT_PATCH},
        )
    patch = await read_json_object(request, request.app[SETTINGS].max_body_bytes)
    return await _save(request, pet_id, current, lambda doc: apply_merge_patch(doc, patch, pet_id))


async def _save(
    request: web.Request,
    pet_id: str,
    current: StoredPet | None,
    build: Callable[[dict[str, Any]], PetReplace],
) -> web.Response:
    """Read-modify-write with compare-and-set on the version; If-Match is checked against
    the version actually replaced, so two writers with the same If-Match never both win."""
    wanted = request_condition(request, "If-Match")
    store = request.app[PETS]
    retrying = AsyncRetrying(
        stop=stop_after_attempt(WRITE_ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.002, max=0.05),
        retry=retry_if_exception_type(_Raced),
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                if current is None:
                    current = await _stored_pet(request, pet_id)
                if wanted is not None and not wanted.matches_strong(current.version):
                    raise VersionConflict(
                        f"If-Match does not name the current version {current.version}.",
                        currentVersion=current.version,
                    )
                old = orjson.loads(current.doc)
                fields = build(old)
                version = current.version + 1
                doc = orjson.dumps(
                    fields.document(
                        pet_id,
                        created_at=old["createdAt"],
                        updated_at=now_rfc3339(),
                        version=version,
                    )
                )
                result = await store.replace(
                    pet_id,
                    doc,
                    expected_version=current.version,
                    species=fields.species,
                    status=fields.pet_status,
                )
                if result.done:
                    return _pet_response(doc, version)
                if result.current_version is None:
                    raise _pet_not_found(pet_id)
                current = None
                raise _Raced(result.current_version)
    except _Raced as raced:
        raise VersionConflict(
            "The pet kept changing while this write was applied; re-read it and retry.",
            currentVersion=raced.version,
        ) from None
    raise AssertionError("unreachable: the retry loop returns or raises")


async def delete_pet(request: web.Request) -> web.Response:
    pet_id = _pet_id(request)
    wanted = request_condition(request, "If-Match")
    allowed = None if wanted is None or wanted.any else wanted.strong_versions()
    result = await request.app[PETS].delete(pet_id, allowed)
    if result.done:
        return web.Response(status=204)
    if result.current_version is None:
        raise _pet_not_found(pet_id)
    raise VersionConflict(
        f"If-Match does not name the current version {result.current_version}.",
        currentVersion=result.current_version,
    )
