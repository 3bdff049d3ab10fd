"""Server-side sessions: the cookie carries only a random id; the data lives in the store.

Unlike a plain session middleware, the id is replaced whenever the session's privilege changes
(login, logout), so an id planted before login is worthless afterwards (session fixation).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from storefront.shared_state import SharedState

COOKIE = "ls_sid"
MAX_AGE = 14 * 24 * 3600
_STATE_KEY = "langso_session"


class Session(dict[str, Any]):
    """The session's data; mark `rotate()` on login/logout, `clear()` to end it."""

    def __init__(self, data: dict[str, Any], session_id: str | None) -> None:
        super().__init__(data)
        self.session_id = session_id
        self.modified = False
        self.rotate_requested = False

    def __setitem__(self, key: str, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.modified = True
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self.modified = True
        return super().pop(key, *default)

    def clear(self) -> None:
        self.modified = True
        super().clear()

    def rotate(self) -> None:
        self.modified = True
        self.rotate_requested = True


def session_of(scope: Scope) -> Session:
    session = scope["state"][_STATE_KEY]
    assert isinstance(session, Session)
    return session


class SessionMiddleware:
    def __init__(self, app: ASGIApp, shared: SharedState, secure: bool) -> None:
        self.app = app
        self.store = shared.sessions
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        session = await self._load(scope)
        scope.setdefault("state", {})[_STATE_KEY] = session

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified:
                await self._save(session, MutableScopeHeaders.from_message(message))
            await send(message)

        await self.app(scope, receive, send_with_session)

    async def _load(self, scope: Scope) -> Session:
        session_id = _cookie(scope, COOKIE)
        if session_id:
            raw = await self.store.get(session_id)
            if raw:
                return Session(json.loads(raw), session_id)
        return Session({}, None)

    async def _save(self, session: Session, headers: MutableScopeHeaders) -> None:
        old_id = session.session_id
        if old_id and (session.rotate_requested or not session):
            await self.store.delete(old_id)
        if not session:
            if old_id:
                headers.add("set-cookie", self._cookie("", max_age=0))
            return
        new_id = old_id if old_id and not session.rotate_requested else secrets.token_urlsafe(32)
        await self.store.set(new_id, json.dumps(dict(session)), expires_in=MAX_AGE)
        if new_id != old_id:
            headers.add("set-cookie", self._cookie(new_id, max_age=MAX_AGE))

    def _cookie(self, value: str, max_age: int) -> str:
        cookie = Cookie(
            key=COOKIE,
            value=value,
            max_age=max_age,
            httponly=True,
            samesite="lax",
            secure=self.secure,
            path="/",
        )
        return cookie.to_header(header="")


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
                if cookie_name == name and cookie_value:
                    return cookie_value
    return None
