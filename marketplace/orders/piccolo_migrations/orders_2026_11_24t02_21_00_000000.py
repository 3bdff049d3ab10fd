"""Composite unique keys and the append-only payment event log.

(cart, product) keeps one line per product in a cart; (connection, provider_transaction_id)
makes webhooks idempotent: the same transfer reported ten times is stored once, even when the
ten requests race (`INSERT … ON CONFLICT DO NOTHING` on both engines). A trigger refuses any
UPDATE of a payment event, so the log can only grow.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine

from marketplace.db import DB

ID = "2026-11-24T02:21:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique keys and append-only payment events"

# Column names are quoted: "user" is a reserved word in PostgreSQL.
_INDEXES = {
    "orders_cart_line_cart_product": 'orders_cart_line ("cart", "product")',
    "orders_received_transfer_connection_txn": (
        'orders_received_transfer ("connection", "provider_transaction_id")'
    ),
    "orders_seller_last_seen_user_producer": 'orders_seller_last_seen ("user", "producer")',
}

_SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS orders_payment_event_append_only "
    "BEFORE UPDATE ON orders_payment_event "
    "BEGIN SELECT RAISE(ABORT, 'payment events are append-only'); END"
)
_POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION orders_payment_event_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'payment events are append-only'; END $$"
)
_POSTGRES_TRIGGER = (
    "CREATE TRIGGER orders_payment_event_append_only BEFORE UPDATE ON orders_payment_event "
    "FOR EACH ROW EXECUTE FUNCTION orders_payment_event_append_only()"
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def create() -> None:
        for name, target in _INDEXES.items():
            await DB.run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")
        if isinstance(DB, SQLiteEngine):
            await DB.run_ddl(_SQLITE_TRIGGER)
        else:
            await DB.run_ddl(_POSTGRES_FUNCTION)
            await DB.run_ddl(
                "DROP TRIGGER IF EXISTS orders_payment_event_append_only ON orders_payment_event"
            )
            await DB.run_ddl(_POSTGRES_TRIGGER)

    async def drop() -> None:
        for name in _INDEXES:
            await DB.run_ddl(f"DROP INDEX IF EXISTS {name}")
        if isinstance(DB, SQLiteEngine):
            await DB.run_ddl("DROP TRIGGER IF EXISTS orders_payment_event_append_only")
        else:
            await DB.run_ddl(
                "DROP TRIGGER IF EXISTS orders_payment_event_append_only ON orders_payment_event"
            )
            await DB.run_ddl("DROP FUNCTION IF EXISTS orders_payment_event_append_only()")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager

