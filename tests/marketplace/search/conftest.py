"""Search tests choose their backend themselves: the database's, unless a test says otherwise.

`search_backend` runs a test once per database backend of the running engine: the in-memory
index and the engine's own full text (FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL).
"""

import pytest

from marketplace import search


@pytest.fixture(autouse=True)
def embedded_search():
    search.use_meilisearch(None)
    yield
    search.use_meilisearch(None)
    search.use_backend(None)


@pytest.fixture(params=["memory", "native"])
def search_backend(request, db):
    name = request.param
    if name == "native":
        name = search.available_backends()[1]
    search.use_backend(name)
    yield name
    search.use_backend(None)
