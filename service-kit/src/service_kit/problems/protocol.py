"""Problems of the HTTP layer itself: unknown methods, media types, request size limits."""

from service_kit.problems.base import Problem


class NotAcceptable(Problem):
    status = 406
    slug = "not-acceptable"
    title = "Not Acceptable"
    description = (
        "The Accept header admits neither application/json nor application/problem+json, "
        "the only representations this API sends (q=0 excludes a type)."
    )
    advice = "Accept application/json (or */*), or send no Accept header."
    default_detail = "None of the media types in Accept can be sent."


class UriTooLong(Problem):
    status = 414
    slug = "uri-too-long"
    title = "URI Too Long"
    description = "The request line (method, path and query) is longer than the server reads."
    advice = "Do not retry unchanged: shorten the path or the query string."
    default_detail = "The request line is too long."


class RequestHeaderFieldsTooLarge(Problem):
    status = 431
    slug = "request-header-fields-too-large"
    title = "Request Header Fields Too Large"
    description = "A header field is longer than the server reads, or there are too many fields."
    advice = "Do not retry unchanged: send fewer or shorter header fields."
    default_detail = "The request's header fields are too large."


class MethodNotImplemented(Problem):
    status = 501
    slug = "not-implemented"
    title = "Not Implemented"
    description = (
        "The server does not know this request method, for any resource: it implements "
        "the methods of RFC 9110, PATCH and QUERY only (a known method that a resource "
        "does not serve, such as TRACE, is 405)."
    )
    advice = "Do not retry: use one of the methods the resource's Allow header lists."
    default_detail = "This request method is not implemented by the server."
