"""Copy each batch's best-before date to its lot (`catalogue_product_lot.best_before`), so that
checkout, which may not read traceability, stops selling a lot past that date. New batches
record it when they open (`open_batch` → `lots.register_lot`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "copy batches' best-before dates to their lots"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="batches", description=DESCRIPTION)

    async def copy() -> None:
        await DB.run_ddl(
            "UPDATE catalogue_product_lot SET best_before = (SELECT b.best_before "
            "FROM traceability_batch b WHERE b.code = catalogue_product_lot.lot) "
            "WHERE best_before IS NULL"
        )

    manager.add_raw(copy)
    return manager
