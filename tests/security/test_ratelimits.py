"""Rate limits on login (per phone, however it is typed, and per address), sign-up, reset codes
and payment webhooks; on the in-memory counters and on the real Redis shared by workers."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from marketplace.config import load_settings
from storefront import ratelimit
from storefront.app import create_app
from tests.conftest import make_client
from tests.security.world import PASSWORD, PHONES, page_token, people

REDIS_URL = os.environ.get("LANGSO_TEST_SECURITY_REDIS_URL", "redis://127.0.0.1:6379/14")
# One number typed six ways: all of them are the same phone, and the same counter.
SPELLINGS = [
    "0913 000 003",
    "+84913000003",
    "84913000003",
    "0913.000.003",
    "(+84) 913-000-003",
    "0913000003",
]


async def _fresh_redis() -> Redis:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:
        await client.aclose()
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    await client.flushdb()
    return client


def memory_workers() -> list[Any]:
    return [create_app(load_settings())]


def redis_workers() -> list[Any]:
    settings = dataclasses.replace(load_settings(), redis_url=REDIS_URL)
    return [create_app(settings), create_app(settings)]  # two workers, one Redis


async def _post_form(app: Any, path: str, form: dict[str, str], address: str) -> Any:
    import httpx

    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as web:
        token = await page_token(web, "/login")
        return await web.post(path, data={**form, "_csrf_token": token})


async def _close(workers: list[Any]) -> None:
    for app in workers:
        await app.state.shared.close()


WORKERS: dict[str, Callable[[], list[Any]]] = {"memory": memory_workers, "redis": redis_workers}


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def workers(request: pytest.FixtureRequest) -> AsyncIterator[list[Any]]:
    redis = await _fresh_redis() if request.param == "redis" else None
    apps = WORKERS[request.param]()
    yield apps
    await _close(apps)
    if redis is not None:
        assert await redis.keys("langso:counter:*"), "the counters were not kept in Redis"
        await redis.flushdb()
        await redis.aclose()


async def test_login_guesses_are_limited_per_phone_however_it_is_typed(
    db: None, workers: list[Any]
) -> None:
    await people()
    statuses = []
    for attempt, spelling in enumerate(SPELLINGS):
        app = workers[attempt % len(workers)]
        response = await _post_form(
            app,
            "/login",
            {"phone": spelling, "password": f"sai-{attempt}"},
            f"198.51.100.{attempt}",
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]
    # Even the right password waits now, from any address: the guesser cannot tell it was right.
    blocked = await _post_form(
        workers[0], "/login", {"phone": PHONES["buyer"], "password": PASSWORD}, "198.51.100.99"
    )
    assert blocked.status_code == 429
    assert "Bạn thao tác quá nhanh" in blocked.text
    # Another person's account is not locked by it.
    other = await _post_form(
        workers[-1], "/login", {"phone": PHONES["seller"], "password": PASSWORD}, "198.51.100.99"
    )
    assert other.status_code == 302


async def test_a_successful_login_forgives_earlier_typos(db: None, workers: list[Any]) -> None:
    await people()
    for attempt in range(4):
        await _post_form(
            workers[0], "/login", {"phone": SPELLINGS[attempt], "password": "sai"}, "198.51.100.1"
        )
    ok = await _post_form(
        workers[-1], "/login", {"phone": PHONES["buyer"], "password": PASSWORD}, "198.51.100.1"
    )
    assert ok.status_code == 302
    for attempt in range(5):
        wrong = await _post_form(
            workers[0], "/login", {"phone": PHONES["buyer"], "password": "sai"}, "198.51.100.1"
        )
        assert wrong.status_code == 401, attempt


async def test_successful_logins_do_not_use_up_a_shared_address(
    db: None, workers: list[Any]
) -> None:
    # Many buyers reach us through one carrier-NAT address: only failures count against it.
    await people()
    limit = ratelimit.LOGIN_PER_ADDRESS.attempts
    good = [{"phone": PHONES["buyer"], "password": PASSWORD}] * (limit + 5)
    statuses = await _from_one_address(workers, "/login", good, "203.0.113.60")
    assert statuses == [302] * (limit + 5)
    wrong = [{"phone": f"0913{n:06d}", "password": "sai"} for n in range(10, limit + 11)]
    statuses = await _from_one_address(workers, "/login", wrong, "203.0.113.60")
    assert statuses == [401] * limit + [429]


async def _from_one_address(
    workers: list[Any], path: str, forms: list[dict[str, str]], address: str
) -> list[int]:
    statuses = []
    for attempt, form in enumerate(forms):
        response = await _post_form(workers[attempt % len(workers)], path, form, address)
        statuses.append(response.status_code)
    return statuses


async def test_one_address_is_limited_on_login_sign_up_and_reset(
    db: None, workers: list[Any]
) -> None:
    await people()
    limit = ratelimit.LOGIN_PER_ADDRESS.attempts
    many_phones = [{"phone": f"0913{n:06d}", "password": "sai"} for n in range(10, limit + 11)]
    statuses = await _from_one_address(workers, "/login", many_phones, "203.0.113.50")
    assert statuses == [401] * limit + [429]
    elsewhere = await _post_form(
        workers[0], "/login", {"phone": "0913777777", "password": "sai"}, "203.0.113.51"
    )
    assert elsewhere.status_code == 401

    limit = ratelimit.SIGNUP_PER_ADDRESS.attempts
    sign_ups = [
        {"phone": f"0914{n:06d}", "password": "", "display_name": "X"} for n in range(limit + 1)
    ]
    statuses = await _from_one_address(workers, "/signup", sign_ups, "203.0.113.60")
    assert 429 not in statuses[:limit] and statuses[limit] == 429

    limit = ratelimit.RESET_PER_ADDRESS.attempts
    resets = [
        {"phone": PHONES["buyer"], "code": f"SAI{n:05d}", "new_password": "mk-moi-123"}
        for n in range(limit + 1)
    ]
    statuses = await _from_one_address(workers, "/reset", resets, "203.0.113.70")
    assert 429 not in statuses[:limit] and statuses[limit] == 429


async def test_failed_webhook_calls_are_limited_per_address_on_every_worker(
    db: None, workers: list[Any]
) -> None:
    # Calls that fail authentication count against the caller's address (not the endpoint's
    # budget, which forged calls could otherwise use up), and the count is shared by workers.
    limit = ratelimit.WEBHOOK_FAILURES_PER_ADDRESS
    for _ in range(limit.attempts - 1):
        await ratelimit.enforce(workers[0].state.shared.counters, limit, "203.0.113.7")
    statuses = []
    for app in (workers[-1], workers[0]):
        async with make_client(app) as web:
            response = await web.post("/api/v1/payments/webhooks/sepay/diem-bi-dap", json={})
            statuses.append(response.status_code)
    assert statuses[0] != 429 and statuses[1] == 429
    assert response.json()["code"] == "rate_limited"
    assert response.headers["retry-after"] == str(limit.window_seconds)


def test_phone_keys_do_not_depend_on_spelling() -> None:
    assert {ratelimit.phone_key(spelling) for spelling in SPELLINGS} == {"+84913000003"}
    assert ratelimit.phone_key("  không phải số  ") == "không phải số"
