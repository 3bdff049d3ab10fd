"""Rate limits on what attackers hammer: login attempts, reset codes, webhooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from marketplace.errors import ApplicationError, RateLimited
from marketplace.phones import lookup_phone
from storefront.shared_state import Counters


def _same(key: str) -> str:
    return key


def phone_key(raw: str) -> str:
    """One key per phone number however it is typed ("0912 345 678", "+84912345678", …), so
    that changing the spelling does not buy five more guesses; unparseable text as typed."""
    try:
        return lookup_phone(raw)
    except ApplicationError:
        return " ".join(raw.split())


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window_seconds: int
    normalise: Callable[[str], str] = field(default=_same, compare=False)


LOGIN_PER_PHONE = Limit("login-phone", 5, 15 * 60, normalise=phone_key)
LOGIN_PER_ADDRESS = Limit("login-ip", 30, 15 * 60)
SIGNUP_PER_ADDRESS = Limit("signup-ip", 20, 60 * 60)
RESET_PER_ADDRESS = Limit("reset-ip", 10, 15 * 60)
# Authenticated deliveries count per endpoint; requests that fail authentication (unknown
# endpoint, wrong signature or key, unreadable body) count per client address, apart, so that
# a flood of forged requests cannot use up a real endpoint's allowance.
WEBHOOK_PER_ENDPOINT = Limit("webhook", 600, 60)
WEBHOOK_FAILURES_PER_ADDRESS = Limit("webhook-unauthenticated-ip", 600, 60)


async def enforce(counters: Counters, limit: Limit, key: str) -> None:
    """Count one attempt; RateLimited once `limit.attempts` is passed within the window."""
    count = await counters.hit(f"{limit.name}:{limit.normalise(key)}", limit.window_seconds)
    if count > limit.attempts:
        raise RateLimited(limit.window_seconds)


async def take_back(counters: Counters, limit: Limit, key: str) -> None:
    """Uncount the attempt `enforce` just counted for `key` (it succeeded)."""
    await counters.take_back(f"{limit.name}:{limit.normalise(key)}")


async def forgive(counters: Counters, limit: Limit, key: str) -> None:
    """Forget the attempts counted for `key` (after a successful login)."""
    await counters.reset(f"{limit.name}:{limit.normalise(key)}")
