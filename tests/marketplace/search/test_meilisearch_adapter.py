"""The Meilisearch backend against HTTP fixtures transcribed from Meilisearch's API reference.

The SDK talks through httpx2, so its requests are routed to a respx router by a mock
transport (see meilisearch_api/README.md). Outages are simulated the two ways they happen:
the connection is refused, or Meilisearch answers 5xx.
"""

import copy
import json
from dataclasses import replace

import pytest

from marketplace import search
from marketplace.db import write_transaction
from marketplace.search import SearchQuery
from marketplace.search.meili import SETTINGS
from tests.meili_http import INDEX, failing, fixture, meili_router, refusing, working
from tests.search_fixtures import BY_NAME, CATALOGUE


@pytest.fixture
def meili(db):
    return meili_router()


LIVE = {}  # the catalogue as the loader sees it: what `change` last made visible


@pytest.fixture(autouse=True)
def live_catalogue():
    LIVE.clear()
    LIVE.update({d.product_id: d for d in CATALOGUE})


async def load_catalogue(product_ids):
    return [d for i, d in sorted(LIVE.items()) if product_ids is None or i in product_ids]


async def change(*documents, removed=()):
    async with write_transaction():
        for document in documents:
            LIVE[document.product_id] = document
            await search.product_changed(document, document.product_id)
        for product_id in removed:
            LIVE.pop(product_id, None)
            await search.product_changed(None, product_id)


def sent_json(router, method, path):
    calls = [c for c in router.calls if c.request.method == method and c.request.url.path == path]
    return [json.loads(c.request.content) for c in calls]


async def test_index_settings_are_applied_by_code(meili):
    working(meili)
    await change(BY_NAME["Bưởi Ngọc Lũ"])
    await search.sync_outbox(load_catalogue, backoff_seconds=0)
    [settings] = sent_json(meili, "PATCH", f"/indexes/{INDEX}/settings")
    assert settings["searchableAttributes"][0] == "name"
    assert set(settings["filterableAttributes"]) >= {"province_code", "ocop_stars", "price_vnd"}
    assert settings["rankingRules"][:2] == ["words", "sort"]
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 4, "twoTypos": 9}
    assert settings == json.loads(SETTINGS.model_dump_json(by_alias=True, exclude_none=True))


async def test_sync_sends_changed_products_and_deletes_removed_ones(meili):
    working(meili)
    await change(BY_NAME["Bưởi Ngọc Lũ"], BY_NAME["Nem chua Thanh Hóa"], removed=[3])
    report = await search.sync_outbox(load_catalogue, backoff_seconds=0)
    assert (report.sent, report.removed, report.remaining, report.error) == (2, 1, 0, None)
    [documents] = sent_json(meili, "POST", f"/indexes/{INDEX}/documents")
    assert {d["product_id"] for d in documents} == {1, 11}
    nem = next(d for d in documents if d["product_id"] == 11)
    assert nem["name"] == "Nem chua Thanh Hóa" and nem["province_code"] == "38"
    assert isinstance(nem["updated_at"], int)
    assert sent_json(meili, "POST", f"/indexes/{INDEX}/documents/delete-batch") == [["3"]]
    assert (await search.health()).outbox_backlog == 0


@pytest.mark.parametrize("outage", [refusing, failing], ids=["connection_refused", "http_500"])
async def test_an_outage_loses_nothing_and_a_later_sync_drains_the_outbox(meili, outage):
    await change(BY_NAME["Mật ong rừng Cúc Phương"], BY_NAME["Gạo hữu cơ Kim Sơn"])
    outage(meili)
    report = await search.sync_outbox(load_catalogue, attempts=3, backoff_seconds=0)
    assert report.error is not None and report.sent == 0
    assert report.remaining == 2
    health = await search.health()
    assert (health.status, health.backend, health.outbox_backlog) == ("degraded", "meilisearch", 2)

    meili.routes.clear()
    working(meili)
    report = await search.sync_outbox(load_catalogue, backoff_seconds=0)
    assert (report.sent, report.remaining, report.error) == (2, 0, None)
    [documents] = sent_json(meili, "POST", f"/indexes/{INDEX}/documents")
    assert {d["name"] for d in documents} == {"Mật ong rừng Cúc Phương", "Gạo hữu cơ Kim Sơn"}
    assert (await search.health()).status == "ok"


async def test_a_failed_task_keeps_the_change_in_the_outbox(meili):
    working(meili)
    meili.routes.clear()
    meili.patch(f"/indexes/{INDEX}/settings").respond(
        202, json=fixture("task_enqueued_settings.json")
    )
    meili.post(f"/indexes/{INDEX}/documents").respond(
        202, json=fixture("task_enqueued_documents.json")
    )
    meili.get("/tasks/147").respond(200, json={**fixture("task_succeeded.json"), "uid": 147})
    meili.get("/tasks/148").respond(200, json=fixture("task_failed.json"))
    await change(BY_NAME["Chè xanh Như Xuân"])
    report = await search.sync_outbox(load_catalogue, attempts=2, backoff_seconds=0)
    assert report.error is not None and report.sent == 0
    assert report.remaining == 1


async def test_a_product_changed_during_the_sync_stays_queued(meili):
    working(meili)
    await change(BY_NAME["Tỏi Lý Sơn"])

    async def load_while_the_seller_edits(product_ids):
        documents = await load_catalogue(product_ids)
        await change(replace(BY_NAME["Tỏi Lý Sơn"], price_vnd=160_000))
        return documents

    report = await search.sync_outbox(load_while_the_seller_edits, backoff_seconds=0)
    assert report.sent == 1 and report.remaining == 1


