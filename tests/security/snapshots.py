"""The whole database as plain data, to show that a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from storefront.piccolo_conf import APP_REGISTRY


async def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    snapshot: dict[str, list[dict[str, Any]]] = {}
    for app in APP_REGISTRY.app_configs.values():
        for table in app.table_classes:
            rows = await table.select().order_by(table._meta.primary_key)
            snapshot[table._meta.tablename] = rows
    return snapshot
