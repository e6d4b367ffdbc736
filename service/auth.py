"""API-key authentication: ``Authorization: Bearer <key>``, two roles.

Keys come from the configuration (``API_KEYS`` for clients, ``ADMIN_KEYS`` for
administrative endpoints; an admin key also works as a client key). Comparison is in
constant time over every configured key. Auth is on by default: with no key configured the
service answers 401 to everything protected, unless ``AUTH_DISABLED`` is set explicitly
(the app logs a warning at start). Perspective-compatible routes also accept ``?key=``.
"""

from __future__ import annotations

import hmac
from functools import wraps

from flask import current_app, g, request

from service.errors import Forbidden, Unauthorized

__all__ = ["ADMIN", "CLIENT", "authenticate", "require"]

CLIENT, ADMIN = "client", "admin"


def _matches(candidate: str, keys: list[str]) -> bool:
    # Compare against every key, without stopping early, so timing reveals nothing.
    found = False
    for key in keys:
        found |= hmac.compare_digest(candidate.encode("utf-8"), key.encode("utf-8"))
    return found


def presented_key(*, allow_query: bool = False) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if allow_query:
        return request.args.get("key") or None
    return None


def authenticate(role: str, *, allow_query: bool = False) -> str:
    """The role the request holds, or raise 401/403. Sets ``g.auth_role``."""
    config = current_app.config
    if config["AUTH_DISABLED"]:
        g.auth_role = ADMIN
        return ADMIN
    key = presented_key(allow_query=allow_query)
    if key is None:
        raise Unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    if _matches(key, config["ADMIN_KEYS"]):
        g.auth_role = ADMIN
    elif _matches(key, config["API_KEYS"]):
        g.auth_role = CLIENT
    else:
        raise Unauthorized("invalid API key")
    if role == ADMIN and g.auth_role != ADMIN:
        raise Forbidden("this endpoint needs an admin key")
    return g.auth_role


def require(role: str = CLIENT, *, allow_query: bool = False):
    """Decorator: the view runs only for a request holding ``role``."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            authenticate(role, allow_query=allow_query)
            return view(*args, **kwargs)

        return wrapped

    return decorate
