"""Running Piccolo's committed migrations from code (the CLI, the tests, the container)."""

from __future__ import annotations

import os

from piccolo.apps.migrations.commands.forwards import run_forwards


async def migrate() -> None:
    """Apply every pending migration of every app, in dependency order."""
    os.environ.setdefault("PICCOLO_CONF", "storefront.piccolo_conf")
    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")
