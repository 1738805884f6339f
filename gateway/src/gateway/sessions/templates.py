"""The /v1 routes as OpenAPI path templates, and which rule of a session a request meets."""

import re
from collections.abc import Sequence

from aiohttp import web

from gateway.sessions.model import Rule
from service_kit.problems import FieldError

_PARAM = re.compile(r"\{([^}]*)\}")
ANY = "*"
_IMPLIED = frozenset({"*", "HEAD", "OPTIONS"})


def shape(template: str) -> str:
    """A template with its parameter names left out: /v1/pets/{id} and /v1/pets/{petId} agree."""
    return _PARAM.sub("{}", template)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def openapi_template(canonical: str) -> str:
    """The router's /v1/pets/{pet_id} as the OpenAPI document writes it: /v1/pets/{petId}."""
    return _PARAM.sub(lambda m: "{" + _camel(m.group(1)) + "}", canonical)


class RouteTable:
    """Every /v1 route of the router: its OpenAPI template and its methods, by shape."""

    def __init__(
        self,
        routes: dict[str, tuple[str, frozenset[str]]],
        allow: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self._routes = routes
        self._allow = allow or {}  # every method each route answers, HEAD and OPTIONS too

    @classmethod
    def of(cls, router: web.UrlDispatcher) -> "RouteTable":
        routes: dict[str, tuple[str, set[str]]] = {}
        allow: dict[str, set[str]] = {}
        for resource in router.resources():
            canonical = resource.canonical
            if not canonical.startswith("/v1/"):
                continue
            template = openapi_template(canonical)
            entry = routes.setdefault(shape(template), (template, set()))
            # HEAD and OPTIONS answer beside GET; a rule names the methods the API documents.
            entry[1].update(r.method for r in resource if r.method not in _IMPLIED)
            allow.setdefault(shape(template), set()).update(
                r.method for r in resource if r.method != ANY
            )
        return cls(
            {key: (t, frozenset(m)) for key, (t, m) in routes.items()},
            {key: frozenset(m) for key, m in allow.items()},
        )

    def template_of(self, request: web.Request) -> str | None:
        """The OpenAPI template of the route the request reached (None: no route matched)."""
        if request.match_info.http_exception is not None:
            return None
        resource = request.match_info.route.resource
        if resource is None:
            return None
        return openapi_template(resource.canonical)

    def check(self, rules: Sequence[Rule], offset: int = 0) -> list[FieldError]:
        """A rule on a route that does not exist, or a method it does not serve, can never
        match: a stale test set-up is told at once instead."""
        errors = []
        for index, rule in enumerate(rules, start=offset):
            if rule.route == ANY:
                continue
            known = self._routes.get(shape(rule.route))
            if known is None:
                errors.append(
                    FieldError(
                        f"rules[{index}].route",
                        "No such route of the API; use a path template of the OpenAPI "
                        "document (e.g. /v1/pets/{petId}) or '*'.",
                    )
                )
            elif rule.method != ANY and rule.method not in known[1]:
                methods = ", ".join(sorted(known[1]))
                errors.append(
                    FieldError(f"rules[{index}].method", f"{known[0]} serves only {methods}.")
                )
        return errors

    def allowed(self, template: str) -> frozenset[str]:
        """What a 405 on this route lists in Allow."""
        return self._allow.get(shape(template), frozenset())
