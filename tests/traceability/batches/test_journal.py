"""Appending to a batch's journal: the chain, corrections, PHI warnings, who may write."""

import asyncio
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.accounts.service import sign_up
from marketplace.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.batch_support import (
    START,
    full_journal,
    harvest,
    jpeg_bytes,
    opened_batch,
    seller_with_product,
    spraying,
)
from traceability.batches import (
    EventInput,
    PhotoUpload,
    append_trace_event,
    batch_journal,
    close_batch,
    is_batch_recalled,
    recall_batch,
    recalled_batches_of_product,
    verify_journal,
)
from traceability.batches.chain import GENESIS_HASH, event_hash
from traceability.batches.records import event_rows, photo_rows
from traceability.batches.tables import Batch
from traceability.codes import parse_batch_code


async def test_each_event_is_chained_to_the_one_before_by_its_hash(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    for entry in full_journal():
        await append_trace_event(seller, batch.code, entry)
    journal = (await batch_journal(seller, batch.code)).events
    assert [event.sequence for event in journal] == list(range(1, 8))
    assert journal[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(journal):
        assert after.previous_hash == before.hash
    assert len({event.hash for event in journal}) == 7
    assert (await verify_journal(batch.code)).ok


async def test_stored_hash_is_sha256_of_the_rows_canonical_content(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(
        seller, batch.code, spraying(photos=(PhotoUpload(jpeg_bytes(), "Vườn bưởi"),))
    )
    row = await Batch.select().where(Batch.code == batch.code).first()
    [event] = await event_rows(row["id"])
    photos = (await photo_rows([event["id"]]))[event["id"]]
    assert len(photos) == 1 and photos[0]["alt"] == "Vườn bưởi"
    assert event_hash(batch.code, event, photos) == event["hash"]
    assert row["head_hash"] == event["hash"] and row["event_count"] == 1


async def test_harvest_inside_the_pre_harvest_interval_is_warned_and_the_warning_kept(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(START, phi_days=7))
    early = await append_trace_event(seller, batch.code, harvest(START + timedelta(days=6)))
    assert len(early.warnings) == 1
    warning = early.warnings[0]
    assert (warning.input_name, warning.phi_days, warning.input_sequence) == ("Regent 800WG", 7, 1)
    assert warning.safe_from == START + timedelta(days=7)
    assert "cách ly 7 ngày" in warning.message("vi")
    stored = (await batch_journal(seller, batch.code)).events[1]
    assert stored.warnings == early.warnings


async def test_harvest_after_the_interval_has_no_warning(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(START, phi_days=7))
    on_time = await append_trace_event(seller, batch.code, harvest(START + timedelta(days=7)))
    assert on_time.warnings == ()


async def test_spraying_recorded_late_but_dated_before_a_harvest_is_warned_too(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START + timedelta(days=3)))
    late = await append_trace_event(seller, batch.code, spraying(START, phi_days=14))
    assert [w.harvest_sequence for w in late.warnings] == [1]


async def test_withdrawn_spraying_no_longer_warns(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(START, phi_days=30))
    await append_trace_event(
        seller,
        batch.code,
        EventInput("correction", START, corrects_sequence=1, notes="Ghi nhầm lô"),
    )
    result = await append_trace_event(seller, batch.code, harvest(START + timedelta(days=2)))
    assert result.warnings == ()


async def test_a_correction_is_a_new_event_and_the_corrected_one_stays(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START, quantity=Decimal("4800")))
    correction = await append_trace_event(
        seller,
        batch.code,
        EventInput(
            "correction",
            START + timedelta(hours=1),
            corrects_sequence=1,
            notes="Số lượng đúng là 480 quả",
        ),
    )
    journal = (await batch_journal(seller, batch.code)).events
    assert [event.kind for event in journal] == ["harvest", "correction"]
    assert journal[0].quantity == Decimal("4800")
    assert correction.event.corrects_sequence == 1
    assert (await verify_journal(batch.code)).ok


@pytest.mark.parametrize(
    "entry",
    [
        EventInput("correction", START, notes="thiếu số thứ tự"),
        EventInput("correction", START, corrects_sequence=9, notes="không có sự kiện 9"),
        EventInput("correction", START, corrects_sequence=1),  # no reason given
    ],
)
async def test_a_correction_must_name_a_recorded_event_and_say_why(db, entry):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START))
    with pytest.raises(InvalidInput):
        await append_trace_event(seller, batch.code, entry)
    assert (await verify_journal(batch.code)).checked == 1


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (EventInput("spraying", START), "inputs_required"),
        (EventInput("inspection", START), "inspection_result_required"),
        (EventInput("harvesting", START), "event_kind_unknown"),
        (EventInput("recall", START), "event_kind_unknown"),
        (EventInput("harvest", START + timedelta(days=3650)), "occurred_at_invalid"),
        (EventInput("harvest", START, quantity=Decimal("3"), unit="gùi"), "unit_unknown"),
        (EventInput("harvest", START, commune_code="99999"), "commune_unknown"),
        (
            EventInput("harvest", START, certificate_urls=("javascript:alert(1)",)),
            "certificate_url_invalid",
        ),
        (
            EventInput("harvest", START, private_fields=frozenset({"secret"})),
            "private_field_unknown",
        ),
    ],
)
async def test_impossible_entries_are_refused_in_vietnamese(db, entry, code):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    with pytest.raises(InvalidInput) as caught:
        await append_trace_event(seller, batch.code, entry)
    assert caught.value.code == code
    assert caught.value.message_vi


