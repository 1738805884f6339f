"""A live session as each replica holds it: its rules compiled, and which step answers."""

import hashlib
from dataclasses import dataclass
from typing import Any

from gateway.sessions.model import Rule, Step, parse_rules
from gateway.sessions.templates import ANY, shape


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: str
    sub: str | None
    seed: int
    created_ms: int
    expires_ms: int
    rules: tuple[Rule, ...]
    shapes: tuple[str | None, ...]  # each rule's route shape (None: any route)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "LiveSession":
        rules = tuple(parse_rules(doc["rules"]))
        return cls(
            id=doc["id"],
            sub=(doc.get("match") or {}).get("sub"),
            seed=int(doc["seed"]),
            created_ms=int(doc["createdMs"]),
            expires_ms=int(doc["expiresMs"]),
            rules=rules,
            shapes=tuple(None if r.route == ANY else shape(r.route) for r in rules),
        )

    def rule_for(self, method: str, template: str) -> int | None:
        """The index of the first rule that applies to ``method`` on ``template``."""
        wanted = shape(template)
        for index, rule in enumerate(self.rules):
            if rule.method != ANY and rule.method != method:
                continue
            route = self.shapes[index]
            if route is None or route == wanted:
                return index
        return None

    def step_for(self, rule_index: int, count: int) -> int | None:
        """The step that takes the rule's ``count``-th matching request (0-based), if any."""
        rule = self.rules[rule_index]
        total = sum(step.times for step in rule.steps)
        if count >= total:
            if rule.then == "pass":
                return None
            if rule.then == "hold":
                return len(rule.steps) - 1
            count %= total
        for index, step in enumerate(rule.steps):
            if count < step.times:
                return index
            count -= step.times
        return None  # pragma: no cover - the loop covers every count below total

    def draw(self, rule_index: int, count: int, salt: str) -> float:
        """A number in [0, 1) fixed by the seed, the rule and the request's count: the same
        seed gives the same sequence on every replica and every run."""
        digest = hashlib.blake2b(
            f"{self.seed}:{rule_index}:{count}:{salt}".encode(), digest_size=8
        ).digest()
        return int.from_bytes(digest, "big") / 2**64

    def fires(self, step: Step, rule_index: int, count: int) -> bool:
        return step.probability >= 1.0 or self.draw(rule_index, count, "p") < step.probability

    def latency_ms(self, step: Step, rule_index: int, count: int) -> int:
        base = step.latencyMs or 0
        if not step.jitterMs:
            return base
        return base + int(self.draw(rule_index, count, "j") * (step.jitterMs + 1))
