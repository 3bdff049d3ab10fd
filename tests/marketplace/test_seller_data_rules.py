"""What a seller saves is stored so that every engine, page and bank can use it, and what an
officer vouched for stays vouched for only while it is unchanged (QA of seller onboarding)."""

import io
from dataclasses import replace

import pytest
from PIL import Image

from marketplace import backup
from marketplace.accounts.service import (
    account_for_token,
    create_api_token,
    issue_reset_code,
    reset_password,
)
from marketplace.catalogue import producers
from marketplace.catalogue.queries import get_producer_private
from marketplace.errors import InvalidInput
from marketplace.images import process_photo
from tests.catalogue_factories import NGOC_LU, new_officer, new_producer, new_seller

BANK = {"bank_bin": "970405", "bank_account": "3500205123456", "bank_holder": "Nguyễn Thị Hoa"}


async def test_control_characters_never_reach_the_database(db):
    seller = await new_seller()
    producer_id = await new_producer(
        seller, story="Câu chuyện\x00 của HTX\u202e", address_line="Thôn\x00 3", **BANK
    )
    saved = await get_producer_private(producer_id)
    assert saved.public.story == "Câu chuyện của HTX"
    assert saved.address_line == "Thôn 3"
    assert saved.bank is not None and saved.bank.holder == "NGUYEN THI HOA"


@pytest.mark.parametrize("holder", ["NGUYEN\x00VAN A", "HOA 🌸", "ØSTERGAARD", "\u202eHOA"])
async def test_a_holder_name_a_bank_would_not_print_is_refused(db, holder):
    seller = await new_seller()
    with pytest.raises(InvalidInput) as refused:
        await new_producer(seller, **{**BANK, "bank_holder": holder})
    assert refused.value.fields[0].field == "bank_holder"
    assert "như trên thẻ ngân hàng" in refused.value.message_vi


async def test_changing_the_account_buyers_pay_into_withdraws_the_officers_verification(db):
    seller = await new_seller()
    producer_id = await new_producer(seller, **BANK)
    await producers.set_verified(await new_officer("37"), producer_id, True)

    story_only = replace(NGOC_LU, **BANK, story="Thêm một câu chuyện mới.")
    await producers.update_producer(seller, producer_id, story_only)
    assert (await get_producer_private(producer_id)).public.verified

    new_account = replace(NGOC_LU, **{**BANK, "bank_account": "999988887777"})
    await producers.update_producer(seller, producer_id, new_account)
    assert not (await get_producer_private(producer_id)).public.verified


def _png(mode: str) -> bytes:
    image = Image.new(mode, (600, 600), (0, 0, 0, 0) if mode == "RGBA" else 0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_transparent_png_stands_on_white_not_black():
    processed = process_photo(_png("RGBA"))
    rendition = processed.renditions[0]
    corner = Image.open(io.BytesIO(rendition.data)).convert("RGB").getpixel((5, 5))
    assert min(corner) > 245


def test_an_iphone_heic_photo_is_named_as_such():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    with pytest.raises(InvalidInput) as refused:
        process_photo(heic)
    assert refused.value.code == "photo_type"
    assert "HEIC" in refused.value.message_vi


async def test_a_truncated_or_missing_backup_is_named_not_a_traceback(db, tmp_path):
    await new_seller()
    whole = tmp_path / "whole.tar.gz"
    await backup.export_archive(whole)
    data = whole.read_bytes()
    for cut in (len(data) // 2, len(data) - 200):
        truncated = tmp_path / f"cut-{cut}.tar.gz"
        truncated.write_bytes(data[:cut])
        with pytest.raises(InvalidInput) as refused:
            await backup.import_archive(truncated, replace=True)
        assert refused.value.code == "backup_invalid"
    with pytest.raises(InvalidInput) as missing:
        await backup.import_archive(tmp_path / "nowhere.tar.gz")
    assert missing.value.code == "backup_missing"


async def test_a_password_reset_ends_tokens_and_other_codes(db):
    officer = await new_officer("37")
    seller = await new_seller(phone="0912777001")
    await new_producer(seller)  # the officer helps the people of producers of the province
    _, secret = await create_api_token(seller.id, "app")
    first = await issue_reset_code(officer, "0912777001")
    second = await issue_reset_code(officer, "0912777001")

    await reset_password("0912777001", second, "mat-khau-moi-1")

    assert await account_for_token(secret) is None
    with pytest.raises(InvalidInput):
        await reset_password("0912777001", first, "mat-khau-moi-2")
