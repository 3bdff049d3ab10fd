"""The in-memory index of a large catalogue compiles in the background (server start, after a
reindex): meanwhile buyers get answers from the database's own full text, not a wait."""

import asyncio

import pytest

from marketplace import search
from marketplace.search import SearchQuery, service
from tests.search_fixtures import CATALOGUE


async def load_catalogue(product_ids):
    return list(CATALOGUE)


@pytest.fixture
async def memory(db):
    search.use_backend("memory")
    await search.reindex(load_catalogue)  # forgets the compiled index
    yield
    search.use_backend(None)


async def test_a_large_catalogue_is_answered_by_full_text_while_its_index_compiles(
    memory, monkeypatch
):
    native_name = search.available_backends()[1]
    monkeypatch.setattr(service.embedded, "inline_up_to", len(CATALOGUE) - 1)
    while_compiling = await search.search(SearchQuery(text="buoi ngoc lu"))
    assert while_compiling.backend == native_name
    assert while_compiling.hits[0].name == "Bưởi Ngọc Lũ"
    await service.embedded.compile_in_background()
    compiled = await search.search(SearchQuery(text="buoi ngoc lu"))
    assert compiled.backend == "memory"
    assert [h.name for h in compiled.hits] == [h.name for h in while_compiling.hits]
    assert compiled.total == while_compiling.total


async def test_a_small_catalogue_is_compiled_by_the_first_search(memory):
    result = await search.search(SearchQuery(text="buoi ngoc lu"))
    assert result.backend == "memory"
    assert result.hits[0].name == "Bưởi Ngọc Lũ"


async def test_warm_up_compiles_and_searches_during_it_do_not_wait(memory, monkeypatch):
    monkeypatch.setattr(service.embedded, "inline_up_to", 0)
    warming = asyncio.ensure_future(search.warm_up())
    await asyncio.sleep(0)  # the compile has started
    during = await search.search(SearchQuery(text="mat ong"))
    await warming
    after = await search.search(SearchQuery(text="mat ong"))
    assert during.backend == search.available_backends()[1]
    assert after.backend == "memory"
    assert [h.name for h in during.hits][:1] == [h.name for h in after.hits][:1] != []
