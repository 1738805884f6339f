"""docs/configuration.md lists exactly the declared settings, with their defaults and meanings."""

from dataclasses import dataclass
from typing import Literal

import pytest

from service_kit.settings import FromEnv, SettingsError, env_names, setting
from service_kit.settings_doc import render
from tests.deploy.repo import CONFIGURATION_MD
from tests.docs.configuration import generated_part, tables


def test_the_page_holds_the_tables_the_declarations_give() -> None:
    page = CONFIGURATION_MD.read_text(encoding="utf-8")
    assert generated_part(page) == tables(), "docs/configuration.md drifted: run `make docs`"


@dataclass(frozen=True, slots=True)
class Example(FromEnv):
    name: str = setting("EXAMPLE_NAME", "x", "a name")
    count: int = setting("EXAMPLE_COUNT", 3, "how many", minimum=1)
    ratio: float = setting("EXAMPLE_RATIO", 0.5, "a share")
    on: bool = setting("EXAMPLE_ON", False, "a switch")
    mode: Literal["open", "closed"] = setting("EXAMPLE_MODE", "open", "a choice")
    hosts: tuple[str, ...] = setting("EXAMPLE_HOSTS", (), "a list")
    parsed: int = setting("EXAMPLE_HEX", 0, "hexadecimal", parse=lambda raw: int(raw, 16))
    not_a_setting: int = 7


def test_from_env_reads_each_declared_type() -> None:
    assert Example.from_env({}) == Example()
    read = Example.from_env(
        {
            "EXAMPLE_NAME": "y",
            "EXAMPLE_COUNT": "4",
            "EXAMPLE_RATIO": "0.25",
            "EXAMPLE_ON": "yes",
            "EXAMPLE_MODE": " Closed ",
            "EXAMPLE_HOSTS": "a, b,,",
            "EXAMPLE_HEX": "ff",
        }
    )
    assert read == Example("y", 4, 0.25, True, "closed", ("a", "b"), 255)
    assert (read.ratio, read.hosts, read.not_a_setting) == (0.25, ("a", "b"), 7)
    assert env_names(Example) == {
        "EXAMPLE_NAME",
        "EXAMPLE_COUNT",
        "EXAMPLE_RATIO",
        "EXAMPLE_ON",
        "EXAMPLE_MODE",
        "EXAMPLE_HOSTS",
        "EXAMPLE_HEX",
    }


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EXAMPLE_COUNT": "many"}, "EXAMPLE_COUNT must be an integer, got 'many'"),
        ({"EXAMPLE_COUNT": "0"}, "EXAMPLE_COUNT must be >= 1, got 0"),
        ({"EXAMPLE_RATIO": "-1"}, "EXAMPLE_RATIO must be >= 0, got -1.0"),
        ({"EXAMPLE_ON": "maybe"}, "EXAMPLE_ON must be true or false"),
        ({"EXAMPLE_MODE": "ajar"}, "EXAMPLE_MODE must be one of open, closed"),
        ({"EXAMPLE_HEX": "zz"}, "EXAMPLE_HEX invalid literal"),
    ],
)
def test_a_bad_value_names_its_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Example.from_env(environ)
    assert str(caught.value).startswith(message)


def test_the_table_shows_every_declared_default() -> None:
    table = render([("Example", Example)])
    assert table.startswith("## Every service\n\n| Variable | Default | Meaning |\n|---|---|---|\n")
    assert "| `EXAMPLE_COUNT` | `3` | how many |" in table
    assert "| `EXAMPLE_ON` | `false` | a switch |" in table
    assert "| `EXAMPLE_HOSTS` | (empty) | a list |" in table
    assert "not_a_setting" not in table
    assert "`7`" not in table
