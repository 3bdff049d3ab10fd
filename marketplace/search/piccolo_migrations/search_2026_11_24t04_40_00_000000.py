"""The database-native search backends' tables: FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL.

Raw SQL, run only on the engine it is written for. The tables are derived data, rebuilt by
`langso search reindex` and kept in step by `search.product_changed`:

- `search_entry`: one row per active product with its filter and facet values (and, on
  PostgreSQL, its weighted tsvector: name A, labels B, descriptions C, exact diacritic forms D);
- `search_fts` (SQLite): an FTS5 table over the folded name, labels and descriptions and the
  exact forms, with prefix indexes for 1–3 letter prefixes;
- `search_term`: the folded vocabulary with document counts (trigram-indexed on PostgreSQL);
- `search_term_variant`: the vocabulary's one- and two-letter deletions, for typo tolerance;
- `search_native_state`: the index generation these tables were built for.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine

from marketplace.db import DB

ID = "2026-11-24T04:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "database-native search: FTS5 on SQLite, tsvector and pg_trgm on PostgreSQL"

_COMMON = [
    "CREATE TABLE IF NOT EXISTS search_term_variant (variant TEXT NOT NULL, term TEXT NOT NULL, "
    "PRIMARY KEY (variant, term))",
    "CREATE TABLE IF NOT EXISTS search_native_state (id INTEGER PRIMARY KEY, "
    "generation TEXT NOT NULL)",
]
_ENTRY_COLUMNS = (
    "product_id INTEGER PRIMARY KEY, province TEXT NOT NULL, grp INTEGER, stars INTEGER, "
    "certs TEXT NOT NULL, price BIGINT NOT NULL, updated BIGINT NOT NULL, "
    "producer INTEGER NOT NULL, first_word TEXT NOT NULL"
)
_ENTRY_INDEXES = [
    "CREATE INDEX IF NOT EXISTS search_entry_price ON search_entry (price)",
    "CREATE INDEX IF NOT EXISTS search_entry_updated ON search_entry (updated)",
    "CREATE INDEX IF NOT EXISTS search_entry_producer ON search_entry (producer)",
]
_SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(name, labels, body, exact, "
    "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
    f"CREATE TABLE IF NOT EXISTS search_entry ({_ENTRY_COLUMNS})",
    "CREATE TABLE IF NOT EXISTS search_term (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) "
    "WITHOUT ROWID",
    *_ENTRY_INDEXES,
]
_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE TABLE IF NOT EXISTS search_entry ({_ENTRY_COLUMNS}, tsv tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_entry USING GIN (tsv)",
    "CREATE TABLE IF NOT EXISTS search_term (term TEXT PRIMARY KEY, docs INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_term_trigram ON search_term USING GIN "
    "(term gin_trgm_ops)",
    *_ENTRY_INDEXES,
]
_TABLES = ["search_fts", "search_entry", "search_term", "search_term_variant", "search_native_state"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="search", description=DESCRIPTION)

    async def create() -> None:
        sqlite = isinstance(DB, SQLiteEngine)
        for statement in [*(_SQLITE if sqlite else _POSTGRES), *_COMMON]:
            await DB.run_ddl(statement)

    async def drop() -> None:
        sqlite = isinstance(DB, SQLiteEngine)
        for table in _TABLES:
            if table != "search_fts" or sqlite:
                await DB.run_ddl(f"DROP TABLE IF EXISTS {table}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
