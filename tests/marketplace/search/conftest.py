"""Search tests choose their backend themselves: embedded unless a test says otherwise."""

import pytest

from marketplace import search


@pytest.fixture(autouse=True)
def embedded_search():
    search.use_meilisearch(None)
    yield
    search.use_meilisearch(None)
