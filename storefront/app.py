"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router

from marketplace import db
from marketplace.config import Settings, get_settings
from storefront import logs
from storefront.errors import EXCEPTION_HANDLERS
from storefront.health import get_health, get_liveness
from storefront.middleware import (
    BearerAwareCSRFMiddleware,
    LanguageMiddleware,
    SecurityHeadersMiddleware,
)
from storefront.routes import route_handlers
from storefront.sessions import SessionMiddleware
from storefront.shared_state import SharedState, make_shared_state
from storefront.templating import template_config

STATIC_DIR = __import__("pathlib").Path(__file__).parent / "static"
WEBHOOK_PATHS = ["^/api/v1/payments/webhooks/"]


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the storefront for `settings` (the process settings by default)."""
    settings = settings or get_settings()
    logs.configure(settings.log_level)
    shared = make_shared_state(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        opened_pool = await db.start(settings)
        try:
            yield
        finally:
            if opened_pool:
                await db.stop()
            await shared.close()

    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name="csrftoken",
        cookie_secure=settings.secure_cookies,
        cookie_httponly=False,
        header_name="x-csrftoken",
        exclude=WEBHOOK_PATHS,
    )
    app = Litestar(
        route_handlers=[
            get_health,
            get_liveness,
            create_static_files_router(
                path="/static",
                directories=[STATIC_DIR],
                name="static",
                cache_control=None,
                include_in_schema=False,
            ),
            *route_handlers(),
        ],
        middleware=[
            DefineMiddleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies),
            DefineMiddleware(LanguageMiddleware, secure=settings.secure_cookies),
            DefineMiddleware(SessionMiddleware, shared=shared, secure=settings.secure_cookies),
            DefineMiddleware(BearerAwareCSRFMiddleware, config=csrf),
        ],
        template_config=template_config(),
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="Langso API",
            version="1",
            description="Làng số: OCOP products, VietQR payments, provenance, heritage sites.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        lifespan=[lifespan],
        request_max_body_size=12 * 1024 * 1024,
        debug=settings.debug,
    )
    app.state.shared = shared
    app.state.settings = settings
    return app


def shared_state_of(app: Litestar) -> SharedState:
    shared = app.state.shared
    assert isinstance(shared, SharedState)
    return shared
