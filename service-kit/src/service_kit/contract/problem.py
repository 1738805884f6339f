"""The RFC 9457 problem body every error answers with."""

from typing import Annotated

from pydantic import Field

from service_kit.contract.fields import ContractModel, OmitNull, UriReference


class FieldError(ContractModel):
    field: str
    message: str


class Problem(ContractModel, extra="allow"):
    """RFC 9457 problem details; `type` resolves to a page under /problems/."""

    type: Annotated[str, Field(json_schema_extra={"format": "uri"})]
    title: str
    status: Annotated[int, Field(ge=400, le=599)]
    detail: str
    instance: UriReference
    traceId: str
    errors: Annotated[list[FieldError] | None, OmitNull] = None
    requiredScope: Annotated[str | None, OmitNull] = None
    allowedMethods: Annotated[list[str] | None, OmitNull] = None
    currentVersion: Annotated[Annotated[int, Field(ge=1)] | None, OmitNull] = None
    retryAfter: Annotated[Annotated[int, Field(ge=0)] | None, OmitNull] = None
