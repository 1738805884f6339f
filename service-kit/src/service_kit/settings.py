"""Settings declared once: each field names its variable, default and meaning, and both
``from_env`` and the tables of docs/configuration.md follow from that declaration.

A service's settings are a frozen dataclass that inherits :class:`FromEnv`; a setting is one
line, ``name: type = setting("ENV_NAME", default, "meaning")`` (or a shared declaration from
:mod:`service_kit.common_settings`). The field's type says how the variable is read: ``str``,
``int``, ``float``, ``bool``, a ``Literal`` of strings, or ``tuple[str, ...]`` (comma
separated); anything else declares ``parse=``. Fields without a declaration are not settings.
"""

import dataclasses
import os
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, Self, TypeVar

T = TypeVar("T")

DEV_JWT_SECRET = "dev-secret-change-me"
DEFAULT_PROBLEM_BASE = "http://localhost:8080/problems/"
_KEY = "service_kit.setting"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """An environment variable holds a value of the wrong form."""


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One environment variable: its name, default and meaning, and how to read it."""

    env: str
    default: T
    meaning: str
    minimum: float = 0  # numbers below it are refused
    parse: Callable[[str], T] | None = None  # for a type the annotation cannot tell; ValueError
    fallback: "Setting[T] | None" = None  # read when ``env`` is unset or empty

    def field(self) -> T:
        """The dataclass field holding this setting, with the declared default."""
        return dataclasses.field(default=self.default, metadata={_KEY: self})

    def chain(self) -> Iterator["Setting[T]"]:
        """This setting, then its fallbacks, in the order they are read."""
        current: Setting[T] | None = self
        while current is not None:
            yield current
            current = current.fallback


def setting(
    env: str,
    default: T,
    meaning: str,
    *,
    minimum: float = 0,
    parse: Callable[[str], T] | None = None,
    fallback: Setting[T] | None = None,
) -> T:
    """Declare a setting in a settings dataclass: ``port: int = setting("PORT", 80, "...")``."""
    return Setting(env, default, meaning, minimum, parse, fallback).field()


def declared(cls: type) -> list[tuple[str, Setting[Any]]]:
    """The settings of a settings dataclass, as (field name, declaration), in field order."""
    return [
        (field.name, field.metadata[_KEY])
        for field in dataclasses.fields(cls)
        if _KEY in field.metadata
    ]


def env_names(cls: type) -> set[str]:
    """Every variable a settings class reads, fallbacks included."""
    return {each.env for _, spec in declared(cls) for each in spec.chain()}


class FromEnv:
    """Gives a settings dataclass its ``from_env``; tests build ``Settings(...)`` directly."""

    __slots__ = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Self:
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for name, spec in declared(cls):
            for each in spec.chain():
                raw = environ.get(each.env, "")
                if raw.strip():
                    values[name] = _read(each, raw, hints[name])
                    break
        return cls(**values)


def _read(spec: Setting[Any], raw: str, hint: Any) -> Any:
    try:
        value = spec.parse(raw) if spec.parse is not None else _by_type(raw, hint)
    except ValueError as exc:
        raise SettingsError(f"{spec.env} {exc}") from None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and value < spec.minimum:
        raise SettingsError(f"{spec.env} must be >= {spec.minimum:g}, got {value}")
    return value


def _by_type(raw: str, hint: Any) -> Any:
    if hint is str:
        return raw
    if hint is bool:
        lowered = raw.strip().lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise ValueError(f"must be true or false, got {raw!r}")
    if hint is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"must be an integer, got {raw!r}") from None
    if hint is float:
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"must be a number, got {raw!r}") from None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        lowered = raw.strip().lower()
        if lowered in args:
            return lowered
        raise ValueError(f"must be one of {', '.join(map(str, args))}, got {raw!r}")
    if origin is tuple and args == (str, ...):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    raise TypeError(f"no reader for {hint!r}: declare the setting with parse=")
