"""Field types every model shares, and the base model with the API's validation rules."""

from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

# "Not blank" as str.strip() sees it: a character outside Python's whitespace, which differs
# from JSON Schema's \s (U+001C-U+001F and U+0085 are in, U+FEFF is out).
NOT_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"


class ContractModel(BaseModel):
    """A request or response body: unknown members refused, each field's own rules."""

    model_config = ConfigDict(extra="forbid", regex_engine="python-re", frozen=True)

    # Members a client may see but not send: refused with their own message.
    read_only: ClassVar[tuple[str, ...]] = ()


def messages(**by_type: str) -> WrapValidator:
    """Give the errors of the wrapped type the API's own words (by pydantic error type;
    ``any`` for every type not named)."""

    def wrap(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            if value is None:  # null where a value is needed reads "Required." everywhere
                raise
            kind = exc.errors()[0]["type"]
            message = by_type.get(kind, by_type.get("any"))
            if message is None:
                raise
            raise PydanticCustomError("invalid", message) from None

    return WrapValidator(wrap)


def text(maximum: int) -> Any:
    """A string of 1 to ``maximum`` characters, not all whitespace."""
    return Annotated[
        str,
        Strict(),
        StringConstraints(min_length=1, max_length=maximum, pattern=NOT_BLANK),
        messages(
            string_too_short="Must not be empty or blank.",
            string_pattern_mismatch="Must not be empty or blank.",
        ),
    ]


def _integral(value: Any) -> Any:
    # JSON Schema counts 16.0 as the integer 16; so does the API (1.5 stays an error).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def integer(minimum: int, maximum: int) -> Any:
    """An integer in [minimum, maximum]; an integral number such as 16.0 counts as one."""
    bounded = Annotated[int, Strict(), Field(ge=minimum, le=maximum)]
    return Annotated[
        bounded,
        BeforeValidator(_integral),
        messages(
            greater_than_equal=f"Must be between {minimum} and {maximum}.",
            less_than_equal=f"Must be between {minimum} and {maximum}.",
            any="Must be an integer.",
        ),
    ]


Flag = Annotated[bool, Strict(), messages(any="Must be true or false.")]
Uuid = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=UUID_PATTERN),
    Field(json_schema_extra={"format": "uuid"}),
    messages(any="Must be a UUID (8-4-4-4-12 hexadecimal digits)."),
]

Check = Callable[[dict[str, Any]], list[tuple[str, str]]]
