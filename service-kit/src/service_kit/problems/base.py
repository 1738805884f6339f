"""The problem exception, the registry of problem types and the problem+json body."""

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

    Subclasses set the class attributes (a subclass without a ``slug`` of its own is a
    variant of its parent's type: same page, its own default detail). Instances carry the
    detail, the status (the class's unless given: a stub's error mode or an injected answer
    may use any 4xx/5xx), ``retry_after`` (rendered as the Retry-After header and the
    ``retryAfter`` member), extension members (``errors``, ``requiredScope``, ...) and
    extra response headers.
    """

    status: int = 500  # per instance when given (not a ClassVar)
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal Server Error"
    description: ClassVar[str] = "The server met an unexpected condition."
    advice: ClassVar[str] = "Retry later; report the traceId if it persists."
    default_detail: ClassVar[str] = "An unexpected error occurred."
    default_retry_after: ClassVar[int | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "slug" in cls.__dict__:
            register(cls)

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        self.detail = detail or self.default_detail
        if status is not None:
            self.status = status
        self.retry_after = self.default_retry_after if retry_after is None else retry_after
        self.headers: dict[str, str] = dict(headers or {})
        self.extensions: dict[str, Any] = extensions
        if self.retry_after is not None:
            self.headers["Retry-After"] = str(self.retry_after)
            self.extensions["retryAfter"] = self.retry_after
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
