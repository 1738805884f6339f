"""HS256 JWTs: verification by the rules of RFC 8725 (docs/security.md), and minting.

What is refused, and told apart in the 401's detail: anything that is not an RFC 6750
token68 or is longer than ``MAX_TOKEN_LENGTH``; any algorithm but HS256; a ``typ`` header
other than JWT or at+jwt; a wrong issuer or audience; missing ``exp``, ``iss``, ``aud`` or
``sub``; time claims that are not integers; a token expired, not yet valid (``nbf`` or
``iat`` in the future) or living longer than ``MAX_LIFETIME_SECONDS``. Clocks may disagree
by ``LEEWAY_SECONDS``.
"""

import re
import time
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jwt

# A short secret is refused at start-up (service_kit.secrets) unless in dev mode; PyJWT
# need not warn on every token as well.
warnings.filterwarnings("ignore", category=jwt.warnings.InsecureKeyLengthWarning)

ALGORITHM = "HS256"
ISSUER = "petstore"
AUDIENCE = "petstore-api"
ADMIN = "admin"

MAX_TOKEN_LENGTH = 4096
LEEWAY_SECONDS = 10
MAX_LIFETIME_SECONDS = 24 * 3600
TIME_CLAIMS = ("exp", "nbf", "iat")
ACCEPTED_TYPES = frozenset({"jwt", "at+jwt", "application/jwt", "application/at+jwt"})
# RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


@dataclass(frozen=True, slots=True)
class Principal:
    sub: str
    scopes: frozenset[str]
    exp: float

    def has(self, scope: str) -> bool:
        return scope in self.scopes or ADMIN in self.scopes


class InvalidToken(Exception):
    """The token is malformed, badly signed, expired or for someone else."""


class TokenVerifier:
    """Verifies tokens with the algorithm pinned to HS256; caches good ones until ``exp``."""

    def __init__(
        self,
        secret: str,
        *,
        cache_size: int = 10_000,
        leeway: int = LEEWAY_SECONDS,
        max_lifetime: int = MAX_LIFETIME_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._clock = clock  # injectable: tests move time instead of waiting for it
        self._cache: OrderedDict[str, Principal] = OrderedDict()
        self._cache_size = cache_size
        self._leeway = leeway
        self._max_lifetime = max_lifetime

    def verify(self, token: str) -> Principal:
        now = self._clock()
        cached = self._cache.get(token)
        if cached is not None:
            if cached.exp + self._leeway > now:
                return cached
            del self._cache[token]
        if len(token) > MAX_TOKEN_LENGTH or not TOKEN68.fullmatch(token):
            raise InvalidToken("The token is malformed (not an RFC 6750 bearer token).")
        claims = self._decode(token)
        check_times(claims, now, self._leeway, self._max_lifetime)
        if claims["exp"] + self._leeway <= now:  # checked here, on this verifier's clock
            raise InvalidToken("The token has expired.")
        sub, scope = claims.get("sub"), claims.get("scope", "")
        if not isinstance(sub, str) or not sub or not isinstance(scope, str):
            raise InvalidToken("The token's sub or scope claim is malformed.")
        principal = Principal(sub, frozenset(scope.split()), float(claims["exp"]))
        self._cache[token] = principal
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return principal

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            typ = header.get("typ")
            if typ is not None and (not isinstance(typ, str) or typ.lower() not in ACCEPTED_TYPES):
                raise InvalidToken("The token's type (typ header) is not a JWT access token.")
            return jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_exp": False},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(_reason(exc)) from None
        except (ValueError, TypeError, OverflowError):  # whatever slips past PyJWT's checks
            raise InvalidToken("The token is malformed.") from None


def check_times(claims: dict[str, Any], now: float, leeway: int, max_lifetime: int) -> None:
    """Integer time claims only (RFC 7519 NumericDate, no strings or fractions), and a
    lifetime from ``iat`` (or from now, without one) of at most ``max_lifetime``."""
    for name in TIME_CLAIMS:
        value = claims.get(name)
        if name in claims and (not isinstance(value, int) or isinstance(value, bool)):
            raise InvalidToken(f"The token's '{name}' claim must be an integer (seconds).")
    start = claims.get("iat", int(now))
    if claims["exp"] - start > max_lifetime + leeway:
        raise InvalidToken(
            f"The token lives longer than the maximum of {max_lifetime} s (exp - iat)."
        )


def _reason(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "The token has expired."
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "The token is not yet valid (nbf or iat is in the future)."
    if isinstance(exc, jwt.InvalidAudienceError):
        return "The token is not meant for this API (audience)."
    if isinstance(exc, jwt.InvalidIssuerError):
        return "The token was not issued by petstore (issuer)."
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"The token lacks the required claim '{exc.claim}'."
    if isinstance(exc, jwt.InvalidSignatureError):
        return "The token's signature is invalid."
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return "The token's algorithm is not accepted (HS256 only)."
    if isinstance(exc, jwt.InvalidIssuedAtError):
        return "The token's 'iat' claim must be an integer (seconds)."
    return "The token is malformed."


def mint_token(
    secret: str,
    *,
    sub: str,
    scopes: Iterable[str],
    ttl: int = 3600,
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
) -> str:
    now = int(time.time())
    claims = {
        "sub": sub,
        "scope": " ".join(scopes),
        "iat": now,
        "exp": now + ttl,
        "iss": issuer,
        "aud": audience,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)
