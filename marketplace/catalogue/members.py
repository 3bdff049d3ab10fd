"""Who works for which producer, as owner or staff."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.catalogue.tables import Producer, ProducerMember
from marketplace.db import write_transaction
from marketplace.errors import PermissionDenied

OWNER = "owner"
STAFF = "staff"


@dataclass(frozen=True)
class Membership:
    producer_id: int
    producer_name: str
    producer_slug: str
    role: str
    province_code: str = ""


async def memberships(user_id: int) -> list[Membership]:
    rows = (
        await ProducerMember.select(
            ProducerMember.producer.id,
            ProducerMember.producer.name,
            ProducerMember.producer.slug,
            ProducerMember.producer.province_code,
            ProducerMember.role,
        )
        .where(ProducerMember.user == user_id)
        .order_by(ProducerMember.producer.name)
    )
    return [
        Membership(
            producer_id=row["producer.id"],
            producer_name=row["producer.name"],
            producer_slug=row["producer.slug"],
            role=row["role"],
            province_code=row["producer.province_code"],
        )
        for row in rows
    ]


async def role_in(user_id: int, producer_id: int) -> str | None:
    row = (
        await ProducerMember.select(ProducerMember.role)
        .where((ProducerMember.user == user_id) & (ProducerMember.producer == producer_id))
        .first()
    )
    return str(row["role"]) if row else None


async def require_member(user_id: int, producer_id: int) -> str:
    """The user's role at the producer; PermissionDenied when they do not work there."""
    role = await role_in(user_id, producer_id)
    if role is None:
        raise PermissionDenied(
            "not_a_member",
            "Bạn không có quyền với cơ sở sản xuất này.",
            "You do not work for this producer.",
        )
    return role


async def require_owner(user_id: int, producer_id: int) -> None:
    if await require_member(user_id, producer_id) != OWNER:
        raise PermissionDenied(
            "owner_only",
            "Chỉ chủ cơ sở mới được làm việc này.",
            "Only an owner of this producer may do this.",
        )


async def add_member(producer_id: int, user_id: int, role: str) -> None:
    """Make `user_id` a member of the producer (idempotent; the role is updated)."""
    if role not in (OWNER, STAFF):
        raise ValueError(f"unknown role {role!r}")
    async with write_transaction():
        existing = await role_in(user_id, producer_id)
        if existing is None:
            await ProducerMember.insert(
                ProducerMember(producer=producer_id, user=user_id, role=role)
            )
        elif existing != role:
            await ProducerMember.update({ProducerMember.role: role}).where(
                (ProducerMember.user == user_id) & (ProducerMember.producer == producer_id)
            )


async def producer_exists(producer_id: int) -> bool:
    return await Producer.exists().where(Producer.id == producer_id)
