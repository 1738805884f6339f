"""Entity tags: a pet's ETag is its version; If-Match and If-None-Match are checked against it."""

import re
from dataclasses import dataclass

from aiohttp import web

from service_kit.problems import BadRequest, FieldError

_LIST = re.compile(r'\s*(?:\*|(?:W/)?"[\x21\x23-\x7e]*"(?:\s*,\s*(?:W/)?"[\x21\x23-\x7e]*")*)\s*')
_TAG = re.compile(r'(W/)?"([\x21\x23-\x7e]*)"')


def etag(version: int) -> str:
    return f'"{version}"'


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed If-Match / If-None-Match: ``*`` or a list of (weak, opaque) tags."""

    any: bool
    tags: tuple[tuple[bool, str], ...]

    def strong_versions(self) -> frozenset[int]:
        """The versions named by strong tags (If-Match never matches a weak tag)."""
        return frozenset(int(tag) for weak, tag in self.tags if not weak and _is_version(tag))

    def matches_strong(self, version: int) -> bool:
        return self.any or version in self.strong_versions()

    def matches_weak(self, version: int) -> bool:
        return self.any or any(tag == str(version) for _, tag in self.tags)


def _is_version(tag: str) -> bool:
    return 0 < len(tag) <= 18 and tag.isdecimal() and (tag == "0" or tag[0] != "0")


def request_condition(request: web.Request, name: str) -> Condition | None:
    """The request's If-Match or If-None-Match, or None; 400 when malformed."""
    header = request.headers.get(name)
    return None if header is None else parse_condition(header, name)


def parse_condition(header: str, name: str) -> Condition:
    if not _LIST.fullmatch(header):
        raise BadRequest(
            f"The {name} header is malformed.",
            errors=[FieldError(name, 'Expected * or a list of entity tags such as "3".')],
        )
    if header.strip() == "*":
        return Condition(True, ())
    return Condition(False, tuple((bool(w), tag) for w, tag in _TAG.findall(header)))
