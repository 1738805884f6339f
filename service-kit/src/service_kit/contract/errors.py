"""Pydantic's validation errors as the API's: every failing field, in the API's words."""

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from service_kit.problems import FieldError, ValidationFailed

M = TypeVar("M", bound=BaseModel)

_WORDS: dict[str, str] = {
    "missing": "Required.",
    "extra_forbidden": "Unknown field.",
    "string_type": "Must be a string.",
    "list_type": "Must be an array.",
    "bool_type": "Must be true or false.",
    "int_type": "Must be an integer.",
    "model_type": "Must be an object.",
    "dict_type": "Must be an object.",
}


def field_name(loc: tuple[int | str, ...]) -> str:
    """``("preferredSpecies", 2)`` as ``preferredSpecies[2]``, ``("a", "b")`` as ``a.b``."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def message(error: ErrorDetails, read_only: tuple[str, ...] = ()) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "extra_forbidden" and error["loc"] and error["loc"][-1] in read_only:
        return "Read-only: set by the server."
    if error.get("input", ...) is None and kind != "extra_forbidden":
        return "Required."
    if kind in ("enum", "literal_error"):
        allowed = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"Must be one of {allowed}."
    if kind == "string_too_long":
        return f"Must be at most {ctx['max_length']} characters long."
    if kind == "invalid":
        return str(error["msg"])
    return _WORDS.get(kind, str(error["msg"]).rstrip(".") + ".")


def field_errors(exc: ValidationError, read_only: tuple[str, ...] = ()) -> list[FieldError]:
    """Members that should not be there first, then each field's errors in model order."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    return [FieldError(field_name(e["loc"]), message(e, read_only)) for e in errors]


def validate(
    model: type[M], body: Any, *, extra: list[FieldError] | None = None, detail: str | None = None
) -> M:
    """``body`` as a ``model``, or ValidationFailed (422) listing every failing field,
    together with ``extra`` errors found by checks outside the model."""
    errors = list(extra or ())
    try:
        value = model.model_validate(body)
    except ValidationError as exc:
        read_only: tuple[str, ...] = getattr(model, "read_only", ())
        raise ValidationFailed([*errors, *field_errors(exc, read_only)], detail) from None
    if errors:
        raise ValidationFailed(errors, detail)
    return value
