"""Problems on the server's side: a dependency or an upstream that failed, or is resting."""

from service_kit.problems.base import Problem


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
        "The service is temporarily unavailable: the API is in maintenance mode (health "
        "and admin endpoints stay up), a store or broker is down, or an upstream asked "
        "us to back off. The detail says which."
    )
    advice = "Retry after the Retry-After header's seconds."
    default_detail = "The service is temporarily unavailable."
    default_retry_after = 5


class StoreUnavailable(ServiceUnavailable):
    """A service's own store (Redis) did not answer: what storage layers raise, and the only
    problem their callers catch (a 503 ``service-unavailable`` when it reaches a client)."""

    default_detail = "The service's database is unreachable or too slow; retry shortly."


class Maintenance(ServiceUnavailable):
    """Maintenance mode: the article's own 503, so its type and title are the article's
    (``service-unavailable``, "Service Unavailable"); the detail says why."""

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


class Overloaded(ServiceUnavailable):
    slug = "overloaded"
    title = "Gateway Overloaded"
    description = (
        "The gateway is already working on as many requests as it is set to "
        "(MAX_IN_FLIGHT), so it answers this one at once instead of queueing it toward a "
        "timeout. Nothing was sent upstream and nothing was counted against the rate limit."
    )
    advice = "Retry after the Retry-After header's seconds, with backoff."
    default_detail = "The gateway is at its in-flight limit; retry shortly."
    default_retry_after = 1


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
