"""Field types every model shares, and the base model with the API's validation rules."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from annotated_types import Ge, GroupedMetadata, Le
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    Strict,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

# "Not blank" as str.strip() sees it: a character outside Python's whitespace, which differs
# from JSON Schema's \s (U+001C-U+001F and U+0085 are in, U+FEFF is out).
NOT_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"


@dataclass(frozen=True)
class _OmitNull:
    """``Annotated[X | None, OmitNull]``: null is accepted (or means "unset") but is not
    documented, so the schema shows X alone."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        options = [o for o in json_schema.get("anyOf", []) if o != {"type": "null"}]
        if len(options) == 1:
            rest = {k: v for k, v in json_schema.items() if k != "anyOf"}
            return {**options[0], **rest}
        return json_schema


OmitNull = _OmitNull()


class ContractModel(BaseModel):
    """A request or response body: unknown members refused, each field's own rules."""

    # The Rust engine, as JSON Schema reads a pattern: `$` is the end (Python's also matches
    # before a final newline).
    model_config = ConfigDict(extra="forbid", regex_engine="rust-regex", frozen=True)

    # Members a client may see but not send: refused with their own message.
    read_only: ClassVar[tuple[str, ...]] = ()


def messages(**by_type: str) -> WrapValidator:
    """Give the errors of the wrapped type the API's own words (by pydantic error type;
    ``any`` for every type not named, ``none`` for a null)."""

    def wrap(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            if value is None and "none" not in by_type:
                raise  # null where a value is needed reads "Required." (see errors.message)
            kind = "none" if value is None else exc.errors()[0]["type"]
            message = by_type.get(kind, by_type.get("any"))
            if message is None:
                raise
            raise PydanticCustomError("invalid", message) from None

    return WrapValidator(wrap)


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """``Annotated[str, Text(n)]``: a string of 1 to n characters, not all whitespace."""

    maximum: int

    def __iter__(self) -> Iterator[Any]:
        yield Strict()
        yield StringConstraints(min_length=1, max_length=self.maximum, pattern=NOT_BLANK)
        yield messages(
            string_too_short="Must not be empty or blank.",
            string_pattern_mismatch="Must not be empty or blank.",
        )


def _integral(value: Any) -> Any:
    # JSON Schema counts 16.0 as the integer 16; so does the API (1.5 stays an error).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Integer(GroupedMetadata):
    """``Annotated[int, Integer(lo, hi)]``: an integer in [lo, hi]; 16.0 counts as 16."""

    minimum: int
    maximum: int

    def __iter__(self) -> Iterator[Any]:
        between = f"Must be between {self.minimum} and {self.maximum}."
        yield Strict()
        yield Ge(self.minimum)
        yield Le(self.maximum)
        yield BeforeValidator(_integral)
        yield messages(
            greater_than_equal=between, less_than_equal=between, any="Must be an integer."
        )


Flag = Annotated[bool, Strict(), messages(any="Must be true or false.")]
Uuid = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=UUID_PATTERN),
    Field(json_schema_extra={"format": "uuid"}),
    messages(
        any="Must be a UUID (8-4-4-4-12 hexadecimal digits).",
        none="Must be a UUID (8-4-4-4-12 hexadecimal digits).",
    ),
]

Check = Callable[[dict[str, Any]], list[tuple[str, str]]]
DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
UriReference = Annotated[str, Field(json_schema_extra={"format": "uri-reference"})]
