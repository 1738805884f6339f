"""An example body on every problem answer of the document, from the problem registry
(the same bodies the /problems pages show), with the operation's own path as `instance`."""

import re

from gateway.openapi.base import PROBLEM_JSON, Schema
from gateway.problem_pages import example_body
from service_kit.problems import REGISTRY, ProblemType, for_status

_SAMPLE = "0190f7a4-8c1e-7cc3-9d2a-5b6f1e0c2a11"


def _problem_type(status: int) -> ProblemType | None:
    generic = REGISTRY.get(for_status(status).slug)
    if generic is not None and generic.status == status:
        return generic
    return next((p for p in REGISTRY.values() if p.status == status), None)


def add_problem_examples(paths: dict[str, Schema], type_base: str) -> None:
    for path, item in paths.items():
        instance = re.sub(r"\{[^}]+\}", _SAMPLE, path)
        for method, op in item.items():
            if method == "parameters":
                continue
            for status, response in op["responses"].items():
                content = response.get("content", {}).get(PROBLEM_JSON)
                # A range ("4XX") shows its first status's problem (400 Bad Request).
                code = int(status) if status.isdigit() else int(status[0]) * 100
                problem = _problem_type(code)
                if content is None or problem is None or "example" in content:
                    continue
                content["example"] = example_body(problem, type_base) | {"instance": instance}
