"""Regional words in descriptions: the native full-text tables are rebuilt.

The marked regional words (lợn, chè, trà, ngô, …) are now also indexed with their marks where
they appear in descriptions, so that `heo` finds "thịt lợn" (and not "lớn"). The FTS5 and
tsvector tables are derived data: forgetting the generation they were built for makes the next
search or product change rebuild them from `search_document`, as `langso search reindex` would.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rebuild the native search tables: regional words in descriptions"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="search", description=DESCRIPTION)

    async def forget() -> None:
        await DB.run_ddl("DELETE FROM search_native_state")

    manager.add_raw(forget)
    return manager
