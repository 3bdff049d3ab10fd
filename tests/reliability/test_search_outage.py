"""Meilisearch goes down while the catalogue keeps changing, then comes back.

The database stays the source of truth: while Meilisearch is away every change waits in the
outbox (nothing lost), `/health` says `degraded` with the backlog, searches answer from the
database and say `degraded` — including changes made during the outage. Once Meilisearch is
back, a sync (the service the server's worker calls, or `langso search sync` run by the
operator) delivers the latest version of everything and the backlog returns to 0.

tests/marketplace/search covers the adapter's retries against the same fixtures, with a fake
loader; these tests run the real catalogue, checkout, HTTP app and command line around it.
"""

# The shared test helpers (tests/meili_http.py, tests/batch_support.py) are not annotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from marketplace import search
from marketplace.catalogue.products import archive_product, update_product
from marketplace.catalogue.queries import search_documents
from marketplace.catalogue.schemas import ProductInput
from tests.meili_http import INDEX, meili_router, refusing, working
from tests.reliability.fake_meili import FakeMeilisearch
from tests.reliability.server import ROOT
from tests.shop import Shop, build_shop, checkout

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def embedded_search_afterwards() -> Iterator[None]:
    yield
    search.use_meilisearch(None)


async def _change_the_catalogue(shop: Shop) -> None:
    """A new price, an archived product and a sale (stock) while Meilisearch is away."""
    gao = ProductInput(
        name="Gạo tám Hoa Lư", unit="kg", price_vnd=32_000, stock=20, status="active"
    )
    await update_product(shop.seller, shop.product_ids["gao"], gao)
    await archive_product(shop.other_seller, shop.product_ids["mat_ong"])
    await checkout({shop.product_ids["buoi"]: 3})


async def _health(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.get("/health")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


async def test_changes_during_an_outage_wait_in_the_outbox_and_all_arrive_after_it(
    client: httpx.AsyncClient,
) -> None:
    router = meili_router()
    refusing(router)
    shop = await build_shop()
    await _change_the_catalogue(shop)

    health = await _health(client)
    assert health["status"] == "degraded"
    assert health["database"]["status"] == "ok"
    assert health["search"] == {"status": "degraded", "backend": "meilisearch", "outbox_backlog": 3}
    found = (await client.get("/api/v1/search", params={"q": "gao tam hoa lu"})).json()
    assert found["degraded"] is True and found["backend"] != "meilisearch"
    first = found["items"][0]
    assert (first["name"], first["price_vnd"]) == ("Gạo tám Hoa Lư", 32_000)
    gone = (await client.get("/api/v1/search", params={"q": "mat ong ba thuoc"})).json()
    assert gone["degraded"] is True and gone["items"] == []

    failed = await search.sync_outbox(search_documents, attempts=2, backoff_seconds=0)
    assert failed.error is not None and failed.sent == 0 and failed.remaining == 3

    router.routes.clear()
    working(router)
    report = await search.sync_outbox(search_documents, backoff_seconds=0)
    assert (report.sent, report.removed, report.remaining, report.error) == (2, 1, 0, None)
    sent = {
        d["product_id"]: d
        for call in router.calls
        if call.request.url.path == f"/indexes/{INDEX}/documents"
        for d in json.loads(call.request.content)
    }
    assert sent[shop.product_ids["gao"]]["price_vnd"] == 32_000
    assert set(sent) == {shop.product_ids["buoi"], shop.product_ids["gao"]}
    health = await _health(client)
    assert health["status"] == "ok"
    assert health["search"] == {"status": "ok", "backend": "meilisearch", "outbox_backlog": 0}


async def _langso(*args: str, meilisearch_url: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        *args,
        cwd=ROOT,
        env={**os.environ, "MEILISEARCH_URL": meilisearch_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_langso_search_sync_keeps_the_outbox_while_down_and_drains_it_when_back(
    db: None,
) -> None:
    meili = FakeMeilisearch()  # not started: connections are refused
    search.use_meilisearch(None)
    shop = await build_shop()
    await _change_the_catalogue(shop)
    assert (await search.health()).outbox_backlog == 3

    code, out, err = await _langso("search", "sync", "--attempts", "1", meilisearch_url=meili.url)
    assert code == 1, out + err
    assert "still waiting 3" in out
    assert (await search.health()).outbox_backlog == 3

    meili.start()
    try:
        code, out, err = await _langso("search", "sync", meilisearch_url=meili.url)
    finally:
        meili.stop()
    assert code == 0, out + err
    assert (await search.health()).outbox_backlog == 0
    documents = meili.documents()
    assert set(documents) == {shop.product_ids["buoi"], shop.product_ids["gao"]}
    assert documents[shop.product_ids["gao"]]["price_vnd"] == 32_000
    assert documents[shop.product_ids["buoi"]]["name"] == "Bưởi Ngọc Lũ"
    assert meili.deleted() == {shop.product_ids["mat_ong"]}
