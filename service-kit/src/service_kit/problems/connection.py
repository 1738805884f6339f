"""Problems of a connection rather than of a request: too slow, or one too many."""

from service_kit.problems.base import Problem
from service_kit.problems.server import ServiceUnavailable


class RequestTimeout(Problem):
    status = 408
    slug = "request-timeout"
    title = "Request Timeout"
    description = (
        "The request's header block or body did not arrive within the server's read "
        "timeout; the connection is closed."
    )
    advice = "Send the whole request promptly, on a new connection."
    default_detail = "The request did not arrive in time."


class TooManyConnections(ServiceUnavailable):
    """Past the cap on open connections (in all, or from one client address)."""

    default_detail = "Too many open connections; retry later."
    default_retry_after = 1
