"""Debian's chromium, driven by Playwright without downloading a browser of its own."""

import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / ".run" / "screenshots"


def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            "chromium is not installed: `make test` installs it (apt-get install chromium)"
        )
    return CHROMIUM
