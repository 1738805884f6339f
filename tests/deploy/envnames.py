"""The environment variables a service's settings module reads, found in its source with ast."""

import ast
from pathlib import Path

# service_kit.settings getters: env_str(environ, "NAME", default, ...).
GETTERS = {"env_str", "env_int", "env_float", "env_bool"}


def settings_modules(src: Path) -> list[Path]:
    """settings.py, or every module of a settings/ package."""
    module = src / "settings.py"
    if module.is_file():
        return [module]
    return sorted((src / "settings").glob("**/*.py"))


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def names_read(path: Path) -> set[str]:
    """Names passed to the env_* getters, and looked up as environ.get("X") / environ["X"]."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = _callee(node)
            if callee in GETTERS:
                given = node.args[1] if len(node.args) > 1 else None
                given = next((kw.value for kw in node.keywords if kw.arg == "name"), given)
                name = _literal(given)
            elif callee in {"get", "getenv"} and node.args:
                name = _literal(node.args[0])
            else:
                continue
            if name and name.isupper():
                names.add(name)
        elif isinstance(node, ast.Subscript):
            name = _literal(node.slice)
            if name and name.isupper() and "environ" in ast.unparse(node.value):
                names.add(name)
    return names


def service_reads(src: Path) -> set[str]:
    names: set[str] = set()
    for module in settings_modules(src):
        names |= names_read(module)
    return names
