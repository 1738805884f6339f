"""The console in a real browser: what a person does on it, and what the page then shows."""

import re

import aiohttp
from playwright.async_api import Page, expect

from service_kit.auth import mint_token
from tests.e2e.harness import RunningSuite

TIMEOUT_MS = 15_000


async def _open(page: Page, suite: RunningSuite) -> None:
    await page.goto(f"{suite.gateway}/console#token={suite.admin_token}")
    await expect(page.locator("#app")).to_be_visible(timeout=TIMEOUT_MS)


async def _create_pet(http: aiohttp.ClientSession, suite: RunningSuite) -> str:
    async with http.post(
        f"{suite.gateway}/v1/pets",
        json={"name": "Console", "species": "DOG"},
        headers={"Authorization": f"Bearer {suite.rw_token}"},
    ) as resp:
        assert resp.status == 201, await resp.text()
        return str((await resp.json())["id"])


async def _weather(http: aiohttp.ClientSession, suite: RunningSuite, pet_id: str) -> int:
    async with http.get(
        f"{suite.gateway}/v1/pets/{pet_id}/weather",
        headers={"Authorization": f"Bearer {suite.rw_token}"},
    ) as resp:
        await resp.read()
        return resp.status


async def test_without_a_token_the_page_asks_for_one_and_shows_why_a_bad_one_fails(
    page: Page, console_suite: RunningSuite
) -> None:
    await page.goto(f"{console_suite.gateway}/console")
    await expect(page.locator("#login")).to_be_visible(timeout=TIMEOUT_MS)
    assert await page.locator("#app").is_hidden()
    # A token signed with another secret: the page shows the problem's detail, not a blank page.
    wrong = mint_token("another-secret-of-at-least-32-bytes!!", sub="mallory", scopes=["admin"])
    await page.fill("#token-input", wrong)
    await page.click("#token-form button[type=submit]")
    error = page.locator("#login-error")
    await expect(error).to_have_text(re.compile(r"\w"), timeout=TIMEOUT_MS)
    assert "signature" in (await error.inner_text()).lower()
    await expect(page.locator("#login")).to_be_visible()


async def test_the_console_link_make_run_prints_signs_the_page_in(
    page: Page, console_suite: RunningSuite
) -> None:
    printed = re.search(r"console \(admin\)\s+(\S+)", console_suite.output.read_text())
    assert printed is not None
    link = printed.group(1)
    assert link.startswith(f"{console_suite.gateway}/console#token=")
    await page.goto(link)
    await expect(page.locator("#app")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#who")).to_contain_text("dev-admin")
    assert "#token" not in page.url  # the token left the address bar once kept


async def test_flipping_the_weather_fault_changes_the_codes_the_feed_shows(
    page: Page, console_suite: RunningSuite
) -> None:
    await _open(page, console_suite)
    card = page.locator('article.upstream[data-name="weather"]')
    await expect(card.locator(".current")).to_contain_text("healthy", timeout=TIMEOUT_MS)
    async with aiohttp.ClientSession() as http:
        pet_id = await _create_pet(http, console_suite)
        await card.locator("select[name=mode]").select_option("error")
        await card.locator("input[name=status]").fill("503")
        await card.locator("input[name=retryAfter]").fill("1")
        await card.locator("button[type=submit]").click()
        await expect(card.locator(".current")).to_contain_text("error", timeout=TIMEOUT_MS)
        # A stub's 503 with Retry-After is its answer to pass on (without it: a 502).
        statuses = [await _weather(http, console_suite, pet_id) for _ in range(3)]
        assert statuses == [503, 503, 503]
        weather_503 = page.locator(
            "#feed-rows tr.s5xx",
            has=page.locator("td.path", has_text=f"/{pet_id}/weather"),
        ).filter(has=page.locator("td.status", has_text="503"))
        await expect(weather_503).to_have_count(3, timeout=TIMEOUT_MS)

        await card.locator("button.clear").click()
        await expect(card.locator(".current")).to_contain_text("healthy", timeout=TIMEOUT_MS)
        assert await _weather(http, console_suite, pet_id) == 200
        weather_200 = page.locator(
            "#feed-rows tr.s2xx", has=page.locator("td.path", has_text=f"/{pet_id}/weather")
        )
        await expect(weather_200).to_have_count(1, timeout=TIMEOUT_MS)


async def test_a_bad_fault_spec_shows_its_field_errors_next_to_the_fields(
    page: Page, console_suite: RunningSuite
) -> None:
    await _open(page, console_suite)
    card = page.locator('article.upstream[data-name="recommendations"]')
    await expect(card.locator(".current")).to_contain_text("healthy", timeout=TIMEOUT_MS)
    await card.locator("select[name=mode]").select_option("error")
    await card.locator("input[name=status]").fill("99")
    await card.locator("input[name=probability]").fill("7")
    await card.locator("button[type=submit]").click()
    await expect(card.locator('[data-error-for="status"]')).to_contain_text(
        "between", timeout=TIMEOUT_MS
    )
    await expect(card.locator('[data-error-for="probability"]')).to_contain_text("between")
    await expect(card.locator(".current")).to_contain_text("healthy")  # nothing was changed


async def test_maintenance_switched_on_in_the_page_answers_503_and_off_again(
    page: Page, console_suite: RunningSuite
) -> None:
    await _open(page, console_suite)
    form = page.locator("#maintenance-form")
    await form.locator("input[name=retryAfter]").fill("7")
    await form.locator("input[name=enabled]").check()
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#maintenance-state")).to_contain_text("ON", timeout=TIMEOUT_MS)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                f"{console_suite.gateway}/v1/pets",
                headers={"Authorization": f"Bearer {console_suite.rw_token}"},
            ) as resp,
        ):
            assert resp.status == 503
            assert resp.headers["Retry-After"] == "7"
    finally:
        await form.locator("input[name=enabled]").uncheck()
        await form.locator("button[type=submit]").click()
        await expect(page.locator("#maintenance-state")).to_have_text("off", timeout=TIMEOUT_MS)


