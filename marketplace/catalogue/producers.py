"""Writing producers: register, edit the profile and bank account, officer verification."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from marketplace import places
from marketplace.accounts.service import Account, require_officer_for
from marketplace.banks import bank_by_bin
from marketplace.catalogue import members
from marketplace.catalogue.schemas import PRODUCER_KINDS, ProducerInput, ProducerPrivate
from marketplace.catalogue.tables import Producer as ProducerRow
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.catalogue.validation import base_slug, check_point, check_text, clean_name
from marketplace.db import claim, write_transaction
from marketplace.errors import invalid_field
from marketplace.phones import parse_phone
from marketplace.text import fold

_HOLDER = re.compile(r"[A-Z0-9 .,&()/-]+")


def _bank_fields(data: ProducerInput) -> dict[str, Any]:
    given = [data.bank_bin, data.bank_account, data.bank_holder]
    if not any(given):
        return {"bank_bin": None, "bank_account": None, "bank_holder": None}
    if not all(given):
        raise invalid_field(
            "bank_account",
            "bank_incomplete",
            "Cần đủ ngân hàng, số tài khoản và tên chủ tài khoản.",
            "Bank, account number and account holder are all needed.",
        )
    bank = bank_by_bin((data.bank_bin or "").strip())
    account = "".join((data.bank_account or "").split())
    if not account.isascii() or not account.isalnum() or len(account) > 19:
        raise invalid_field(
            "bank_account",
            "bank_account_invalid",
            "Số tài khoản chỉ gồm chữ và số, tối đa 19 ký tự.",
            "The account number has only letters and digits, at most 19.",
        )
    holder = " ".join(fold(data.bank_holder or "").upper().split())
    if not holder or len(holder) > 100 or not _HOLDER.fullmatch(holder):
        raise invalid_field(
            "bank_holder",
            "bank_holder_invalid",
            "Tên chủ tài khoản viết như trên thẻ ngân hàng: chữ không dấu, chữ số, dấu cách "
            "(và . , - & cho tên cơ sở), tối đa 100 ký tự.",
            "Write the account holder as on the bank card: letters without diacritics, digits, "
            "spaces (and . , - & for a business name), at most 100 characters.",
        )
    return {"bank_bin": bank.bin, "bank_account": account.upper(), "bank_holder": holder}


def _fields(data: ProducerInput) -> dict[str, Any]:
    if data.kind not in PRODUCER_KINDS:
        raise invalid_field(
            "kind",
            "producer_kind_invalid",
            "Loại chủ thể phải là hộ kinh doanh, hợp tác xã hoặc doanh nghiệp.",
            "The kind must be household business, cooperative or company.",
        )
    commune = places.validate_address(data.province_code, data.commune_code)
    check_point(data.latitude, data.longitude)
    return {
        "name": clean_name(data.name),
        "kind": data.kind,
        "story": check_text(data.story, "story", 5000),
        "phone": parse_phone(data.phone) if data.phone.strip() else "",
        "province_code": commune.province_code,
        "commune_code": commune.code,
        "address_line": check_text(data.address_line, "address_line", 200),
        "latitude": data.latitude,
        "longitude": data.longitude,
        "show_phone": data.show_phone,
        "show_address": data.show_address,
        **_bank_fields(data),
    }


# what an officer's verification vouches for
_VERIFIED_COLUMNS = (
    ProducerRow.name,
    ProducerRow.kind,
    ProducerRow.province_code,
    ProducerRow.commune_code,
    ProducerRow.bank_bin,
    ProducerRow.bank_account,
    ProducerRow.bank_holder,
)


async def _unique_slug(name: str) -> str:
    base = base_slug(name)
    await claim(f"producer-slug:{base}")
    slug, number = base, 1
    while await ProducerRow.exists().where(ProducerRow.slug == slug):
        number += 1
        slug = f"{base}-{number}"
    return slug


async def create_producer(account: Account, data: ProducerInput) -> ProducerPrivate:
    """Register a producer; the account becomes its owner. Officers verify it later."""
    from marketplace.catalogue.queries import get_producer_private

    fields = _fields(data)
    async with write_transaction():
        slug = await _unique_slug(fields["name"])
        rows = await ProducerRow.insert(ProducerRow(slug=slug, **fields))
        producer_id = int(rows[0]["id"])
        await members.add_member(producer_id, account.id, members.OWNER)
    return await get_producer_private(producer_id)


async def update_producer(
    account: Account, producer_id: int, data: ProducerInput
) -> ProducerPrivate:
    """Edit the profile and bank account (owners only); the slug, printed on labels, stays.

    What an officer checked (the name, the kind, where the producer is, the account buyers pay
    into) withdraws the verification when it changes: an officer of the province, perhaps a
    new one, checks it again.
    """
    from marketplace.catalogue.products import reindex_producer_products
    from marketplace.catalogue.queries import get_producer_private

    await members.require_owner(account.id, producer_id)
    fields = _fields(data)
    async with write_transaction():
        current = (
            await ProducerRow.select(*_VERIFIED_COLUMNS)
            .where(ProducerRow.id == producer_id)
            .first()
        )
        if current is not None and any(
            fields[column._meta.name] != current[column._meta.name] for column in _VERIFIED_COLUMNS
        ):
            fields.update(verified=False, verified_at=None)
        await ProducerRow.update(**fields, updated_at=datetime.now(UTC)).where(
            ProducerRow.id == producer_id
        )
        await reindex_producer_products(producer_id)
    return await get_producer_private(producer_id)


async def set_verified(officer: Account, producer_id: int, verified: bool) -> None:
    """An officer confirms (or withdraws) that the producer is who it says it is."""
    row = (
        await ProducerRow.select(ProducerRow.province_code)
        .where(ProducerRow.id == producer_id)
        .first()
    )
    if row is None:
        from marketplace.errors import NotFound

        raise NotFound(
            "producer_not_found", "Không tìm thấy cơ sở sản xuất.", "Producer not found."
        )
    require_officer_for(officer, row["province_code"])
    async with write_transaction():
        await ProducerRow.update(
            {
                ProducerRow.verified: verified,
                ProducerRow.verified_at: datetime.now(UTC) if verified else None,
            }
        ).where(ProducerRow.id == producer_id)


async def producer_ids_of_products(product_ids: list[int]) -> dict[int, int]:
    rows = await ProductRow.select(ProductRow.id, ProductRow.producer).where(
        ProductRow.id.is_in(product_ids)
    )
    return {row["id"]: row["producer"] for row in rows}
