"""Problems with the request itself: unparseable, unauthenticated, forbidden, nowhere to go."""

from typing import Any

from service_kit.problems.base import FieldError, Problem


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


_METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]


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
