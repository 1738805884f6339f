"""Reading compose service entries the way docker compose does (both short and long forms)."""

import re
import shlex
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

Entry = Mapping[str, Any]
# ${PETSTORE_...:-default} (the host ports a second stack moves), not preceded by the `$$`
# escape; other variables (the tracing endpoint) are left as written, for their own tests.
_DEFAULTED = re.compile(r"(?<!\$)\$\{(PETSTORE_[A-Z0-9_]*):-([^}]*)\}")


def interpolated(text: str, environ: Mapping[str, str] | None = None) -> str:
    """The compose file as compose reads it with those PETSTORE_ variables (none: defaults)."""
    values = environ or {}
    return _DEFAULTED.sub(lambda m: values.get(m.group(1)) or m.group(2), text)


def environment(service: Entry) -> dict[str, str]:
    """`environment` as a mapping (compose turns numbers and booleans into strings)."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        return dict(str(item).partition("=")[::2] for item in raw)
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in raw.items()}


def env_files(service: Entry) -> list[str]:
    raw = service.get("env_file") or []
    items = [raw] if isinstance(raw, str | dict) else list(raw)
    return [item["path"] if isinstance(item, dict) else str(item) for item in items]


def depends_on(service: Entry) -> dict[str, str]:
    """Dependency -> condition (the short list form means service_started)."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return {str(name): "service_started" for name in raw}
    return {str(k): str((v or {}).get("condition", "service_started")) for k, v in raw.items()}


def published_ports(service: Entry) -> list[tuple[str, int, int]]:
    """(host ip, host port, container port) of each `ports` entry."""
    found: list[tuple[str, int, int]] = []
    for item in service.get("ports") or []:
        if isinstance(item, dict):
            found.append(
                (str(item.get("host_ip", "")), int(item["published"]), int(item["target"]))
            )
            continue
        parts = str(item).split(":")
        assert len(parts) in (2, 3), f"a port needs host and container parts: {item!r}"
        host_ip = parts[0] if len(parts) == 3 else ""
        found.append((host_ip, int(parts[-2]), int(parts[-1].split("/")[0])))
    return found


def seconds(duration: str | int | float) -> float:
    """A compose duration ("1m30s", "15s", "500ms") in seconds."""
    if isinstance(duration, int | float):
        return float(duration)
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert "".join(n + u for n, u in parts) == duration, f"bad duration {duration!r}"
    return sum(float(number) * units[unit] for number, unit in parts)


def address(value: str) -> tuple[str, int] | None:
    """(host, port) of a URL or a host:port value; None for anything else."""
    if "://" in value:
        parts = urlsplit(value)
        default = {"http": 80, "https": 443, "redis": 6379}.get(parts.scheme)
        port = parts.port or default
        return (parts.hostname, port) if parts.hostname and port else None
    host, sep, port_text = value.partition(":")
    if sep and port_text.isdigit() and "," not in value:
        return host, int(port_text)
    return None


def render_command(script: str, variables: Mapping[str, str]) -> list[list[str]]:
    """A shell script of simple commands, with `$$` unescaped and $VAR / ${VAR} substituted."""
    script = script.replace("$$", "$").replace("\\\n", " ")

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        assert name in variables, f"${name} is not set for this container"
        return variables[name]

    rendered = re.sub(
        r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", substitute, script
    )
    return [shlex.split(line) for line in rendered.splitlines() if line.strip()]
