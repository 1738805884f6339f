"""The build context Docker would send: the repository minus what .dockerignore excludes."""

import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    exclude: bool


def _translate(pattern: str) -> re.Pattern[str]:
    """Docker's matching: `*` and `?` stay within one path element, `**` spans any number."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out += "[" + pattern[i + 1 : end].replace("\\", "\\\\") + "]"
            i = end + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def read_rules(text: str) -> list[Rule]:
    rules: list[Rule] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        line = os.path.normpath(line.removeprefix("!").strip()).lstrip("/")
        rules.append(Rule(_translate(line), exclude))
    return rules


def is_excluded(path: str, rules: list[Rule]) -> bool:
    """A path is out when the last rule matching it, or one of its parent folders, excludes it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for rule in rules:
        if any(rule.pattern.match(prefix) for prefix in prefixes):
            excluded = rule.exclude
    return excluded


def context_files(root: Path, rules: list[Rule]) -> list[str]:
    """Every file of the context, as a path relative to root with forward slashes."""
    prune = all(rule.exclude for rule in rules)  # with no `!` rule, an excluded folder stays out
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        base = "" if rel == "." else rel + "/"
        if prune:
            dirs[:] = [d for d in dirs if not is_excluded(base + d, rules)]
        files.extend(base + n for n in names if not is_excluded(base + n, rules))
    return sorted(files)
