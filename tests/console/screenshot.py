"""`make screenshot`: the console at work, as docs/console.png (the browser tests' tooling)."""

import asyncio
import sys
import tempfile
from pathlib import Path

import aiohttp
from playwright.async_api import async_playwright, expect

from tests.console.browser import ARGS, chromium_path
from tests.e2e.harness import RunningSuite, start_suite

OUT = Path(__file__).resolve().parents[2] / "docs" / "console.png"


async def _traffic(suite: RunningSuite) -> None:
    auth = {"Authorization": f"Bearer {suite.rw_token}"}
    admin = {"Authorization": f"Bearer {suite.admin_token}"}
    async with aiohttp.ClientSession(headers=auth) as http:
        rex = {"name": "Rex", "species": "DOG"}
        async with http.post(f"{suite.gateway}/v1/pets", json=rex) as r:
            pet = (await r.json())["id"]
        fault = {"mode": "error", "status": 503, "probability": 0.5, "seed": 7}
        await http.put(f"{suite.url('weather-stub')}/admin/faults", json=fault, headers=admin)
        for path in ("", "/weather", "/weather", "/recommendations", "/weather", "/nope"):
            async with http.get(f"{suite.gateway}/v1/pets/{pet}{path}") as r:
                await r.read()
        async with http.get(f"{suite.gateway}/v1/pets") as r:
            await r.read()
        async with http.post(f"{suite.gateway}/v1/pets", json={"name": ""}) as r:
            await r.read()
        doc = {"name": "checkout retries", "preset": "flaky-writes"}
        async with http.post(f"{suite.gateway}/admin/fault-sessions", json=doc, headers=admin) as r:
            session = (await r.json())["id"]
        for _ in range(2):
            headers = {"Fault-Session": session, "Idempotency-Key": "shot-1"}
            async with http.post(f"{suite.gateway}/v1/pets", json=rex, headers=headers) as r:
                await r.read()


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        suite = start_suite(Path(tmp))
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=chromium_path(), args=ARGS
                )
                page = await browser.new_page(viewport={"width": 1280, "height": 1000})
                await page.goto(f"{suite.gateway}/console#token={suite.admin_token}")
                await expect(page.locator("#feed-state")).to_have_text("live", timeout=15_000)
                await _traffic(suite)
                await expect(page.locator("#feed-rows tr")).to_have_count(11, timeout=15_000)
                await expect(page.locator(".upstream .current").first).to_contain_text("error")
                await page.locator("#session-list button", has_text="Open").first.click()
                await expect(page.locator("#report-rows tr").first).to_be_visible()
                await page.screenshot(path=str(out), full_page=True)
                await browser.close()
        finally:
            suite.stop()
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
