"""A small Dockerfile reader: instructions by stage, exec forms, pip install arguments."""

import json
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str
    stage: int


@dataclass(frozen=True)
class Dockerfile:
    instructions: list[Instruction]

    @classmethod
    def read(cls, path: Path) -> "Dockerfile":
        return cls(parse(path.read_text(encoding="utf-8")))

    @property
    def last_stage(self) -> int:
        return max(i.stage for i in self.instructions)

    def all(self, keyword: str, stage: int | None = None) -> list[str]:
        return [
            i.value
            for i in self.instructions
            if i.keyword == keyword and (stage is None or i.stage == stage)
        ]

    def one(self, keyword: str, stage: int | None = None) -> str:
        values = self.all(keyword, stage)
        assert len(values) == 1, f"expected one {keyword}, found {values}"
        return values[0]


def parse(text: str) -> list[Instruction]:
    """Instructions with line continuations joined; comments dropped; stages counted by FROM."""
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue  # comments (and parser directives) may sit inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if not full:
            continue
        keyword, _, value = full.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, value.strip(), stage))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def exec_form(value: str) -> list[str]:
    """The JSON array of CMD/ENTRYPOINT/HEALTHCHECK CMD (the shell form is not accepted)."""
    parsed = json.loads(value)
    assert isinstance(parsed, list), f"not an exec form: {value!r}"
    assert all(isinstance(item, str) for item in parsed), f"not an exec form: {value!r}"
    return [str(item) for item in parsed]


def healthcheck_command(value: str) -> tuple[dict[str, str], list[str]]:
    """HEALTHCHECK [--opt=value ...] CMD [...] -> (options, exec form)."""
    head, sep, command = value.partition("CMD ")
    assert sep, f"HEALTHCHECK without CMD: {value!r}"
    options = dict(opt.removeprefix("--").split("=", 1) for opt in head.split())
    return options, exec_form(command.strip())


def env_assignments(value: str) -> dict[str, str]:
    """ENV K=V [K2=V2 ...] (or the legacy ENV K V)."""
    tokens = shlex.split(value)
    if tokens and "=" not in tokens[0]:
        return {tokens[0]: " ".join(tokens[1:])}
    return dict(token.split("=", 1) for token in tokens)


def copy_sources(value: str) -> tuple[dict[str, str], list[str]]:
    """COPY [--flag=value ...] SRC... DEST -> (flags, sources)."""
    tokens = shlex.split(value)
    flags = dict(t.removeprefix("--").partition("=")[::2] for t in tokens if t.startswith("--"))
    paths = [t for t in tokens if not t.startswith("--")]
    assert len(paths) >= 2, f"COPY needs a source and a destination: {value!r}"
    return flags, paths[:-1]


_SEPARATORS = {"&&", "||", ";", "|"}
_VALUED_OPTIONS = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t"}
_VALUED_OPTIONS |= {"--target", "--prefix", "--root", "-i", "--index-url", "--extra-index-url"}
_VALUED_OPTIONS |= {"-f", "--find-links"}


@dataclass(frozen=True)
class PipInstall:
    targets: list[str]
    options: list[str]


def pip_installs(run_value: str) -> list[PipInstall]:
    """Every `pip install` in a RUN line: its positional targets and its options."""
    tokens = [t for t in shlex.split(run_value) if not t.startswith("--mount=")]
    found: list[PipInstall] = []
    for index, token in enumerate(tokens[:-1]):
        is_pip = token.rsplit("/", 1)[-1] in {"pip", "pip3"} or (
            token == "pip" and index > 0 and tokens[index - 1] == "-m"
        )
        if not (is_pip and tokens[index + 1] == "install"):
            continue
        targets: list[str] = []
        options: list[str] = []
        args = iter(tokens[index + 2 :])
        for arg in args:
            if arg in _SEPARATORS:
                break
            if arg.startswith("-"):
                options.append(arg)
                if arg in _VALUED_OPTIONS:
                    options.append(next(args, ""))
            else:
                targets.append(arg)
        found.append(PipInstall(targets, options))
    return found
