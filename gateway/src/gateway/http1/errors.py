"""What a call through the upstream client can end with, and the limits on an answer."""

from typing import NamedTuple

from multidict import CIMultiDictProxy

# An upstream's status line and header block together, and its header fields (trailers are
# read and dropped, and count against the body limit instead).
MAX_HEAD_BYTES = 64 * 1024
MAX_HEADER_FIELDS = 100


class NotSent(OSError):
    """The connection could not be opened (refused, unreachable, no DNS): nothing was sent."""


class Dropped(ConnectionError):
    """The connection closed or was reset before the answer's head arrived."""


class Malformed(Exception):
    """The answer is not valid HTTP/1.1, ends early, or is larger than the limits."""


class Late(TimeoutError):
    """The deadline passed before the whole answer came."""


class UpstreamResponse(NamedTuple):
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
