"""Rules QA found broken: a recall is final, recalled batches take no production events and
cannot feed other batches, dates must be possible, repeated submissions record once, and text
loses its control characters before it is stored."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.accounts.service import sign_up
from marketplace.errors import Conflict, InvalidInput
from marketplace.text import normalize
from tests.batch_support import BUOI, START, harvest, opened_batch, seller_with_product
from traceability.batches import (
    EventInput,
    InputUsed,
    append_trace_event,
    batch_journal,
    close_batch,
    link_batches,
    provenance,
    recall_batch,
    verify_journal,
)
from traceability.batches.validation import occurred_at


async def recalled_by_officer():
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START))
    officer = await sign_up(
        "0912000009", "mat-khau-9", "Cán bộ", is_officer=True, officer_province_code="37"
    )
    await recall_batch(officer, batch.code, "Nhiễm khuẩn")
    return seller, batch


async def test_the_owner_cannot_correct_away_an_officers_recall(db):
    seller, batch = await recalled_by_officer()
    with pytest.raises(Conflict) as refused:
        await append_trace_event(
            seller,
            batch.code,
            EventInput("correction", START + timedelta(days=1), notes="nhầm", corrects_sequence=2),
        )
    assert refused.value.code == "recall_not_correctable"
    assert "thu hồi" in refused.value.message_vi
    page = await provenance(batch.code)
    assert page.recalled and all(event.corrected_by is None for event in page.events)
    assert (await verify_journal(batch.code)).ok


async def test_a_recalled_batch_takes_corrections_but_no_production_events(db):
    seller, batch = await recalled_by_officer()
    with pytest.raises(Conflict) as refused:
        await append_trace_event(seller, batch.code, EventInput("packing", START))
    assert refused.value.code == "batch_recalled"
    assert "thu hồi" in refused.value.message_vi and "recalled" in refused.value.message_en
    corrected = await append_trace_event(
        seller,
        batch.code,
        EventInput("correction", START, notes="Sai số lượng", corrects_sequence=1),
    )
    assert corrected.event.sequence == 3


async def test_recalling_a_closed_batch_keeps_it_shut_to_new_events(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await close_batch(seller, batch.code)
    await recall_batch(seller, batch.code, "Nấm mốc")
    with pytest.raises(Conflict) as refused:
        await append_trace_event(seller, batch.code, harvest(START))
    assert refused.value.code == "batch_recalled"


async def test_a_recalled_batch_cannot_become_the_source_of_another(db):
    seller, _, product_id = await seller_with_product()
    source = await opened_batch(seller, product_id)
    target = await opened_batch(seller, product_id)
    await recall_batch(seller, source.code, "Nhiễm khuẩn")
    with pytest.raises(Conflict) as refused:
        await link_batches(seller, source.code, target.code)
    assert refused.value.status == 409 and refused.value.code == "batch_link_recalled"
    assert source.code in refused.value.message_vi


async def test_batches_made_from_a_recalled_batch_know_it(db):
    seller, _, product_id = await seller_with_product()
    first = await opened_batch(seller, product_id)
    middle = await opened_batch(seller, product_id)
    last = await opened_batch(seller, product_id)
    await link_batches(seller, first.code, middle.code)
    await link_batches(seller, middle.code, last.code)
    await recall_batch(seller, first.code, "Nhiễm khuẩn")
    assert (await provenance(middle.code)).came_from[0].recalled
    assert (await provenance(last.code)).recalled_sources == (first.code,)
    assert (await provenance(last.code)).product.buyable  # warned about, not blocked


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"harvested_on": date(2099, 1, 1)}, "harvested_on"),
        ({"harvested_on": date(1, 1, 1)}, "harvested_on"),
        ({"packed_on": date.today() + timedelta(days=3)}, "packed_on"),
        ({"harvested_on": date(2025, 12, 5), "packed_on": date(2025, 12, 1)}, "packed_on"),
        ({"packed_on": date(2025, 12, 5), "best_before": date(2025, 12, 1)}, "best_before"),
        ({"harvested_on": date(2025, 12, 5), "best_before": date(2025, 12, 1)}, "best_before"),
        ({"best_before": date(1, 1, 1)}, "best_before"),
    ],
)
async def test_impossible_or_contradicting_dates_are_refused(db, details, field):
    seller, _, product_id = await seller_with_product()
    with pytest.raises(InvalidInput) as refused:
        await opened_batch(seller, product_id, **details)
    assert refused.value.fields[0].field == field


async def test_possible_dates_are_kept(db):
    seller, _, product_id = await seller_with_product()
    tomorrow = date.today() + timedelta(days=1)  # another timezone's today
    batch = await opened_batch(
        seller,
        product_id,
        harvested_on=date(2025, 12, 1),
        packed_on=tomorrow,
        best_before=tomorrow,
    )
    assert (batch.harvested_on, batch.packed_on) == (date(2025, 12, 1), tomorrow)


async def test_the_same_idempotency_key_records_the_event_once(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    entry = harvest(START, idempotency_key="k-123")
    first = await append_trace_event(seller, batch.code, entry)
    again = await append_trace_event(seller, batch.code, entry)
    assert again.event == first.event and again.repeated and not first.repeated
    other = await append_trace_event(seller, batch.code, harvest(START, idempotency_key="k-456"))
    assert other.event.sequence == 2
    assert len((await batch_journal(seller, batch.code)).events) == 2


async def test_concurrent_repeats_of_one_key_record_one_event(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    entry = harvest(START, idempotency_key="same-form")
    results = await asyncio.gather(
        *(append_trace_event(seller, batch.code, entry) for _ in range(4))
    )
    assert {result.event.sequence for result in results} == {1}
    assert len((await batch_journal(seller, batch.code)).events) == 1
    assert (await verify_journal(batch.code)).ok


async def test_a_malformed_idempotency_key_is_named(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    with pytest.raises(InvalidInput) as refused:
        await append_trace_event(seller, batch.code, harvest(START, idempotency_key="a b"))
    assert refused.value.fields[0].field == "idempotency_key"


def test_a_time_without_timezone_is_read_as_viet_nam_time():
    now = datetime(2026, 11, 2, tzinfo=UTC)
    assert occurred_at(datetime(2026, 11, 1, 7, 0), now) == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        occurred_at(datetime(1, 1, 1), now)


def test_normalize_drops_control_and_bidi_override_characters():
    assert normalize("A\x00B\u202eC\u2066D\x1b\x85E") == "ABCDE"
    assert normalize("Bưởi\tNgọc\nLũ") == "Bưởi Ngọc Lũ"


async def test_control_characters_never_reach_the_journal(db):
    seller, _, product_id = await seller_with_product(
        product=BUOI.__class__(**{**BUOI.__dict__, "name": "Bưởi\x00 Ngọc Lũ"})
    )
    batch = await opened_batch(seller, product_id, growing_area_code="VN\x00-37\u202e-01")
    result = await append_trace_event(
        seller,
        batch.code,
        EventInput(
            "spraying",
            START,
            actor="Anh\x00 Tám",
            notes="Dòng 1\r\nDòng\u202e 2\x00",
            inputs=(InputUsed("Regent\x00 800WG", "1\x07 gói", 7),),
        ),
    )
    assert batch.growing_area_code == "VN-37-01"
    assert batch.product_name == "Bưởi Ngọc Lũ"
    event = result.event
    assert (event.actor, event.notes) == ("Anh Tám", "Dòng 1\nDòng 2")
    assert (event.inputs[0].name, event.inputs[0].dose) == ("Regent 800WG", "1 gói")
    recalled = await recall_batch(seller, batch.code, "Nhiễm\x00 khuẩn")
    assert recalled.recall_reason == "Nhiễm khuẩn"


async def test_an_empty_recall_reason_speaks_of_the_reason(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    with pytest.raises(InvalidInput) as refused:
        await recall_batch(seller, batch.code, "  ")
    assert refused.value.fields[0].field == "reason"
    assert "Lý do thu hồi" in refused.value.message_vi