async def test_only_the_producers_people_may_write_its_journal(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    stranger = await sign_up("0987654321", "mat-khau-2", "Người lạ")
    with pytest.raises(PermissionDenied):
        await append_trace_event(stranger, batch.code, harvest(START))
    with pytest.raises(PermissionDenied):
        await recall_batch(stranger, batch.code, "Không phải của tôi")


async def test_unknown_and_mistyped_codes_are_not_found(db):
    seller, _, _ = await seller_with_product()
    with pytest.raises(NotFound):
        await append_trace_event(seller, "7K3M9QX2A8", harvest(START))
    with pytest.raises(NotFound):
        await append_trace_event(seller, "0000000000" + "0", harvest(START))


async def test_recall_marks_the_batch_records_an_event_and_blocks_buying_from_it(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    other = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START))
    recalled = await recall_batch(seller, batch.code, "Phát hiện dư lượng thuốc vượt ngưỡng")
    assert recalled.status == "recalled" and recalled.recalled_at is not None
    assert await is_batch_recalled(batch.code.lower())
    assert not await is_batch_recalled(other.code)
    assert [r.code for r in await recalled_batches_of_product(product_id)] == [batch.code]
    journal = (await batch_journal(seller, batch.code)).events
    assert journal[-1].kind == "recall" and "dư lượng" in journal[-1].notes
    with pytest.raises(Conflict):
        await recall_batch(seller, batch.code, "Lần nữa")
    assert (await verify_journal(batch.code)).ok


async def test_a_closed_batch_takes_only_corrections(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START))
    await close_batch(seller, batch.code)
    with pytest.raises(Conflict):
        await append_trace_event(seller, batch.code, harvest(START + timedelta(days=1)))
    await append_trace_event(
        seller, batch.code, EventInput("correction", START, corrects_sequence=1, notes="Sai giờ")
    )


async def test_harvest_and_packing_fill_in_the_batch_dates(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    assert batch.harvested_on is None
    await append_trace_event(seller, batch.code, harvest(START.replace(hour=20)))
    await append_trace_event(seller, batch.code, EventInput("packing", START + timedelta(days=2)))
    summary = (await batch_journal(seller, batch.code)).batch
    assert summary.harvested_on.isoformat() == "2026-01-06"  # 20:00 UTC is the next day in VN
    assert summary.packed_on.isoformat() == "2026-01-07"
    assert parse_batch_code(summary.code) == batch.code


async def test_concurrent_appends_still_make_one_unbroken_chain(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    entries = [harvest(START + timedelta(hours=hour)) for hour in range(6)]
    await asyncio.gather(*(append_trace_event(seller, batch.code, e) for e in entries))
    journal = (await batch_journal(seller, batch.code)).events
    assert [event.sequence for event in journal] == [1, 2, 3, 4, 5, 6]
    assert (await verify_journal(batch.code)).ok
