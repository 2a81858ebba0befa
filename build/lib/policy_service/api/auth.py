"""Bearer API keys and roles (api.md's table), checked before any view runs."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import g, request

from policy_service.api.context import services
from policy_service.services.access.credentials import Principal, authenticate_key, hash_key
from policy_service.services.errors import Forbidden, Unauthorized
from policy_service.services.unit_of_work import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")

WRITE = ("order_system",)
READ_CREDIT = ("order_system", "sales", "risk_manager", "auditor")
READ_POLICY = ("risk_manager", "auditor")
READ_CANDIDATES = ("sales", "risk_manager", "auditor")  # sales: own customers only
DECIDE = ("risk_manager",)
ACT_COLLECTIONS = ("order_system", "sales", "risk_manager")  # open a dispute, log a contact
READ_COLLECTIONS = ("sales", "risk_manager", "auditor")  # sales: own customers only

# A short in-process cache keeps the hot path to one hash lookup; a revoked key
# stops working within this many seconds.
KEY_CACHE_SECONDS = 10.0
_cache: dict[str, tuple[float, Principal]] = {}
_cache_lock = threading.Lock()


def current_principal() -> Principal:
    """The caller of this request."""
    return g.principal


def requires(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Allow the view only to keys of these roles: 401 without a valid key, 403 otherwise."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = _principal_from_header()
            if principal.role not in roles:
                raise Forbidden(f"role {principal.role!r} may not do this; needs one of "
                                f"{', '.join(roles)}")
            g.principal = principal
            return view(*args, **kwargs)

        vars(wrapper)["_roles"] = roles  # who may call it, for the role-matrix test
        return wrapper

    return decorate


def _principal_from_header() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    key = key.strip()
    digest = hash_key(key)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(digest)
    if hit and now - hit[0] < KEY_CACHE_SECONDS:
        return hit[1]
    principal = authenticate_key(UnitOfWork(services().database), key)
    if principal is None:
        raise Unauthorized("unknown or revoked API key")
    with _cache_lock:
        _cache[digest] = (now, principal)
    return principal


def clear_key_cache() -> None:
    """Forget cached keys (tests, key revocation)."""
    with _cache_lock:
        _cache.clear()
