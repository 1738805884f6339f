"""docs/fault-sessions.md prints the checks' rules and the presets from their definitions."""

import re
from pathlib import Path

from gateway.sessions.presets import PRESETS, presets_markdown
from gateway.sessions.report import CHECK_IDS, rules_markdown

DOC = Path(__file__).parents[2] / "docs" / "fault-sessions.md"


def test_the_doc_prints_every_rule_as_the_code_has_it() -> None:
    # On failure, paste gateway.sessions.report.rules_markdown() into the doc.
    assert rules_markdown() in DOC.read_text()


def test_the_doc_lists_every_preset_as_the_code_has_it() -> None:
    # On failure, paste gateway.sessions.presets.presets_markdown() into the doc.
    assert presets_markdown() in DOC.read_text()


def test_presets_name_only_checks_that_exist() -> None:
    for name, preset in PRESETS.items():
        named = re.search(r"Checks: ([a-z, -]+)\.$", preset.description)
        assert named is not None, name
        assert set(named.group(1).split(", ")) <= set(CHECK_IDS), name
