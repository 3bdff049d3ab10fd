"""The server's background drain of the search outbox into Meilisearch."""

import asyncio
import json

from marketplace import search
from storefront.search_worker import run_outbox_worker
from tests.meili_http import INDEX, meili_router, refusing, working
from tests.shop import build_shop


async def wait_for(condition, seconds=10.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never came true"
        await asyncio.sleep(0.05)


async def backlog():
    return (await search.health()).outbox_backlog


async def test_the_worker_drains_the_outbox_once_meilisearch_is_back(db):
    router = meili_router()
    try:
        refusing(router)
        shop = await build_shop()
        stop = asyncio.Event()
        worker = asyncio.create_task(run_outbox_worker(stop, interval_seconds=0.05))
        await asyncio.sleep(0.3)
        assert await backlog() == 3  # Meilisearch down: nothing lost, nothing sent
        router.routes.clear()
        working(router)
        await wait_for(lambda: _drained())
        stop.set()
        await asyncio.wait_for(worker, timeout=5)
        sent = [
            json.loads(call.request.content)
            for call in router.calls
            if call.request.url.path == f"/indexes/{INDEX}/documents"
        ]
        names = {document["name"] for batch in sent for document in batch}
        assert names == {"Bưởi Ngọc Lũ", "Gạo tám Hoa Lư", "Mật ong Bá Thước"}
        assert set(shop.product_ids.values()) == {d["product_id"] for b in sent for d in b}
    finally:
        search.use_meilisearch(None)


async def _drained():
    return await backlog() == 0
