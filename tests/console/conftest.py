"""Fixtures for the console's browser tests: a suite of their own and one chromium."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.console.browser import ARGS, SHOTS, chromium_path
from tests.e2e.harness import RunningSuite, start_suite


@pytest.fixture(scope="session")
def console_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(tmp_path_factory.mktemp("console-suite"))
    yield running
    running.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield launched
        await launched.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(FAILED, False)
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
async def page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A fresh page at 1280×800; a screenshot is kept in .run/screenshots/ when a test fails."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    opened = await context.new_page()
    yield opened
    if request.node.stash.get(FAILED, False):
        SHOTS.mkdir(parents=True, exist_ok=True)
        await opened.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    await context.close()
