"""Unique keys the batch services rely on, written as raw SQL both engines speak.

One sequence number per batch (a second writer racing for the same number fails instead of
forking the journal), one link per pair of batches, and the conflict targets of the scan
counters' batched upserts (`INSERT … ON CONFLICT … DO UPDATE / DO NOTHING`).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T02:18:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique journal sequence, batch link and scan counter keys"

_INDEXES = {
    "traceability_event_batch_sequence": "traceability_event (batch, sequence)",
    "traceability_batch_link_pair": "traceability_batch_link (from_batch, to_batch)",
    "traceability_scan_bucket_batch_hour": "traceability_scan_bucket (batch, hour)",
    "traceability_scan_network_batch_hour_network": (
        "traceability_scan_network (batch, hour, network)"
    ),
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="batches", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in _INDEXES.items():
            await DB.run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in _INDEXES:
            await DB.run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
