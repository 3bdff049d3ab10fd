"""FTS5 laid out for answering fast: documents in ranking order, facet combinations, prefix counts.

SQLite only (nothing changes on PostgreSQL). The native tables are derived data: they are
emptied here and rebuilt from `search_document` at the next search or product change.

- `search_fts` gains a `first` column (the first word of the name), and its rowid becomes the
  document's place in the default order: OCOP stars, then the last change, then the product,
  with the id of its facet combination in the low bits (`native.fts5_doc`). A search reads the
  best documents of a ranking bucket by `ORDER BY rowid DESC LIMIT n` and stops there, and
  counts facets by `rowid & mask` without reading another table;
- `search_entry.doc` is that rowid, for the product it stands for;
- `search_combo`: each combination of province, OCOP group, stars and certifications met,
  never deleted, so its id means the same thing to every reader;
- `search_prefix_facet`: for every 1–2 letter prefix (and for the empty query), how many
  documents it finds in all and per facet value, kept with every change, so that what a buyer
  types first is counted without visiting every match.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine

from marketplace.db import DB

ID = "2026-11-24T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "FTS5 in ranking order, with facet combinations and prefix counts"

_FORWARDS = [
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(name, labels, body, exact, first, "
    "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
    "DELETE FROM search_entry",
    "DELETE FROM search_term",
    "DELETE FROM search_term_variant",
    "DELETE FROM search_native_state",
    "ALTER TABLE search_entry ADD COLUMN doc INTEGER",
    "CREATE UNIQUE INDEX search_entry_doc ON search_entry (doc)",
    "CREATE TABLE search_combo (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
    "province TEXT NOT NULL, grp INTEGER, stars INTEGER, certs TEXT NOT NULL)",
    "CREATE TABLE search_prefix_facet (prefix TEXT NOT NULL, facet TEXT NOT NULL, "
    "value TEXT NOT NULL, docs INTEGER NOT NULL, PRIMARY KEY (prefix, facet, value)) "
    "WITHOUT ROWID",
]
_BACKWARDS = [
    "DROP TABLE IF EXISTS search_prefix_facet",
    "DROP TABLE IF EXISTS search_combo",
    "DROP INDEX IF EXISTS search_entry_doc",
    "DELETE FROM search_entry",
    "DELETE FROM search_native_state",
    "ALTER TABLE search_entry DROP COLUMN doc",
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(name, labels, body, exact, "
    "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="search", description=DESCRIPTION)

    async def apply(statements: list[str]) -> None:
        if isinstance(DB, SQLiteEngine):
            for statement in statements:
                await DB.run_ddl(statement)

    async def forward() -> None:
        await apply(_FORWARDS)

    async def backward() -> None:
        await apply(_BACKWARDS)

    manager.add_raw(forward)
    manager.add_raw_backwards(backward)
    return manager
