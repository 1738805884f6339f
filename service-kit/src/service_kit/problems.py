"""RFC 9457 problem details: the exception hierarchy and the registry of problem types."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class ProblemType:
    """One documented problem type; the gateway serves a page per slug under /problems/."""

    slug: str
    title: str
    status: int
    description: str
    advice: str


REGISTRY: dict[str, ProblemType] = {}


class Problem(Exception):
    """An error answered as application/problem+json.

    Subclasses set the class attributes; instances carry the detail, extension members
    (``errors``, ``requiredScope``, ``currentVersion``, ...) and extra response headers.
    """

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal Server Error"
    description: ClassVar[str] = "The server met an unexpected condition."
    advice: ClassVar[str] = "Retry later; report the traceId if it persists."
    default_detail: ClassVar[str] = "An unexpected error occurred."

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "slug" in cls.__dict__:
            REGISTRY[cls.slug] = ProblemType(
                cls.slug, cls.title, cls.status, cls.description, cls.advice
            )

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        self.detail = detail or self.default_detail
        self.headers: dict[str, str] = dict(headers or {})
        self.extensions: dict[str, Any] = extensions
        super().__init__(self.detail)


def register(problem: type[Problem]) -> None:
    REGISTRY[problem.slug] = ProblemType(
        problem.slug, problem.title, problem.status, problem.description, problem.advice
    )


register(Problem)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class BadRequest(Problem):
    status = 400
    slug = "bad-request"
    title = "Bad Request"
    description = (
        "The request could not be parsed: malformed JSON, JSON that is not an object, "
        "a query parameter that is not of its type, or a missing required header."
    )
    advice = "Do not retry unchanged: fix the request syntax (see errors[])."
    default_detail = "The request could not be parsed."

    def __init__(
        self, detail: str | None = None, *, errors: list[FieldError] | None = None, **kw: Any
    ) -> None:
        super().__init__(detail, errors=[e.as_dict() for e in errors or []], **kw)


class Unauthorized(Problem):
    status = 401
    slug = "unauthorized"
    title = "Unauthorized"
    description = (
        "No bearer token was sent, or the token is invalid: bad signature, expired, "
        "wrong issuer or audience, or an algorithm other than HS256."
    )
    advice = "Obtain a fresh token and retry with 'Authorization: Bearer <token>'."
    default_detail = "A valid bearer token is required."


class Forbidden(Problem):
    status = 403
    slug = "forbidden"
    title = "Forbidden"
    description = "The token is valid but lacks the scope, or the identity, this action needs."
    advice = "Do not retry with the same token: ask for a token with requiredScope."
    default_detail = "The token does not allow this action."


class NotFound(Problem):
    status = 404
    slug = "not-found"
    title = "Not Found"
    description = "No resource exists at this URL (unknown path, or an id that does not exist)."
    advice = "Do not retry: check the id or the path."
    default_detail = "The requested resource was not found."


class MethodNotAllowed(Problem):
    status = 405
    slug = "method-not-allowed"
    title = "Method Not Allowed"
    description = "The resource exists but does not support this HTTP method."
    advice = "Use one of the methods listed in the Allow header (and allowedMethods)."
    default_detail = "This method is not allowed on this resource."

    def __init__(self, allowed: list[str], detail: str | None = None, **kw: Any) -> None:
        allowed = sorted(set(allowed), key=_METHOD_ORDER.index)
        super().__init__(
            detail, headers={"Allow": ", ".join(allowed)}, allowedMethods=allowed, **kw
        )


_METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]


class Conflict(Problem):
    status = 409
    slug = "conflict"
    title = "Conflict"
    description = "The request conflicts with the current state of the resource."
    advice = "Re-read the resource, resolve the conflict, then retry."
    default_detail = "The request conflicts with the current state of the resource."


class AlreadyExists(Conflict):
    slug = "already-exists"
    title = "Resource Already Exists"
    description = "A resource with the id sent by the client already exists."
    advice = "Do not retry: choose another id, or let the server assign one."
    default_detail = "A resource with this id already exists."


class VersionConflict(Conflict):
    slug = "version-conflict"
    title = "Version Conflict"
    description = (
        "The If-Match version is not the current one: someone else changed the resource. "
        "This API answers 409 with currentVersion (RFC 9110 would also allow 412)."
    )
    advice = "GET the resource again, re-apply your change to currentVersion, and retry."
    default_detail = "The resource was modified since you read it."


class RequestInFlight(Conflict):
    slug = "request-in-flight"
    title = "Request In Flight"
    description = "A request with the same Idempotency-Key is still being processed."
    advice = "Wait Retry-After seconds and retry with the same key to get the first answer."
    default_detail = "A request with this Idempotency-Key is still being processed."


class PayloadTooLarge(Problem):
    status = 413
    slug = "payload-too-large"
    title = "Payload Too Large"
    description = "The request body is larger than the service accepts."
    advice = "Do not retry unchanged: send a smaller body."
    default_detail = "The request body is too large."


class UnsupportedMediaType(Problem):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported Media Type"
    description = "The request body is not sent as application/json."
    advice = "Send the body as JSON with 'Content-Type: application/json'."
    default_detail = "The request body must be application/json."


class ValidationFailed(Problem):
    status = 422
    slug = "validation-error"
    title = "Validation Failed"
    description = (
        "The request was well-formed but its values are not acceptable: every failing "
        "field is listed in errors[] (invalid enum values are 422, not 400)."
    )
    advice = "Do not retry unchanged: fix every field listed in errors[]."
    default_detail = "The request has invalid fields."

    def __init__(self, errors: list[FieldError], detail: str | None = None, **kw: Any) -> None:
        super().__init__(detail, errors=[e.as_dict() for e in errors], **kw)


class IdempotencyKeyReused(Problem):
    status = 422
    slug = "idempotency-key-reused"
    title = "Idempotency Key Reused"
    description = "The Idempotency-Key was already used with a different request body."
    advice = "Use a new Idempotency-Key for a different request."
    default_detail = "This Idempotency-Key was used with a different request body."

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        error = FieldError("Idempotency-Key", "Already used for a different request.")
        super().__init__(detail, errors=[error.as_dict()], **kw)


class RecordProcessingFailed(Problem):
    status = 422
    slug = "record-processing-failed"
    title = "Record Processing Failed"
    description = (
        "An accepted (202) medical record could not be processed, for example a vaccine "
        "that is not in the catalogue. It is the status of the record, not of a request: "
        "it appears as `problem` in GET /v1/medical-records/{id}/status once FAILED."
    )
    advice = "Do not resubmit unchanged: fix what detail and errors[] name, then POST again."
    default_detail = "The medical record could not be processed."

    def __init__(
        self, detail: str | None = None, *, errors: list[FieldError] | None = None, **kw: Any
    ) -> None:
        super().__init__(detail, errors=[e.as_dict() for e in errors or []], **kw)


class TooManyRequests(Problem):
    status = 429
    slug = "rate-limited"
    title = "Too Many Requests"
    description = "The caller has used up its request quota for the current window."
    advice = "Wait Retry-After seconds (X-RateLimit-Reset tells when the window resets)."
    default_detail = "Rate limit exceeded."


class BadGateway(Problem):
    status = 502
    slug = "bad-gateway"
    title = "Bad Gateway"
    description = (
        "An upstream service failed: it answered 5xx, reset or refused the connection, "
        "or sent a malformed response. Its body is never passed on."
    )
    advice = "Retry idempotent requests with backoff; the failure may be transient."
    default_detail = "An upstream service failed."


class ServiceUnavailable(Problem):
    status = 503
    slug = "service-unavailable"
    title = "Service Unavailable"
    description = (
        "The service or one of its dependencies is temporarily unavailable "
        "(a store or broker is down, or an upstream asked us to back off)."
    )
    advice = "Retry after the Retry-After header's seconds."
    default_detail = "The service is temporarily unavailable."

    def __init__(self, detail: str | None = None, *, retry_after: int = 5, **kw: Any) -> None:
        super().__init__(
            detail, headers={"Retry-After": str(retry_after)}, retryAfter=retry_after, **kw
        )


class Maintenance(ServiceUnavailable):
    slug = "maintenance"
    title = "Service Under Maintenance"
    description = "The API is in maintenance mode; health and admin endpoints stay up."
    advice = "Retry after the Retry-After header's seconds."
    default_detail = "The API is down for maintenance."


class CircuitOpen(ServiceUnavailable):
    slug = "circuit-open"
    title = "Upstream Circuit Open"
    description = (
        "An upstream failed repeatedly, so the gateway stops calling it for a while "
        "(circuit breaker) and answers at once."
    )
    advice = "Retry after the Retry-After header's seconds, when a trial call is allowed."
    default_detail = "The upstream is failing; calls are suspended."


class GatewayTimeout(Problem):
    status = 504
    slug = "gateway-timeout"
    title = "Gateway Timeout"
    description = "An upstream service did not answer within the route's deadline."
    advice = "Retry idempotent requests with backoff."
    default_detail = "An upstream service did not answer in time."


class InjectedFault(Problem):
    status = 500
    slug = "injected-fault"
    title = "Injected Fault"
    description = (
        "An upstream stub answered with an error because its fault API told it to "
        "(PUT /admin/faults with mode 'error'); the status is the one requested."
    )
    advice = "Clear the fault (DELETE /admin/faults, or `petstore fault clear`) to get answers."
    default_detail = "Fault injected by the stub's fault API."


_BY_STATUS: dict[int, type[Problem]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    429: TooManyRequests,
    502: BadGateway,
    503: ServiceUnavailable,
    504: GatewayTimeout,
}


def for_status(status: int) -> Problem:
    """The generic problem of an error status (a 400 for statuses without one of their own);
    render it with ``status`` when that differs from the problem's."""
    if status == 422:
        return ValidationFailed([])
    return _BY_STATUS.get(status, BadRequest)()


def problem_body(
    problem: Problem, *, type_base: str, instance: str, trace_id: str
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_base + problem.slug,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": instance,
        "traceId": trace_id,
    }
    body.update(problem.extensions)
    return body
