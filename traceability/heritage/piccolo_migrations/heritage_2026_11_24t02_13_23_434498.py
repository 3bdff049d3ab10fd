"""One content row per site and language, one scan counter per site, day and language.

The scan counter's unique index is also the conflict target of the batched upsert
(`INSERT … ON CONFLICT … DO UPDATE`), which SQLite and PostgreSQL both speak.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T02:13:23:434498"
VERSION = "1.38.0"
DESCRIPTION = "unique language per site and scan day"

_INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS heritage_site_content_site_language "
    "ON heritage_site_content (site, language)",
    "CREATE UNIQUE INDEX IF NOT EXISTS heritage_scan_day_site_day_language "
    "ON heritage_scan_day (site, day, language)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="heritage", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in _INDEXES:
            await DB.run_ddl(statement)

    async def drop_indexes() -> None:
        for name in ("heritage_site_content_site_language", "heritage_scan_day_site_day_language"):
            await DB.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
