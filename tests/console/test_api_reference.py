"""/docs in a real browser: Swagger UI, offline, authorized, "try it out" answers 200."""

import re

from playwright.async_api import Page, expect

from tests.e2e.harness import RunningSuite

TIMEOUT_MS = 20_000


async def test_authorize_then_try_it_out_on_list_pets_shows_200(
    page: Page, console_suite: RunningSuite
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    await page.goto(f"{console_suite.gateway}/docs")
    await page.locator("button.authorize").click(timeout=TIMEOUT_MS)
    dialog = page.locator(".modal-ux")
    await dialog.locator("input").first.fill(console_suite.rw_token)
    await dialog.locator("button.authorize").click()
    await dialog.locator("button.btn-done").click()

    operation = page.locator(
        ".opblock-get",
        has=page.locator(".opblock-summary-path", has_text=re.compile(r"^/v1/pets$")),
    )
    await operation.locator(".opblock-summary").click()
    await operation.locator("button.try-out__btn").click()
    await operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody td.response-col_status").first
    await expect(status).to_have_text(re.compile(r"^\s*200"), timeout=TIMEOUT_MS)
    assert all(url.startswith(console_suite.gateway) for url in requested), requested


async def test_a_token_in_the_fragment_prefills_the_bearer_scheme(
    page: Page, console_suite: RunningSuite
) -> None:
    await page.goto(f"{console_suite.gateway}/docs#token={console_suite.rw_token}")
    await expect(page.locator("button.authorize.locked")).to_be_visible(timeout=TIMEOUT_MS)
    assert "#token" not in page.url  # taken out of the address bar once used


async def test_the_reference_lists_every_status_create_pet_can_answer(
    page: Page, console_suite: RunningSuite
) -> None:
    await page.goto(f"{console_suite.gateway}/docs")
    operation = page.locator(
        ".opblock-post",
        has=page.locator(".opblock-summary-path", has_text=re.compile(r"^/v1/pets$")),
    )
    await operation.locator(".opblock-summary").click(timeout=TIMEOUT_MS)
    codes = operation.locator(".responses-table tr.response .response-col_status")
    await expect(codes.first).to_be_visible(timeout=TIMEOUT_MS)
    shown = {(await c.inner_text()).strip().split()[0] for c in await codes.all()}
    assert {"201", "400", "401", "403", "409", "413", "415", "422", "429"} <= shown
