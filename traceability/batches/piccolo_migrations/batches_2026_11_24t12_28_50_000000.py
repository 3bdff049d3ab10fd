"""One event per idempotency key in a batch: a repeated diary submission racing the first one
fails instead of recording the event twice (keyless events, NULL, are not constrained)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T12:28:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique idempotency key of journal events per batch"

_INDEX = "traceability_event_batch_idempotency_key"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="batches", description=DESCRIPTION)

    async def create_index() -> None:
        await DB.run_ddl(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {_INDEX} "
            "ON traceability_event (batch, idempotency_key)"
        )

    async def drop_index() -> None:
        await DB.run_ddl(f"DROP INDEX IF EXISTS {_INDEX}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
