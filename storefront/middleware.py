"""ASGI middleware: language negotiation, security headers, CSRF that bearer tokens skip."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from storefront import i18n

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "geolocation=(self), camera=(), microphone=()",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'self'; object-src 'none'"
    ),
}


HSTS = ("strict-transport-security", "max-age=31536000; includeSubDomains")

# The API reference page (Scalar, `/schema`) is the one page built from a CDN's script and
# styles: it gets a policy that allows them (and the styles Scalar writes into the page; never
# an inline script). Every other page keeps 'self'.
DOCS_PATHS = frozenset({"/schema", "/schema/", "/schema/scalar"})
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data: blob: https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.scalar.com; "
    "font-src 'self' data: https://cdn.jsdelivr.net https://fonts.scalar.com; "
    "script-src 'self' https://cdn.jsdelivr.net; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


def security_headers(hsts: bool, media_origin: str | None = None) -> dict[str, str]:
    """The headers every response carries; HSTS too when the site is served over HTTPS only.

    `media_origin` (of MEDIA_PUBLIC_BASE_URL, a CDN) is allowed for images and audio."""
    headers = dict(SECURITY_HEADERS)
    if hsts:
        headers[HSTS[0]] = HSTS[1]
    if media_origin:
        policy = headers["content-security-policy"]
        for directive in ("img-src 'self'", "media-src 'self'"):
            policy = policy.replace(directive, f"{directive} {media_origin}")
        headers["content-security-policy"] = policy
    return headers


def media_origin(public_base_url: str | None) -> str | None:
    """The origin (scheme://host[:port]) of MEDIA_PUBLIC_BASE_URL, for the pages' CSP."""
    if not public_base_url:
        return None
    parts = urlsplit(public_base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _cookie(scope: Scope, name: str) -> str | None:
    for part in _header(scope, b"cookie").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def language_of(scope: Scope) -> str:
    """The page language; negotiated here when no middleware ran (a 404 from the router)."""
    language = scope.get("state", {}).get("language")
    if language in i18n.LANGUAGES:
        return str(language)
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    asked = next(iter(query.get("lang", [])), None)
    return i18n.negotiate(asked, _cookie(scope, i18n.COOKIE), _header(scope, b"accept-language"))


class LanguageMiddleware:
    """Chooses the page language; `?lang=` is remembered in a cookie for a year."""

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = next(iter(query.get("lang", [])), None)
        language = i18n.negotiate(
            asked, _cookie(scope, i18n.COOKIE), _header(scope, b"accept-language")
        )
        scope.setdefault("state", {})["language"] = language
        remember = asked in i18n.LANGUAGES and asked != _cookie(scope, i18n.COOKIE)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if remember:
                    cookie = Cookie(
                        key=i18n.COOKIE,
                        value=language,
                        max_age=365 * 24 * 3600,
                        samesite="lax",
                        secure=self.secure,
                        path="/",
                    )
                    headers.add("set-cookie", cookie.to_header(header=""))
                if "content-language" not in headers:
                    headers["content-language"] = language
                if "vary" not in headers:
                    headers["vary"] = "Accept-Language, Cookie"
            await send(message)

        await self.app(scope, receive, send_with_language)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, hsts: bool = False, media_origin: str | None = None) -> None:
        self.app = app
        self.headers = security_headers(hsts, media_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return

        docs = scope.get("path") in DOCS_PATHS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for key, value in self.headers.items():
                    if key not in headers:
                        headers[key] = (
                            DOCS_CSP if docs and key == "content-security-policy" else value
                        )
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BearerAwareCSRFMiddleware(CSRFMiddleware):
    """Litestar's double-submit CSRF check, skipped for requests that carry a bearer token.

    A bearer request is authenticated by its header alone (cookies are ignored for it), so a
    forged cross-site request cannot ride on a browser's session.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and _header(scope, b"authorization").lower().startswith(
            "bearer "
        ):
            scope.setdefault("state", {})["bearer"] = True
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def is_bearer_request(scope: Any) -> bool:
    return bool(scope.get("state", {}).get("bearer"))
