"""The configuration tables of the docs, rendered from the settings declarations.

A variable several services declare the same way is one row, in a table headed by the
services that read it ("Every service" when all do); the rest are in each service's table.
"""

from collections.abc import Iterable
from typing import Any

from service_kit.settings import Setting, declared


def shown(value: Any) -> str:
    """A default as the docs show it (and as suite.env would spell it)."""
    if value is None:
        return "(none)"
    if value == "" or value == ():
        return "(empty)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float):
        return f"`{value:g}`"
    if isinstance(value, tuple):
        return "`" + ",".join(map(str, value)) + "`"
    return f"`{value}`"


def _row(spec: Setting[Any]) -> str:
    meaning = spec.meaning
    if spec.fallback is not None:
        meaning += f" (else `{spec.fallback.env}`)"
    return f"| `{spec.env}` | {shown(spec.default)} | {meaning} |"


def _heading(readers: list[str], every: int) -> str:
    if len(readers) == every:
        return "Every service"
    names = [readers[0], *(name.lower() for name in readers[1:])]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def render(services: Iterable[tuple[str, type]]) -> str:
    """Markdown: one ``##`` section per group of readers, widest groups first."""
    readers: dict[Setting[Any], list[str]] = {}
    titles: list[str] = []
    for title, cls in services:
        titles.append(title)
        for _, spec in declared(cls):
            for each in spec.chain():
                readers.setdefault(each, [])
                if title not in readers[each]:
                    readers[each].append(title)
    groups: dict[tuple[str, ...], list[Setting[Any]]] = {}
    for spec, names in readers.items():
        groups.setdefault(tuple(names), []).append(spec)
    order = sorted(groups, key=lambda group: (-len(group), titles.index(group[0])))
    sections = []
    for group in order:
        lines = [f"## {_heading(list(group), len(titles))}", ""]
        lines += ["| Variable | Default | Meaning |", "|---|---|---|"]
        lines += [_row(spec) for spec in groups[group]]
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"