async def test_search_maps_hits_facets_and_escapes_highlights(meili):
    meili.post("/multi-search").respond(200, json=fixture("multi_search.json"))
    result = await search.search(
        SearchQuery(text="buoi ngoc lu", sort="price_asc", price_max=90_000)
    )
    [body] = sent_json(meili, "POST", "/multi-search")
    main = body["queries"][0]
    assert main["q"] == "buoi ngoc lu" and main["indexUid"] == INDEX
    assert main["sort"] == ["price_vnd:asc"]
    assert main["filter"] == ["price_vnd <= 90000"]
    assert main["matchingStrategy"] == "all"
    assert (main["page"], main["hitsPerPage"]) == (1, 20)
    assert result.backend == "meilisearch" and result.total == 2
    first = result.hits[0]
    assert first.name_html == "<mark>Bưởi</mark> <mark>Ngọc</mark> <mark>Lũ</mark> &lt;đặc biệt&gt;"
    assert first.snippet_html.startswith("<mark>Bưởi</mark> trồng")
    assert {f.value: f.count for f in result.facets["province"]} == {"37": 1, "01": 1}


async def test_facets_of_a_filtered_facet_come_from_a_query_without_that_filter(meili):
    answer = fixture("multi_search.json")
    facet_only = copy.deepcopy(answer["results"][0])
    facet_only.update(
        hits=[], hitsPerPage=0, facetDistribution={"province_code": {"37": 1, "01": 1, "38": 4}}
    )
    answer["results"].append(facet_only)
    meili.post("/multi-search").respond(200, json=answer)
    result = await search.search(SearchQuery(text="buoi", province_codes=("37",)))
    [body] = sent_json(meili, "POST", "/multi-search")
    main, provinces = body["queries"]
    assert main["filter"] == [['province_code = "37"']]
    assert provinces.get("filter") is None and provinces["hitsPerPage"] == 0
    assert provinces["facets"] == ["province_code"]
    assert {f.value: f.count for f in result.facets["province"]} == {"38": 4, "37": 1, "01": 1}


async def test_unsafe_filter_values_never_reach_meilisearch(meili):
    meili.post("/multi-search").respond(200, json=fixture("multi_search.json"))
    await search.search(SearchQuery(text="buoi", province_codes=('37" OR ocop_stars > 0',)))
    [body] = sent_json(meili, "POST", "/multi-search")
    assert "OR" not in json.dumps(body["queries"][0].get("filter"))


@pytest.mark.parametrize("outage", [refusing, failing], ids=["connection_refused", "http_500"])
async def test_searches_fall_back_to_the_database_when_meilisearch_is_down(meili, outage):
    await change(BY_NAME["Nem chua Thanh Hóa"])
    outage(meili)
    result = await search.search(SearchQuery(text="nem chua"))
    assert result.degraded is True
    assert result.backend == search.database_backend().name
    assert [h.name for h in result.hits] == ["Nem chua Thanh Hóa"]


async def test_reindex_builds_a_fresh_index_and_swaps_it_in(meili):
    working(meili)
    next_index = f"{INDEX}_next"
    meili.patch(f"/indexes/{next_index}/settings").respond(
        202, json=fixture("task_enqueued_settings.json")
    )
    meili.delete(f"/indexes/{next_index}/documents").respond(
        202, json=fixture("task_enqueued_deletion.json")
    )
    meili.post(f"/indexes/{next_index}/documents").respond(
        202, json=fixture("task_enqueued_documents.json")
    )
    meili.post("/swap-indexes").respond(
        202, json={**fixture("task_enqueued_settings.json"), "type": "indexSwap"}
    )
    meili.delete(f"/indexes/{next_index}").respond(
        202, json={**fixture("task_enqueued_settings.json"), "type": "indexDeletion"}
    )
    await change(BY_NAME["Bưởi Diễn"])
    report = await search.reindex(load_catalogue)
    assert report.documents == len(CATALOGUE) and report.backend == "meilisearch"
    [documents] = sent_json(meili, "POST", f"/indexes/{next_index}/documents")
    assert len(documents) == len(CATALOGUE)
    [[swap]] = sent_json(meili, "POST", "/swap-indexes")
    assert swap["indexes"] == [INDEX, next_index]
    assert (await search.health()).outbox_backlog == 0


async def test_after_a_failure_searches_skip_meilisearch_for_a_while(meili):
    await change(BY_NAME["Nem chua Thanh Hóa"])
    refusing(meili)
    await search.search(SearchQuery(text="nem"))
    calls = len(meili.calls)
    again = await search.search(SearchQuery(text="nem chua"))
    assert again.degraded and len(meili.calls) == calls


async def test_generic_words_are_sent_last_for_meilisearch_to_drop_first(meili):
    meili.post("/multi-search").respond(200, json=fixture("multi_search.json"))
    await search.search(SearchQuery(text="đặc sản ninh bình"))
    await search.search(SearchQuery(text="tỉnh thanh hóa "))
    generic, province = sent_json(meili, "POST", "/multi-search")
    assert generic["queries"][0]["q"] == "ninh bình đặc sản"
    assert generic["queries"][0]["matchingStrategy"] == "last"
    assert province["queries"][0]["q"] == "thanh hóa "  # still no prefix: the space stays
    assert province["queries"][0]["matchingStrategy"] == "all"


async def test_symbols_alone_are_not_sent_to_meilisearch(meili):
    route = meili.post("/multi-search").respond(200, json=fixture("multi_search.json"))
    result = await search.search(SearchQuery(text="🐟"))
    assert (result.total, result.ignored_words, route.call_count) == (0, ["🐟"], 0)
