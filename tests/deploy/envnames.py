"""The environment variables a service reads: those its settings dataclass declares."""

import importlib

from service_kit.settings import env_names


def settings_class(package: str) -> type:
    """``<package>.settings.Settings``, the one place a service reads the environment."""
    cls: type = importlib.import_module(f"{package}.settings").Settings
    return cls


def service_reads(package: str) -> set[str]:
    return env_names(settings_class(package))
