"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router

from marketplace import db
from marketplace.config import Settings, get_settings
from marketplace.orders.lifecycle import expire_unpaid
from marketplace.orders.notifications import deliver_notifications
from marketplace.shared import using
from storefront import logs
from storefront.api.money import TYPE_DECODERS, DongSchemaPlugin
from storefront.api.problems import ProblemResponsesPlugin
from storefront.background import periodically
from storefront.errors import EXCEPTION_HANDLERS, BodyDecodingRequest
from storefront.health import get_health, get_liveness
from storefront.middleware import (
    BearerAwareCSRFMiddleware,
    LanguageMiddleware,
    SecurityHeadersMiddleware,
    media_origin,
)
from storefront.routes import route_handlers
from storefront.search_worker import search_background
from storefront.sessions import SessionMiddleware
from storefront.shared_state import SharedState, SharedStateMiddleware, make_shared_state
from storefront.templating import template_config
from traceability.batches.lifecycle import batch_background_work
from traceability.heritage.scans import scan_lifespan as heritage_scan_lifespan

STATIC_DIR = Path(__file__).parent / "static"
# Paths authenticated by a secret in the URL or a provider signature, never by cookies.
CSRF_EXEMPT_PATHS = [
    "^/api/v1/payments/webhooks/",
    "^/api/v1/carts",
    "^/api/v1/payment-intents",
    # files served with a year-long immutable cache, through CDNs: no per-visitor cookie
    "^/media/",
    "^/static/",
]
EXPIRY_INTERVAL_SECONDS = 60.0


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the storefront for `settings` (the process settings by default)."""
    settings = settings or get_settings()
    logs.configure(settings.log_level)
    shared = make_shared_state(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        opened_pool = await db.start(settings)
        try:
            # Scan counts are buffered and written every few seconds, and once more here.
            # Unpaid orders past their window give their stock back even if nobody looks.
            # Background work counts and invalidates through this app's shared state.
            with using(shared.shared):
                async with (
                    batch_background_work(),
                    heritage_scan_lifespan(),
                    search_background(settings),
                    periodically("expire-unpaid", EXPIRY_INTERVAL_SECONDS, expire_unpaid),
                    periodically("order-notifications", 10.0, deliver_notifications),
                ):
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
        exclude=CSRF_EXEMPT_PATHS,
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
            # First: a write request drops cached pages in every worker before it answers.
            DefineMiddleware(SharedStateMiddleware, shared=shared),
            DefineMiddleware(
                SecurityHeadersMiddleware,
                hsts=settings.secure_cookies,
                media_origin=media_origin(settings.media_public_base_url),
            ),
            DefineMiddleware(LanguageMiddleware, secure=settings.secure_cookies),
            DefineMiddleware(SessionMiddleware, shared=shared, secure=settings.secure_cookies),
            DefineMiddleware(BearerAwareCSRFMiddleware, config=csrf),
        ],
        template_config=template_config(),
        type_decoders=TYPE_DECODERS,
        plugins=[DongSchemaPlugin(), ProblemResponsesPlugin()],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="Langso API",
            version="1",
            description="Làng số: OCOP products, VietQR payments, provenance, heritage sites.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        lifespan=[lifespan],
        # a diary entry may carry 4 photos of up to 10 MB each (marketplace.images); a photo
        # over its own limit is then named on its form instead of ending on an error page
        request_max_body_size=48 * 1024 * 1024,
        request_class=BodyDecodingRequest,  # JSON bodies nested too deeply are a 400
        debug=settings.debug,
    )
    app.state.shared = shared
    app.state.settings = settings
    return app


def shared_state_of(app: Litestar) -> SharedState:
    shared = app.state.shared
    assert isinstance(shared, SharedState)
    return shared
