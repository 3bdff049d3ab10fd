"""Password hashing with argon2, always off the event loop (a hash takes tens of ms)."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from marketplace.config import get_settings
from marketplace.errors import invalid_field

MIN_LENGTH = 8
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # "test" trades strength for speed in the test suite only; production uses RFC 9106 low-memory.
    name = get_settings().argon2_profile
    profile = profiles.CHEAPEST if name == "test" else profiles.RFC_9106_LOW_MEMORY
    return PasswordHasher.from_parameters(profile)


def check_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise invalid_field(
            field,
            "password_too_short",
            f"Mật khẩu quá ngắn (tối thiểu {MIN_LENGTH} ký tự).",
            f"The password is too short (at least {MIN_LENGTH} characters).",
        )
    if len(password) > MAX_LENGTH:
        raise invalid_field(
            field,
            "password_too_long",
            f"Mật khẩu quá dài (tối đa {MAX_LENGTH} ký tự).",
            f"The password is too long (at most {MAX_LENGTH} characters).",
        )


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher().hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


_DUMMY_HASH: str | None = None


async def spend_like_a_verification() -> None:
    """Take as long as a real check, so a wrong phone number is not told apart by timing."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = await hash_password("not-a-real-password")
    await verify_password(_DUMMY_HASH, "another-wrong-password")
