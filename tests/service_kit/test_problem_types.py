"""Problem types: the article's vocabulary, and a status and Retry-After per instance."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from service_kit import problems
from service_kit.middleware import setup_problems

BASE = "http://problems.test/problems/"

# For every status the article shows: the slug its `type` ends in, and its title.
ARTICLE = {
    400: ("bad-request", "Bad Request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    409: ("conflict", "Conflict"),
    422: ("validation-error", "Validation Error"),
    429: ("rate-limit-exceeded", "Rate Limit Exceeded"),
    500: ("internal-error", "Internal Server Error"),
    502: ("bad-gateway", "Bad Gateway"),
    503: ("service-unavailable", "Service Unavailable"),
    504: ("gateway-timeout", "Gateway Timeout"),
}


@pytest.mark.parametrize("status", sorted(ARTICLE))
def test_the_article_vocabulary(status: int) -> None:
    slug, title = ARTICLE[status]
    registered = problems.REGISTRY[slug]
    assert (registered.status, registered.title) == (status, title)
    generic: problems.Problem = problems.for_status(status)
    if status == 405:
        generic = problems.MethodNotAllowed(["GET"])
    elif status == 500:
        generic = problems.Problem()
    assert (generic.slug, generic.title, generic.status) == (slug, title, status)


def test_duplicate_id_and_stale_version_are_both_conflict() -> None:
    for problem in (problems.AlreadyExists(), problems.VersionConflict(currentVersion=3)):
        assert (problem.slug, problem.title, problem.status) == ("conflict", "Conflict", 409)
    assert problems.AlreadyExists().detail != problems.VersionConflict().detail
    for gone in ("already-exists", "version-conflict", "rate-limited"):
        assert gone not in problems.REGISTRY


def test_cases_the_article_does_not_show_keep_types_of_their_own() -> None:
    own = {"payload-too-large": 413, "unsupported-media-type": 415, "request-in-flight": 409}
    for slug, status in own.items():
        assert problems.REGISTRY[slug].status == status


async def answer(request: web.Request) -> web.Response:
    status = int(request.query["status"])
    retry = request.query.get("retryAfter")
    raise problems.InjectedFault(
        "injected", status=status, retry_after=None if retry is None else int(retry)
    )


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application()
    setup_problems(app, BASE)
    app.router.add_get("/answer", answer)
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.mark.parametrize(("status", "retry_after"), [(418, None), (503, 7), (429, 0)])
async def test_an_instance_carries_its_status_and_retry_after(
    client: TestClient[web.Request, web.Application], status: int, retry_after: int | None
) -> None:
    query = {"status": str(status)}
    if retry_after is not None:
        query["retryAfter"] = str(retry_after)
    resp = await client.get("/answer", params=query)
    body = await resp.json(content_type=None)
    assert resp.status == body["status"] == status
    assert body["type"] == BASE + "injected-fault"
    if retry_after is None:
        assert "Retry-After" not in resp.headers
        assert "retryAfter" not in body
    else:
        assert resp.headers["Retry-After"] == str(retry_after)
        assert body["retryAfter"] == retry_after


def test_the_class_default_retry_after_and_an_override() -> None:
    assert problems.ServiceUnavailable().headers["Retry-After"] == "5"
    store = problems.StoreUnavailable(retry_after=2)
    assert (store.slug, store.status, store.retry_after) == ("service-unavailable", 503, 2)
    assert store.extensions["retryAfter"] == 2
    assert problems.NotFound().retry_after is None
    assert problems.ServiceUnavailable.status == 503  # an instance's status leaves the class
    assert problems.InjectedFault(status=502).status == 502
    assert problems.InjectedFault.status == 500


def test_the_readme_lists_the_article_vocabulary() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    rows = re.findall(r"^\| (\d{3}) \| `([a-z-]+)`[^|]*\| ([^|]+) \|$", readme, re.MULTILINE)
    listed = {int(status): (slug, title.strip()) for status, slug, title in rows}
    assert listed == ARTICLE
    own = re.search(
        r"Cases the article does not show have types of their own: (.*?)\.\n", readme, re.S
    )
    assert own is not None
    for status, slug in re.findall(r"(\d{3})\s+`([a-z-]+)`", own.group(1)):
        assert problems.REGISTRY[slug].status == int(status)
