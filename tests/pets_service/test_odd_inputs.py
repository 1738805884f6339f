"""Odd requests of every kind get a 4xx problem (or a success), never a 500."""

import uuid

from tests.pets_service.helpers import Client, create_pet


async def test_odd_requests_never_answer_500(client: Client, rw: dict[str, str]) -> None:
    pet = await create_pet(client, rw)
    url = f"/v1/pets/{pet['id']}"
    json = {**rw, "Content-Type": "application/json"}
    requests: list[tuple[str, str, dict[str, str], bytes]] = [
        ("GET", "/v1/pets/%00", rw, b""),
        ("GET", "/v1/pets/" + "a" * 4000, rw, b""),
        ("GET", f"/v1/pets/{uuid.uuid4()}%20", rw, b""),
        ("GET", "/v1/pets?limit=%ff", rw, b""),
        ("GET", "/v1/pets?cursor=%00%00", rw, b""),
        ("GET", "/v1/pets?species=%F0%9F%90%B6", rw, b""),
        ("GET", "/v1/pets?limit=" + "9" * 5000, rw, b""),
        ("GET", "/v1/pets?" + "&".join(f"p{i}=1" for i in range(200)), rw, b""),
        ("GET", url, {**rw, "If-None-Match": '"' + "9" * 5000 + '"'}, b""),
        ("PATCH", url, {**json, "If-Match": '"' + "9" * 5000 + '"'}, b"{}"),
        ("DELETE", url, {**rw, "If-Match": '"-1", W/"x", "01"'}, b""),
        ("POST", "/v1/pets", json, b'{"name": {"nested": [1, 2, {"deep": null}]}}'),
        ("POST", "/v1/pets", json, b"[" * 5000 + b"]" * 5000),
        ("POST", "/v1/pets", json, b'{"name": "Rex", "species": "DOG", "age": 1e400}'),
        (
            "POST",
            "/v1/pets",
            json,
            b'{"name": "Rex", "species": "DOG", "age": 99999999999999999999}',
        ),
        ("POST", "/v1/pets", json, b'{"name": "\\u0000", "species": "DOG"}'),
        ("POST", "/v1/pets", {**json, "Content-Type": "application/json; charset=latin-1"}, b"{}"),
        ("POST", "/v1/pets", {**rw, "Content-Type": "multipart/form-data; boundary=x"}, b"--x--"),
        ("PUT", url, json, b'{"name": "Rex", "species": "DOG", "id": null}'),
        ("PATCH", url, {**rw, "Content-Type": "application/merge-patch+json"}, b'"string"'),
        ("PUT", "/v1/users/%2F..%2F/preferences", json, b"{}"),
        ("PUT", "/v1/users/alice/preferences", json, b'{"preferredSpecies": [null, [], {}]}'),
        ("GET", "/v1/pets", {"Authorization": "Bearer \u00e9\u00e8"}, b""),
        ("GET", "/v1/pets", {"Authorization": "Bearer " + "x" * 6000}, b""),
    ]
    for method, path, headers, body in requests:
        resp = await client.request(method, path, headers=headers, data=body)
        text = await resp.text(errors="replace")
        assert resp.status < 500, (method, path[:60], resp.status, text[:200])
        if resp.status >= 400:
            assert resp.content_type == "application/problem+json", (method, path[:60])
            assert "Traceback" not in text
    final = await client.get(url, headers=rw)
    assert (await final.json())["version"] == 1  # none of them wrote
