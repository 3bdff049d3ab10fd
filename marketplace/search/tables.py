"""Search's own tables. Only `marketplace.search` writes them.

- `search_document`: the durable index of the embedded backends, one row per product ever
  indexed (a removed product keeps a row with `active` false, so that every process learns
  of the removal). `version` orders every change.
- `search_state`: one row holding the last version given out and the index generation (a new
  generation, after a reindex or when the tables were emptied, makes every process recompile).
- `search_outbox`: products changed since Meilisearch last received them, one row per product.
"""

from piccolo.columns import BigInt, Boolean, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.db import DB


class SearchDocumentRow(Table, db=DB, tablename="search_document"):
    id = Serial(primary_key=True)
    product_id = Integer(unique=True)
    version = BigInt(index=True)
    active = Boolean(default=True)
    document = Text(default="")  # the SearchDocument as JSON; empty when not active


class SearchState(Table, db=DB, tablename="search_state"):
    id = Serial(primary_key=True)
    version = BigInt(default=0)
    generation = Varchar(length=32, default="")


class SearchOutbox(Table, db=DB, tablename="search_outbox"):
    id = Serial(primary_key=True)
    product_id = Integer(unique=True)
    version = BigInt(index=True)
    queued_at = Timestamptz(default=TimestamptzNow())
    attempts = Integer(default=0)
    last_error = Text(default="")
