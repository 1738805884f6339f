"""Object-level authorization through the gateway: a medical record belongs to the subject
that posted it (another subject without `admin` gets 404, exactly as for a record that does
not exist); pets are a shared catalogue that any `write:pets` token may change."""

import uuid

from tests.e2e.client import Api, Reply, check_problem
from tests.e2e.records import VACCINATION, poll_until_final, submit


async def as_subject(api: Api, path: str, sub: str, *scopes: str, method: str = "GET") -> Reply:
    token = api.token(*scopes, sub=sub)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"name": "Renamed"} if method == "PATCH" else None
    content = {"Content-Type": "application/merge-patch+json"} if body else {}
    return await api.send(method, path, auth="none", headers=headers | content, json=body)


async def test_another_subjects_record_and_its_status_are_404(api: Api) -> None:
    pet = (await api.create_pet())["id"]
    accepted = await submit(api, pet, VACCINATION)
    assert accepted.status == 202, accepted
    record_id = accepted.json()["id"]
    status_url = accepted.headers["Location"]
    await poll_until_final(api, status_url)  # the owner reads it, until COMPLETED
    assert (await api.send("GET", f"/v1/medical-records/{record_id}")).status == 200

    stranger = f"stranger-{uuid.uuid4().hex[:8]}"
    missing = str(uuid.uuid4())
    for path in (status_url, f"/v1/medical-records/{record_id}"):
        for scopes in (("read:pets",), ("read:pets", "write:pets")):
            reply = await as_subject(api, path, stranger, *scopes)
            body = await check_problem(api, reply, status=404, slug="not-found")
            # Indistinguishable from a record that does not exist.
            absent = await as_subject(api, path.replace(record_id, missing), stranger, *scopes)
            assert absent.status == 404, absent
            assert body["detail"] == absent.json()["detail"].replace(missing, record_id)

    for path in (status_url, f"/v1/medical-records/{record_id}"):
        admin = await api.send("GET", path, auth="admin")  # another subject, with `admin`
        assert admin.status == 200, admin
        assert admin.json()["id"] == record_id


async def test_any_write_token_may_change_any_pet(api: Api) -> None:
    pet = (await api.create_pet())["id"]
    other = f"neighbour-{uuid.uuid4().hex[:8]}"
    changed = await as_subject(
        api, f"/v1/pets/{pet}", other, "read:pets", "write:pets", method="PATCH"
    )
    assert changed.status == 200, changed
    assert changed.json()["name"] == "Renamed"
    read_only = await as_subject(api, f"/v1/pets/{pet}", other, "read:pets", method="PATCH")
    await check_problem(
        api, read_only, status=403, slug="forbidden", members={"requiredScope": "write:pets"}
    )
