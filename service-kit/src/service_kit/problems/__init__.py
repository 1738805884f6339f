"""RFC 9457 problem details: the exception hierarchy and the registry of problem types.

``base`` holds the exception, the registry and the body; ``request``, ``state`` and
``server`` the problem types, by what went wrong. Import them from here.
"""

from service_kit.problems.base import REGISTRY, FieldError, Problem, ProblemType, problem_body
from service_kit.problems.connection import RequestTimeout, TooManyConnections
from service_kit.problems.protocol import (
    MethodNotImplemented,
    NotAcceptable,
    RequestHeaderFieldsTooLarge,
    UriTooLong,
)
from service_kit.problems.request import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from service_kit.problems.server import (
    BadGateway,
    CircuitOpen,
    GatewayTimeout,
    InjectedFault,
    Maintenance,
    Overloaded,
    ServiceUnavailable,
    StoreUnavailable,
)
from service_kit.problems.state import (
    AlreadyExists,
    Conflict,
    IdempotencyKeyReused,
    RecordProcessingFailed,
    RequestInFlight,
    TooManyRequests,
    ValidationFailed,
    VersionConflict,
)

__all__ = [
    "REGISTRY",
    "AlreadyExists",
    "BadGateway",
    "BadRequest",
    "CircuitOpen",
    "Conflict",
    "FieldError",
    "Forbidden",
    "GatewayTimeout",
    "IdempotencyKeyReused",
    "InjectedFault",
    "Maintenance",
    "MethodNotAllowed",
    "MethodNotImplemented",
    "NotAcceptable",
    "NotFound",
    "Overloaded",
    "PayloadTooLarge",
    "Problem",
    "ProblemType",
    "RecordProcessingFailed",
    "RequestHeaderFieldsTooLarge",
    "RequestInFlight",
    "RequestTimeout",
    "ServiceUnavailable",
    "StoreUnavailable",
    "TooManyConnections",
    "TooManyRequests",
    "Unauthorized",
    "UnsupportedMediaType",
    "UriTooLong",
    "ValidationFailed",
    "VersionConflict",
    "for_status",
    "problem_body",
]

_BY_STATUS: dict[int, type[Problem]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    406: NotAcceptable,
    409: Conflict,
    413: PayloadTooLarge,
    414: UriTooLong,
    415: UnsupportedMediaType,
    429: TooManyRequests,
    431: RequestHeaderFieldsTooLarge,
    501: MethodNotImplemented,
    502: BadGateway,
    503: ServiceUnavailable,
    504: GatewayTimeout,
}


def for_status(status: int) -> Problem:
    """The generic problem of an error status, with that status (the bad-request type for
    the statuses without one of their own)."""
    if status == 422:
        return ValidationFailed([])
    return _BY_STATUS.get(status, BadRequest)(status=status)
