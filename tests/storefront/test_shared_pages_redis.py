"""Two storefront workers sharing one Redis: a write through either shows on both at once,
and scans counted by both add up in the database after one flush.

Caches are given a long life here, so that only the cross-worker invalidation can explain a
fresh page; the workers are two app instances talking only through the real Redis.
"""

import asyncio
import dataclasses

import pytest

from marketplace.config import load_settings
from marketplace.shared import using
from storefront.api.catalogue import _lists
from storefront.app import create_app
from tests.batch_support import opened_batch, seller_with_product
from tests.catalogue_factories import PASSWORD, new_producer, new_product, new_seller
from tests.conftest import REDIS_URL, make_client
from tests.heritage_sites import VI_CONTENT, new_officer, new_site
from tests.support import submit
from traceability.batches import recall_batch
from traceability.batches.cache import PROVENANCE
from traceability.batches.scans import flush_scans, scan_stats
from traceability.batches.tables import Batch
from traceability.heritage import service
from traceability.heritage.queries import PAGES

pytestmark = pytest.mark.redis


@pytest.fixture
async def two_workers(redis):
    apps = [create_app(dataclasses.replace(load_settings(), redis_url=REDIS_URL)) for _ in "ab"]
    yield apps
    for app in apps:
        await app.state.shared.close()


@pytest.fixture
def long_lived_caches():
    specs = [PROVENANCE, PAGES, _lists.spec]
    ttls = [spec.ttl for spec in specs]
    for spec in specs:
        spec.ttl = 60.0
    yield
    for spec, ttl in zip(specs, ttls, strict=True):
        spec.ttl = ttl


async def page_eventually_shows(client, path, text, seconds=3.0):
    for _ in range(int(seconds / 0.02)):
        page = await client.get(path)
        if text in page.text:
            return True
        await asyncio.sleep(0.02)
    return False


async def test_a_recall_through_one_worker_shows_on_the_others_provenance_page(
    db, two_workers, long_lived_caches
):
    first, second = two_workers
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    async with make_client(second) as shopper:
        before = await shopper.get(f"/t/{batch.code}")
        assert before.status_code == 200 and "Phát hiện dư lượng" not in before.text
        with using(first.state.shared.shared) as writer:  # the seller's request, on worker A
            await recall_batch(seller, batch.code, "Phát hiện dư lượng thuốc trừ sâu")
            await writer.drain()  # what the middleware does before the response starts
        assert await page_eventually_shows(shopper, f"/t/{batch.code}", "Phát hiện dư lượng")


async def test_a_heritage_edit_through_one_worker_shows_on_the_others_plaque_page(
    db, two_workers, long_lived_caches
):
    first, second = two_workers
    officer = await new_officer()
    site = await new_site(officer)
    async with make_client(second) as visitor:
        before = await visitor.get(f"/h/{site.slug}", headers={"accept-language": "vi"})
        assert before.status_code == 200 and "Đình làng Triều Hội cổ" not in before.text
        with using(first.state.shared.shared) as writer:
            retitled = dataclasses.replace(VI_CONTENT, title="Đình làng Triều Hội cổ")
            await service.set_content(officer, site.id, "vi", retitled)
            await writer.drain()
        assert await page_eventually_shows(visitor, f"/h/{site.slug}", "Đình làng Triều Hội cổ")


async def test_a_write_request_to_one_worker_refreshes_the_others_product_list(
    db, two_workers, long_lived_caches
):
    first, second = two_workers
    seller = await new_seller()
    producer_id = await new_producer(seller)
    await new_product(seller, producer_id, name="Bưởi Ngọc Lũ", status="active")
    async with make_client(second) as buyer:
        listed = await buyer.get("/api/v1/products")
        assert "Bưởi Ngọc Lũ" in listed.text
        # A product added behind the app's back stays out of the cached list...
        await new_product(seller, producer_id, name="Mắm tép Gia Viễn", status="active")
        assert "Mắm tép Gia Viễn" not in (await buyer.get("/api/v1/products")).text
        # ...a refused write request changes nothing and leaves it...
        async with make_client(first) as other:
            refused = await submit(other, "/login", {"phone": "0912345678", "password": "sai"})
            assert refused.status_code == 401
            await asyncio.sleep(0.3)  # what an invalidation through Redis takes, at most
            assert "Mắm tép Gia Viễn" not in (await buyer.get("/api/v1/products")).text
            # ...until any write request that goes through, here the seller signing in.
            signed_in = await submit(other, "/login", {"phone": seller.phone, "password": PASSWORD})
            assert signed_in.status_code < 400
        assert await page_eventually_shows(buyer, "/api/v1/products", "Mắm tép Gia Viễn")


async def test_scans_on_two_workers_add_up_after_one_flush(db, two_workers, redis):
    first, second = two_workers
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    async with make_client(first) as phone_a, make_client(second) as phone_b:
        for _ in range(2):
            assert (await phone_a.get(f"/t/{batch.code}")).status_code == 200
        for _ in range(3):
            assert (await phone_b.get(f"/t/{batch.code}")).status_code == 200

    # Each worker sends its scans to Redis by itself within a few milliseconds.
    async def counted_in_redis():
        counted = await redis.hgetall("langso:tally:batch-scans:pending:counts")
        return sum(int(count) for count in counted.values())

    for _ in range(100):
        if await counted_in_redis() == 5:
            break
        await asyncio.sleep(0.02)
    assert await counted_in_redis() == 5
    assert not any(b"203.0.113" in member for member in await redis.keys("*"))
    with using(second.state.shared.shared):
        assert await flush_scans() == 5
    with using(first.state.shared.shared):
        assert await flush_scans() == 0
    row = await Batch.select(Batch.id).where(Batch.code == batch.code).first()
    stats = await scan_stats(row["id"])
    assert stats.total == 5 and stats.recent_networks == 1
