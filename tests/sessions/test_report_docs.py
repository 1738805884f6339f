"""docs/fault-sessions.md prints the checks' rules and the presets from their definitions.

After changing a rule or a preset: `.venv/bin/python -m tests.sessions.test_report_docs`
rewrites the two generated blocks of the doc.
"""

import re
from pathlib import Path

from gateway.sessions import presets, report

DOC = Path(__file__).parents[2] / "docs" / "fault-sessions.md"
BLOCKS = [
    (report.DOC_BEGIN, report.DOC_END, report.rules_markdown),
    (presets.DOC_BEGIN, presets.DOC_END, presets.presets_markdown),
]


def test_the_doc_prints_every_rule_as_the_code_has_it() -> None:
    assert report.rules_markdown() in DOC.read_text(), __doc__


def test_the_doc_lists_every_preset_as_the_code_has_it() -> None:
    assert presets.presets_markdown() in DOC.read_text(), __doc__


def test_presets_name_only_checks_that_exist() -> None:
    for name, preset in presets.PRESETS.items():
        named = re.search(r"Checks: ([a-z, -]+)\.$", preset.description)
        assert named is not None, name
        assert set(named.group(1).split(", ")) <= set(report.CHECK_IDS), name


def rewrite() -> None:
    text = DOC.read_text()
    for begin, end, render in BLOCKS:
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + render() + text[stop:]
    DOC.write_text(text)


if __name__ == "__main__":
    rewrite()
