"""HS256 bearer tokens: verification shared by the gateway and the services, and minting."""

import time
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import jwt
from aiohttp import web

from service_kit.problems import Forbidden, Unauthorized

# The documented dev default secret is short on purpose (it must be replaced); the services
# log their own warning at start-up instead of PyJWT warning on every token.
warnings.filterwarnings("ignore", category=jwt.warnings.InsecureKeyLengthWarning)

ALGORITHM = "HS256"
ISSUER = "petstore"
AUDIENCE = "petstore-api"
REALM = 'Bearer realm="PetStore API"'

READ_PETS = "read:pets"
WRITE_PETS = "write:pets"
ADMIN = "admin"


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

    def __init__(self, secret: str, *, cache_size: int = 10_000) -> None:
        self._secret = secret
        self._cache: OrderedDict[str, Principal] = OrderedDict()
        self._cache_size = cache_size

    def verify(self, token: str) -> Principal:
        now = time.time()
        cached = self._cache.get(token)
        if cached is not None:
            if cached.exp > now:
                return cached
            del self._cache[token]
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(_reason(exc)) from None
        sub, scope = claims.get("sub"), claims.get("scope", "")
        if not isinstance(sub, str) or not sub or not isinstance(scope, str):
            raise InvalidToken("The token's sub or scope claim is malformed.")
        principal = Principal(sub, frozenset(scope.split()), float(claims["exp"]))
        self._cache[token] = principal
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return principal


def _reason(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "The token has expired."
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
    return "The token is malformed."


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def missing_token() -> Unauthorized:
    return Unauthorized("A bearer token is required.", headers={"WWW-Authenticate": REALM})


def invalid_token(reason: str) -> Unauthorized:
    return Unauthorized(
        reason,
        headers={
            "WWW-Authenticate": f'{REALM}, error="invalid_token", error_description="{reason}"'
        },
    )


def authenticate(request: web.Request, verifier: TokenVerifier) -> Principal:
    """The request's principal, or a 401 problem with the right WWW-Authenticate."""
    token = bearer_token(request)
    if token is None:
        raise missing_token()
    try:
        return verifier.verify(token)
    except InvalidToken as exc:
        raise invalid_token(str(exc)) from None


def require_scope(principal: Principal, scope: str) -> None:
    if not principal.has(scope):
        raise insufficient_scope(scope)


def insufficient_scope(scope: str) -> Forbidden:
    return Forbidden(
        f"This action needs the '{scope}' scope.",
        headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'},
        requiredScope=scope,
    )


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
