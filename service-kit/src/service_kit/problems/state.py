"""Requests that parse but cannot be done now: conflicts, invalid values, quotas used up."""

from typing import Any

from service_kit.problems.base import FieldError, Problem


class Conflict(Problem):
    status = 409
    slug = "conflict"
    title = "Conflict"
    description = (
        "The request conflicts with the current state of the resource: a resource with "
        "the id sent by the client already exists, or the If-Match version is not the "
        "current one (someone else changed the resource; currentVersion names the current "
        "one). A stale If-Match is 409 here, as in the article (RFC 9110 would also allow 412)."
    )
    advice = (
        "Do not retry unchanged: choose another id (or let the server assign one); for a "
        "stale version GET the resource again, re-apply your change to currentVersion, retry."
    )
    default_detail = "The request conflicts with the current state of the resource."


class AlreadyExists(Conflict):
    """A duplicate id: the ``conflict`` type, with its own default detail."""

    default_detail = "A resource with this id already exists."


class VersionConflict(Conflict):
    """A stale ``If-Match``: the ``conflict`` type, with ``currentVersion``."""

    default_detail = "The resource was modified since you read it."


class RequestInFlight(Conflict):
    slug = "request-in-flight"
    title = "Request In Flight"
    description = "A request with the same Idempotency-Key is still being processed."
    advice = "Wait Retry-After seconds and retry with the same key to get the first answer."
    default_detail = "A request with this Idempotency-Key is still being processed."


class ValidationFailed(Problem):
    status = 422
    slug = "validation-error"
    title = "Validation Error"
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
    slug = "rate-limit-exceeded"
    title = "Rate Limit Exceeded"
    description = "The caller has used up its request quota for the current window."
    advice = "Wait Retry-After seconds (X-RateLimit-Reset tells when the window resets)."
    default_detail = "Rate limit exceeded."
