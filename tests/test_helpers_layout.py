"""How the tests are laid out: fixtures in conftest modules, helpers in modules of their own."""

import re
from pathlib import Path

TESTS = Path(__file__).parent
FROM_CONFTEST = re.compile(
    r"^\s*from tests(\.\w+)*\.conftest import|^\s*import tests(\.\w+)*\.conftest", re.M
)
FROM_TEST_MODULE = re.compile(
    r"^\s*from tests(\.\w+)*\.test_\w+ import|^\s*import tests(\.\w+)*\.test_", re.M
)
WAIT_LOOP = re.compile(r"deadline = time\.monotonic\(\).*\n(.*\n){0,3}.*await asyncio\.sleep")


def test_no_helper_is_imported_from_a_conftest_module() -> None:
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if FROM_CONFTEST.search(path.read_text())
    ]
    assert offenders == []


def test_no_helper_is_imported_from_a_test_module() -> None:
    """A helper two test modules share lives in a module of its own, not in one of them."""
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if FROM_TEST_MODULE.search(path.read_text())
    ]
    assert offenders == []


def test_async_waits_use_the_one_helper() -> None:
    """tests/support.py's wait_until / until, not another hand-written polling loop."""
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path.name != "support.py" and WAIT_LOOP.search(path.read_text())
    ]
    assert offenders == []
