"""One product per GTIN: a unique index on `catalogue_product.gtin`.

A GTIN names one trade item; before this, a seller could give their product another
producer's GTIN and print Digital Links that resolved as that producer's goods. Existing
duplicates are settled first: the product that took the GTIN first (lowest id) keeps it, later
ones lose it (NULL) and are logged so that their sellers can be told. NULL stays allowed many
times (a product without a GTIN) on both engines.
"""

import logging

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one product per GTIN"

_INDEX = "catalogue_product_gtin_unique"
_LATER_DUPLICATES = (
    "FROM catalogue_product WHERE gtin IS NOT NULL AND EXISTS ("
    "SELECT 1 FROM catalogue_product earlier "
    "WHERE earlier.gtin = catalogue_product.gtin AND earlier.id < catalogue_product.id)"
)

log = logging.getLogger("langso.migrations")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catalogue", description=DESCRIPTION)

    async def create() -> None:
        await DB.run_ddl("UPDATE catalogue_product SET gtin = NULL WHERE gtin = ''")
        cleared = await DB.run_ddl(f"SELECT id, gtin {_LATER_DUPLICATES}")
        for row in cleared or []:
            log.warning(
                "product %s lost GTIN %s: an earlier product already carried it",
                row["id"],
                row["gtin"],
            )
        await DB.run_ddl(
            f"UPDATE catalogue_product SET gtin = NULL WHERE id IN (SELECT id {_LATER_DUPLICATES})"
        )
        await DB.run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {_INDEX} ON catalogue_product (gtin)")

    async def drop() -> None:
        await DB.run_ddl(f"DROP INDEX IF EXISTS {_INDEX}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
