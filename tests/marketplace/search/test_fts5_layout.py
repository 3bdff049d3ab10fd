"""What the FTS5 layout (rowids in ranking order, counted prefixes, bucket sort) must not change
for buyers, checked on both engines through the public search: counts that come from the
prefix table equal counts taken from the matches, paging a large result never repeats or loses
a product, and products alike in every ranked respect are all found. On SQLite the bucket
sort is also compared with the one-statement ranking on the same queries."""

from dataclasses import replace

import pytest

from benchmarks.search_catalogue import catalogue
from marketplace import search
from marketplace.db import is_sqlite, write_transaction
from marketplace.search import SearchQuery, native
from marketplace.search.tokens import words
from tests.search_fixtures import BY_NAME, CATALOGUE

# large enough that common words have more matches than one statement ranks (native._FEW)
SYNTHETIC = catalogue(4000)


async def _indexed_natively(documents):
    search.use_backend(search.available_backends()[1])

    async def load(product_ids):
        return documents

    await search.reindex(load)


@pytest.fixture
async def synthetic(db):
    await _indexed_natively(SYNTHETIC)
    yield
    search.use_backend(None)


@pytest.fixture
async def fixtures(db):
    await _indexed_natively(list(CATALOGUE))
    yield
    search.use_backend(None)


def _counts(result):
    return result.total, {
        name: [(f.value, f.count) for f in found] for name, found in result.facets.items()
    }


async def _counted_and_live(text):
    counted = await search.search(SearchQuery(text=text))
    # a price filter every product passes: the counts are taken from the matches themselves
    live = await search.search(SearchQuery(text=text, price_min=0))
    return _counts(counted), _counts(live)


@pytest.mark.parametrize("text", ["", "b", "ca", "nư", "th", "mậ", "g"])
async def test_what_a_buyer_types_first_is_counted_as_the_matches_are(synthetic, text):
    counted, live = await _counted_and_live(text)
    assert counted == live
    assert counted[0] > 0


async def test_prefix_counts_follow_renamed_and_removed_products(fixtures):
    before, _ = await _counted_and_live("bu")
    renamed = replace(BY_NAME["Bưởi Ngọc Lũ"], name="Cam Ngọc Lũ")
    async with write_transaction():
        await search.product_changed(renamed, renamed.product_id)
        await search.product_changed(None, BY_NAME["Nho Đồng Du"].product_id)
    for text in ["bu", "ca", "n", "nh", ""]:
        counted, live = await _counted_and_live(text)
        assert counted == live, text
    after, _ = await _counted_and_live("bu")
    assert after[0] == before[0] - 1
    assert "Cam Ngọc Lũ" in [h.name for h in (await search.search(SearchQuery(text="ca"))).hits]


@pytest.mark.parametrize("text", ["ca", "banh", "nuoc mam", "nhan", "dac san thanh hoa", "mật o"])
async def test_paging_a_large_result_neither_repeats_nor_loses_products(synthetic, text):
    whole = await search.search(SearchQuery(text=text, page_size=100))
    assert whole.total > 20  # several pages to compare
    pages = []
    for page in range(1, 6):
        result = await search.search(SearchQuery(text=text, page=page, page_size=20))
        assert result.total == whole.total
        pages += [h.product_id for h in result.hits]
    assert pages == [h.product_id for h in whole.hits]
    assert len(set(pages)) == len(pages) == min(100, whole.total)
    if is_sqlite():
        await _bucket_sort_agrees_with_one_statement(text)


async def _bucket_sort_agrees_with_one_statement(text):
    typed = words(text)
    groups, _ = await native._plan(typed, completing=True)
    match = native.ex.all_of([g.expression() for g in groups])
    assert match is not None
    rules = [native.ex.fts5(r) for r in native._rules(groups)]
    starts = native._starts_expression(groups)
    if starts is not None:
        rules.append(native.ex.fts5(starts))
    for need in (1, 7, 20, 150):
        bucketed = await native._bucket_sort(
            native.ex.fts5(match), rules, need, "", native._Where()
        )
        stated = await native._rule_sort(native.ex.fts5(match), rules, need, "", native._Where())
        assert bucketed == stated, (text, need)


async def test_products_alike_in_every_ranked_respect_are_all_found(fixtures):
    # same stars, same last change (to the second), same facets, ids 2048 apart: the rowid
    # they would share is taken by the first, the second gets the next one down
    model = BY_NAME["Bưởi Ngọc Lũ"]
    twins = [
        replace(model, product_id=5000 + 2048 * i, slug=f"twin-{i}", name=f"Bưởi sinh đôi {i}")
        for i in range(3)
    ]
    async with write_transaction():
        for twin in twins:
            await search.product_changed(twin, twin.product_id)
    result = await search.search(SearchQuery(text="buoi sinh doi"))
    assert sorted(h.product_id for h in result.hits) == [t.product_id for t in twins]
    assert result.total == 3
