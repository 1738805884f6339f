"""docs/configuration.md's tables, from the services' settings declarations.

``python -m tests.docs.configuration`` (``make docs``) writes them into the page.
"""

from pathlib import Path

from service_kit.settings_doc import render
from tests.deploy.envnames import settings_class
from tests.deploy.repo import CONFIGURATION_MD, SERVICES

BEGIN = "<!-- settings tables: generated from each service's settings.py by `make docs` -->"
END = "<!-- end of the generated settings tables -->"


def tables() -> str:
    order = ["gateway", "pets-service", "records-worker", "weather-stub", "recommendations-stub"]
    return render(
        (folder.replace("-", " ").capitalize(), settings_class(SERVICES[folder].package))
        for folder in order
    )


def generated_part(page: str) -> str:
    start, end = page.index(BEGIN) + len(BEGIN), page.index(END)
    return page[start:end].strip("\n") + "\n"


def write(path: Path = CONFIGURATION_MD) -> None:
    page = path.read_text(encoding="utf-8")
    start, end = page.index(BEGIN) + len(BEGIN), page.index(END)
    path.write_text(page[:start] + "\n\n" + tables() + "\n" + page[end:], encoding="utf-8")


if __name__ == "__main__":
    write()
