"""`respond: <status>`: the problem the real API answers with that status, nothing marking it."""

import time

from gateway.ratelimit import Decision, RateLimiter
from service_kit import auth, problems
from service_kit.methods import advertised
from service_kit.problems import Problem

OWN_5XX = frozenset({502, 503, 504})  # 5xx statuses with a problem type of their own
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def problem_for(
    status: int, retry_after: int | None, *, method: str, template: str, allowed: frozenset[str]
) -> Problem:
    """The problem the API answers with ``status`` on ``method template``."""
    problem: Problem
    if status == 401:
        problem = auth.invalid_token("The token has expired.")
    elif status == 403:
        if "{userId}" in template:
            scope = auth.ADMIN
        else:
            scope = auth.READ_PETS if method in SAFE_METHODS else auth.WRITE_PETS
        problem = auth.insufficient_scope(scope)
    elif status == 405:
        # As if this method were not served here (nor HEAD with GET).
        others = allowed - {method, "HEAD" if method == "GET" else method}
        problem = problems.MethodNotAllowed(advertised(others or allowed))
    elif status >= 500 and status not in OWN_5XX:
        problem = Problem(status=status)  # the generic 500 body (internal-error)
    else:
        problem = problems.for_status(status)
    problem.retry_after = retry_after  # a 503 without one tells no time (as a proxy's would)
    problem.headers.pop("Retry-After", None)
    problem.extensions.pop("retryAfter", None)
    if retry_after is not None:
        problem.headers["Retry-After"] = str(retry_after)
        problem.extensions["retryAfter"] = retry_after
    return problem


def rate_limited(limiter: RateLimiter, retry_after: int | None) -> tuple[Problem, Decision]:
    """A 429 exactly as the rate limiter tells it, with the window ending in ``retry_after``."""
    seconds = 1 if retry_after is None else retry_after
    now_ms = int(time.time()) * 1000  # whole seconds: Retry-After comes out exactly
    decision = Decision(False, limiter.limit, 0, now_ms, now_ms + seconds * 1000, limiter.policy)
    return limiter.too_many(decision), decision