async def test_a_narrow_window_still_shows_every_panel(
    page: Page, console_suite: RunningSuite
) -> None:
    await page.set_viewport_size({"width": 420, "height": 900})
    await _open(page, console_suite)
    for panel in ("#upstreams", "#maintenance", "#sessions", "#feed"):
        box = await page.locator(panel).bounding_box()
        assert box is not None, panel
        assert box["width"] <= 420, panel
    overflow = await page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 420 + 1


async def test_the_page_loads_nothing_from_outside_the_gateway(
    page: Page, console_suite: RunningSuite
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    await _open(page, console_suite)
    await expect(page.locator("#feed-state")).to_have_text("live", timeout=TIMEOUT_MS)
    assert any(url.endswith("/console/console.js") for url in requested)
    assert all(url.startswith(console_suite.gateway) for url in requested), requested


async def test_a_session_started_from_a_preset_fills_its_journal_and_report(
    page: Page, console_suite: RunningSuite
) -> None:
    await _open(page, console_suite)
    form = page.locator("#session-form")
    await expect(form.locator("select[name=preset] option[value=flaky-writes]")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    await form.locator("select[name=preset]").select_option("flaky-writes")
    await expect(page.locator("#preset-description")).not_to_be_empty()
    await form.locator("input[name=name]").fill("console test")
    await form.locator("button[type=submit]").click()
    header = page.locator("#session-header")
    await expect(header).to_contain_text("Fault-Session: ", timeout=TIMEOUT_MS)
    session_id = (await header.inner_text()).split(": ", 1)[1].strip()

    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {console_suite.rw_token}", "Fault-Session": session_id}
        statuses = []
        for _ in range(2):  # flaky-writes: two 503s, then a commit whose answer is dropped
            async with http.post(
                f"{console_suite.gateway}/v1/pets",
                json={"name": "Session", "species": "CAT"},
                headers={**headers, "Idempotency-Key": "console-test-key"},
            ) as resp:
                statuses.append(resp.status)
                await resp.read()
        assert statuses == [503, 503]
    await expect(page.locator("#journal-rows tr")).to_have_count(2, timeout=TIMEOUT_MS)
    await expect(page.locator("#journal-rows tr.s5xx").first).to_be_visible()
    report = page.locator('#report-rows tr[data-check="honours-retry-after"]')
    await expect(report).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#report-summary")).to_contain_text("passed")
    # The feed, filtered by the session, shows just its exchanges.
    await page.locator("#feed-filter").select_option(session_id)
    await expect(page.locator("#feed-rows tr:visible")).to_have_count(2, timeout=TIMEOUT_MS)

    row = page.locator("#session-list tr", has=page.locator("td", has_text=session_id))
    await row.locator("button", has_text="End").click()
    await expect(page.locator("#session-detail")).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(row).to_have_count(0)
