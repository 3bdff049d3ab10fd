"""Piccolo's configuration for the whole product: one engine, every app's migrations.

Selected with PICCOLO_CONF=storefront.piccolo_conf (the CLI and the tests set it).
"""

from piccolo.conf.apps import AppRegistry

from marketplace.db import DB

APPS = [
    "marketplace.accounts.piccolo_app",
    "marketplace.catalogue.piccolo_app",
    "marketplace.search.piccolo_app",
    "marketplace.orders.piccolo_app",
    "traceability.batches.piccolo_app",
    "traceability.heritage.piccolo_app",
]

APP_REGISTRY = AppRegistry(apps=APPS)

__all__ = ["APP_REGISTRY", "DB"]
