"""Who is asking: a bearer token (API tools) or the session cookie (browsers)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from marketplace.accounts.service import Account, account_by_id, account_for_token
from marketplace.errors import PermissionDenied, Unauthenticated
from storefront.middleware import is_bearer_request
from storefront.sessions import session_of

_CACHE_KEY = "langso_account"
_MISSING = object()


async def current_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account | None:
    """The signed-in account or None; looked up once per request."""
    state = connection.scope.setdefault("state", {})
    cached = state.get(_CACHE_KEY, _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[no-any-return]
    account = await _resolve(connection)
    state[_CACHE_KEY] = account
    return account


async def _resolve(connection: ASGIConnection[Any, Any, Any, Any]) -> Account | None:
    if is_bearer_request(connection.scope):
        secret = connection.headers.get("authorization", "")[7:].strip()
        account = await account_for_token(secret)
        if account is None:
            raise Unauthenticated(
                "token_invalid",
                "Mã truy cập không hợp lệ hoặc đã bị thu hồi.",
                "The API token is invalid or has been revoked.",
            )
        return account
    session = session_of(connection.scope)
    user_id = session.get("uid")
    if not isinstance(user_id, int):
        return None
    account = await account_by_id(user_id)
    if account is None or account.session_epoch != session.get("epoch"):
        session.clear()
        return None
    return account


async def require_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account:
    account = await current_account(connection)
    if account is None:
        raise Unauthenticated(
            "login_required",
            "Vui lòng đăng nhập để tiếp tục.",
            "Please log in to continue.",
        )
    return account


async def require_session_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account:
    """The account signed in with the session cookie: a bearer token may not do this (so a
    leaked token cannot mint more tokens that outlive its own revocation)."""
    if is_bearer_request(connection.scope):
        await require_account(connection)  # an invalid token is still 401 token_invalid
        raise PermissionDenied(
            "session_required",
            "Việc này cần đăng nhập bằng trình duyệt, không dùng được mã truy cập API.",
            "This needs a browser sign-in; an API token may not do it.",
        )
    return await require_account(connection)


async def require_officer(connection: ASGIConnection[Any, Any, Any, Any]) -> Account:
    account = await require_account(connection)
    if not account.is_officer:
        raise PermissionDenied(
            "officer_only",
            "Trang này chỉ dành cho cán bộ quản lý.",
            "This page is for officers only.",
        )
    return account


def start_session(connection: ASGIConnection[Any, Any, Any, Any], account: Account) -> None:
    """Sign the account in under a fresh session id (the old id is thrown away)."""
    session = session_of(connection.scope)
    cart = session.get("cart")
    session.clear()
    session.rotate()
    session["uid"] = account.id
    session["epoch"] = account.session_epoch
    if cart is not None:
        session["cart"] = cart
    connection.scope["state"][_CACHE_KEY] = account


def end_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    session = session_of(connection.scope)
    session.clear()
    session.rotate()
    connection.scope["state"][_CACHE_KEY] = None
