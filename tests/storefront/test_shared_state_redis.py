"""With REDIS_URL set, sessions and rate-limit counters live in Redis, shared by every worker."""

import dataclasses

import pytest

from marketplace.config import load_settings
from storefront.app import create_app
from tests.conftest import REDIS_URL, make_client
from tests.support import submit


def redis_app():
    return create_app(dataclasses.replace(load_settings(), redis_url=REDIS_URL))


@pytest.mark.redis
async def test_a_session_started_by_one_worker_is_known_to_another(db, redis):
    first, second = redis_app(), redis_app()  # two workers, one Redis
    async with make_client(first) as phone:
        signed_up = await submit(
            phone,
            "/signup",
            {"phone": "0912345678", "password": "mat-khau-1", "display_name": "Tám"},
        )
        assert "Xin chào, Tám" in signed_up.text
        session_id = phone.cookies.get("ls_sid")
    assert await redis.keys("langso:session*")
    async with make_client(second) as same_phone_other_worker:
        same_phone_other_worker.cookies.set("ls_sid", session_id, domain="testserver.local")
        page = await same_phone_other_worker.get("/account")
        assert "Xin chào, Tám" in page.text
    await first.state.shared.close()
    await second.state.shared.close()


@pytest.mark.redis
async def test_login_attempts_are_counted_across_workers(db, redis):
    workers = [redis_app(), redis_app()]
    statuses = []
    for attempt in range(6):
        async with make_client(workers[attempt % 2]) as client:
            response = await submit(
                client, "/login", {"phone": "0912345678", "password": f"sai-{attempt}"}
            )
            statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert await redis.keys("langso:counter:login-phone:*")
    for app in workers:
        await app.state.shared.close()
