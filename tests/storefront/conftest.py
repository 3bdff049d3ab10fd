"""Fixtures shared by the storefront's page tests."""

import pytest

from marketplace import search
from tests.search_fixtures import CATALOGUE


async def load_catalogue(product_ids):
    return [d for d in CATALOGUE if product_ids is None or d.product_id in product_ids]


@pytest.fixture
async def indexed(db):
    """The search fixtures' catalogue, indexed by the database backend (no Meilisearch)."""
    search.use_meilisearch(None)
    await search.reindex(load_catalogue)
