"""nginx as a reverse proxy in front of the pets service: config rendering and start-up."""

import re
from importlib.resources import files
from pathlib import Path

from bench.procs import Child, Children, children_of

PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


class TemplateError(ValueError):
    """A placeholder of the template has no value, or a value was never used."""


def render(template: str, values: dict[str, str]) -> str:
    used: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"no value for {{{{{name}}}}}")
        used.add(name)
        return values[name]

    text = PLACEHOLDER.sub(fill, template)
    unused = set(values) - used
    if unused:
        raise TemplateError(f"not in the template: {', '.join(sorted(unused))}")
    return text


def render_config(prefix: Path, listen_port: int, upstream_port: int) -> str:
    template = files("bench").joinpath("nginx.conf.template").read_text(encoding="utf-8")
    return render(
        template,
        {
            "PREFIX": str(prefix),
            "LISTEN_PORT": str(listen_port),
            "UPSTREAM_PORT": str(upstream_port),
        },
    )


def write_config(prefix: Path, listen_port: int, upstream_port: int) -> Path:
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(render_config(prefix, listen_port, upstream_port), encoding="utf-8")
    return conf


def start_nginx(
    children: Children, binary: str, prefix: Path, listen_port: int, upstream_port: int
) -> Child:
    conf = write_config(prefix, listen_port, upstream_port)
    return children.start(
        "nginx",
        [binary, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)],
    )


def nginx_pids(master: Child) -> list[int]:
    """The master and its worker(s): the processes whose CPU time the nginx path costs."""
    return [master.pid, *children_of(master.pid)]
