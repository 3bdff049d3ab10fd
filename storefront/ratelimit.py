"""Rate limits on what attackers hammer: login attempts, reset codes, webhooks."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.errors import RateLimited
from storefront.shared_state import Counters


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window_seconds: int


LOGIN_PER_PHONE = Limit("login-phone", 5, 15 * 60)
LOGIN_PER_ADDRESS = Limit("login-ip", 30, 15 * 60)
SIGNUP_PER_ADDRESS = Limit("signup-ip", 20, 60 * 60)
RESET_PER_ADDRESS = Limit("reset-ip", 10, 15 * 60)
WEBHOOK_PER_ENDPOINT = Limit("webhook", 600, 60)


async def enforce(counters: Counters, limit: Limit, key: str) -> None:
    """Count one attempt; RateLimited once `limit.attempts` is passed within the window."""
    count = await counters.hit(f"{limit.name}:{key}", limit.window_seconds)
    if count > limit.attempts:
        raise RateLimited(limit.window_seconds)


async def forgive(counters: Counters, limit: Limit, key: str) -> None:
    """Forget the attempts counted for `key` (after a successful login)."""
    await counters.reset(f"{limit.name}:{key}")
