"""Tour steps of the pets resource: create, read, list, refuse bad input, update, delete."""

import uuid

from petstore_cli.tour.core import Check, Reply, Tour, has, header

# What a pet answers to (RFC 9110: HEAD wherever GET works).
PET_METHODS = ("GET", "HEAD", "PUT", "PATCH", "DELETE")


def allows(methods: tuple[str, ...]) -> Check:
    def check(reply: Reply) -> str | None:
        got = {m.strip() for m in reply.headers.get("Allow", "").split(",") if m.strip()}
        return None if got == set(methods) else f"Allow: {reply.headers.get('Allow')!r}"

    return check


async def create_and_read(t: Tour) -> None:
    created = await t.step(
        "create a pet",
        "POST",
        "/v1/pets",
        201,
        ("Location", "ETag", "X-RateLimit-Remaining"),
        token=t.rw,
        json_body={"name": "Tour Rex", "species": "DOG", "age": 3},
    )
    if created is None or created.status != 201:
        return
    t.pet = created.body
    t.etag = created.headers["ETag"]
    path = f"/v1/pets/{t.pet['id']}"
    await t.step("read it", "GET", path, 200, ("ETag", "X-Request-ID"), token=t.rw)
    await t.step(
        "conditional read",
        "GET",
        path,
        304,
        ("ETag",),
        token=t.rw,
        headers={"If-None-Match": t.etag},
    )
    await t.step(
        "list pets",
        "GET",
        "/v1/pets?species=DOG&limit=5",
        200,
        ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"),
        token=t.rw,
    )
    await t.step("limit not a number", "GET", "/v1/pets?limit=ten", 400, token=t.rw)
    await t.step("limit out of range", "GET", "/v1/pets?limit=100000", 422, token=t.rw)


async def bad_bodies(t: Tour) -> None:
    json_type = {"Content-Type": "application/json"}
    await t.step(
        "malformed JSON", "POST", "/v1/pets", 400, token=t.rw, data=b'{"name": ', headers=json_type
    )
    await t.step(
        "not JSON",
        "POST",
        "/v1/pets",
        415,
        ("Accept-Post",),
        token=t.rw,
        data=b"name=Rex",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    await t.step(
        "body too large",
        "POST",
        "/v1/pets",
        413,
        token=t.rw,
        data=b'{"name": "' + b"x" * 200_000 + b'"}',
        headers=json_type,
    )
    await t.step(
        "invalid fields",
        "POST",
        "/v1/pets",
        422,
        check=has("errors"),
        token=t.rw,
        json_body={"name": "", "species": "DRAGON", "age": -1},
    )
    if t.pet:
        await t.step(
            "id already exists",
            "POST",
            "/v1/pets",
            409,
            token=t.rw,
            json_body={"id": t.pet["id"], "name": "Twin", "species": "CAT"},
        )


async def updates(t: Tour) -> None:
    if not t.pet:
        return
    path, etag = f"/v1/pets/{t.pet['id']}", t.etag
    await t.step(
        "replace it",
        "PUT",
        path,
        200,
        ("ETag",),
        has("updatedAt"),
        token=t.rw,
        headers={"If-Match": etag},
        json_body={"name": "Tour Rex", "species": "DOG", "age": 4},
    )
    await t.step(
        "stale If-Match",
        "PUT",
        path,
        409,
        check=has("currentVersion"),
        token=t.rw,
        headers={"If-Match": etag},
        json_body={"name": "Late", "species": "DOG"},
    )
    await t.step(
        "merge patch",
        "PATCH",
        path,
        200,
        token=t.rw,
        headers={"Content-Type": "application/merge-patch+json"},
        data=b'{"status": "PENDING"}',
    )
    await t.step("patch invalid", "PATCH", path, 422, token=t.rw, json_body={"status": "SOLD"})
    await t.step(
        "patch not JSON",
        "PATCH",
        path,
        415,
        ("Accept-Patch",),
        header("Accept-Patch", "application/merge-patch+json"),
        token=t.rw,
        data=b"status=PENDING",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    await t.step(
        "method not allowed",
        "POST",
        path,
        405,
        ("Allow",),
        allows(PET_METHODS),
        token=t.rw,
        json_body={},
    )


async def access(t: Tour) -> None:
    if t.pet:
        await t.step(
            "missing scope",
            "DELETE",
            f"/v1/pets/{t.pet['id']}",
            403,
            ("WWW-Authenticate",),
            has("requiredScope", "write:pets"),
            token=t.ro,
        )
    await t.step("unknown pet", "GET", f"/v1/pets/{uuid.uuid4()}", 404, token=t.rw)
    await t.step(
        "own preferences",
        "PUT",
        "/v1/users/tour-user/preferences",
        204,
        token=t.rw,
        json_body={"emailNotifications": True, "theme": "dark"},  # the article's body
    )
    await t.step("read preferences", "GET", "/v1/users/tour-user/preferences", 200, token=t.rw)
    await t.step(
        "someone else's preferences", "GET", "/v1/users/somebody/preferences", 403, token=t.rw
    )


async def cleanup(t: Tour) -> None:
    if t.pet:
        path = f"/v1/pets/{t.pet['id']}"
        await t.step("delete it", "DELETE", path, 204, token=t.rw)
        await t.step("gone", "GET", path, 404, token=t.rw)
