"""Bearer tokens to principals, and the role check every protected view declares."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import current_app, g, request

from api.errors import ApiError
from api.keys import Principal

ROLE_ORDER = ("recorder", "inspector", "auditor", "admin", "feedback_officer")


def _authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="jejak"'}
    if not header:
        raise ApiError("unauthenticated", "Authorization: send `Authorization: Bearer <token>`; "
                       "create a token with `jejak keys create`", field="Authorization", headers=challenge)
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise ApiError("unauthenticated", "Authorization: expected `Bearer <token>`",
                       field="Authorization", headers=challenge)
    principal = current_app.extensions["jejak"].keys.authenticate(token)
    if principal is None:
        raise ApiError("unauthenticated", "Authorization: the token is unknown or revoked",
                       field="Authorization", headers=challenge)
    return principal


def current_principal() -> tuple[str, str]:
    """(name, role) of the request's principal; authenticates on first use in a request."""
    if "principal" not in g:
        g.principal = _authenticate()
    return g.principal.name, g.principal.role


def has_role(*roles: str) -> bool:
    _, role = current_principal()
    return role == "admin" or role in roles


def require_role(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only these roles (and admin, who may do everything) reach the view."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not has_role(*roles):
                name, role = current_principal()
                raise ApiError("forbidden", f"Authorization: role {role} may not use this endpoint "
                               f"(allowed: {', '.join(sorted(set(roles) | {'admin'}))})",
                               field="Authorization")
            return view(*args, **kwargs)
        wrapper.roles = tuple(sorted(set(roles) | {"admin"}))  # type: ignore[attr-defined]
        return wrapper
    return decorate


def require_role_for(feature: str, *roles: str) -> None:
    """Refuse a feature of an allowed endpoint (e.g. `as_of`) to roles without it."""
    if not has_role(*roles):
        _, role = current_principal()
        raise ApiError("forbidden", f"{feature}: role {role} may not use {feature} "
                       f"(allowed: {', '.join(sorted(set(roles) | {'admin'}))})", field=feature)
