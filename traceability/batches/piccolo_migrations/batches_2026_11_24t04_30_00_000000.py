"""Record every existing batch as a lot of its product (and every recalled one as withdrawn).

From now on `open_batch` and `recall_batch` keep `catalogue_product_lot` in step themselves;
this copies what was written before that, so that checkout knows every recalled lot.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "batches as product lots, recalled ones withdrawn"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="batches", description=DESCRIPTION)

    async def copy_lots() -> None:
        await DB.run_ddl(
            "INSERT INTO catalogue_product_lot (product, lot, withdrawn_at, withdraw_reason) "
            "SELECT b.product, b.code, "
            "CASE WHEN b.status = 'recalled' THEN b.recalled_at ELSE NULL END, "
            "CASE WHEN b.status = 'recalled' THEN b.recall_reason ELSE '' END "
            "FROM traceability_batch b "
            "WHERE NOT EXISTS (SELECT 1 FROM catalogue_product_lot l WHERE l.lot = b.code)"
        )

    async def nothing() -> None:
        return None

    manager.add_raw(copy_lots)
    manager.add_raw_backwards(nothing)
    return manager
