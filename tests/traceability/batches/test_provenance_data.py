"""What the public may know: only public events and fields, corrections folded in, the
journal verified, links one step each way, the cache refreshed by writes and by time."""

import asyncio
from datetime import timedelta

import pytest

from marketplace.accounts.service import sign_up
from marketplace.catalogue.members import add_member
from marketplace.catalogue.schemas import ProducerInput
from marketplace.db import DB
from marketplace.errors import Conflict, PermissionDenied
from tests.batch_support import (
    NGOC_LU,
    START,
    full_journal,
    harvest,
    opened_batch,
    seller_with_product,
    spraying,
)
from traceability.batches import (
    EventInput,
    append_trace_event,
    cached_provenance,
    link_batches,
    provenance,
    recall_batch,
    set_public_fields,
)
from traceability.batches.cache import TTL_SECONDS
from traceability.batches.provenance import CACHE


async def test_default_public_fields_show_dates_inputs_places_but_not_notes_or_quantity(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    for entry in full_journal():
        await append_trace_event(seller, batch.code, entry)
    data = await provenance(batch.code, "vi")
    assert [event.kind for event in data.events] == [
        "planting",
        "fertilising",
        "spraying",
        "harvest",
        "packing",
        "inspection",
        "shipping",
    ]
    spraying_event = data.events[2]
    assert spraying_event.inputs[0].name == "Regent 800WG"
    assert spraying_event.inputs[0].phi_days == 7
    assert spraying_event.commune_name == "Xã Bình An"
    assert data.harvested_on is not None and data.growing_area_code == "VN-37-NL-001"
    assert data.events[0].notes is None  # notes are private unless the seller shares them
    assert data.quantity is None and data.events[3].quantity is None
    assert data.events[6].actor is None
    assert data.events[5].inspection_passed is True
    assert data.events[5].certificate_urls == ("https://example.org/vietgap/VG-37-001",)
    assert data.journal.ok and data.journal.checked == 7


async def test_private_events_and_hidden_fields_stay_out(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(notes="Phun góc vườn", public=False))
    await append_trace_event(
        seller,
        batch.code,
        spraying(START + timedelta(days=1), private_fields=frozenset({"inputs"})),
    )
    await set_public_fields(seller, batch.code, ["inputs", "notes", "quantity"])
    data = await provenance(batch.code)
    assert [event.sequence for event in data.events] == [2]
    assert data.events[0].inputs == ()
    assert data.events[0].commune_name is None  # "places" no longer shared
    assert data.harvested_on is None and data.growing_area_code is None
    assert "Regent" not in repr(data)


async def test_producer_address_and_phone_need_both_consent_and_the_batch_field(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    shared = await provenance(batch.code)
    assert (shared.producer.phone, shared.producer.address_line) == ("+84912000001", "Thôn Ngọc Lũ")
    await set_public_fields(seller, batch.code, ["dates"])
    hidden = await provenance(batch.code)
    assert (hidden.producer.phone, hidden.producer.address_line) == (None, None)


async def test_without_the_producers_consent_phone_and_address_never_show(db):
    no_consent = ProducerInput(**{**NGOC_LU.__dict__, "show_phone": False, "show_address": False})
    seller, _, product_id = await seller_with_product(producer=no_consent)
    batch = await opened_batch(seller, product_id)
    data = await provenance(batch.code)
    assert (data.producer.phone, data.producer.address_line) == (None, None)
    assert data.producer.commune_name == "Xã Bình An"


async def test_a_correction_is_shown_on_the_event_it_corrects(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START))
    await append_trace_event(
        seller, batch.code, EventInput("correction", START, corrects_sequence=1, notes="Sai ngày")
    )
    data = await provenance(batch.code, "en")
    assert [(event.kind, event.corrected_by) for event in data.events] == [("harvest", "Sai ngày")]
    assert data.events[0].kind_label == "Harvest"


async def test_phi_warning_names_the_input_only_when_that_input_is_public(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(START, public=False))
    await append_trace_event(seller, batch.code, harvest(START + timedelta(days=2)))
    data = await provenance(batch.code, "en")
    assert len(data.warnings) == 1
    assert "Regent" not in data.warnings[0] and "pre-harvest interval" in data.warnings[0]


async def test_links_show_one_step_before_and_one_after(db):
    seller, _, product_id = await seller_with_product()
    farm, coop, shop = [await opened_batch(seller, product_id) for _ in range(3)]
    await link_batches(seller, farm.code, coop.code)
    await link_batches(seller, coop.code, shop.code)
    data = await provenance(coop.code)
    assert [b.code for b in data.came_from] == [farm.code]
    assert [b.code for b in data.went_to] == [shop.code]
    with pytest.raises(Conflict):
        await link_batches(seller, shop.code, farm.code)  # a circle
    with pytest.raises(Conflict):
        await link_batches(seller, farm.code, coop.code)  # twice


async def test_linking_needs_work_for_the_producers_of_both_batches(db):
    seller, _, product_id = await seller_with_product()
    other, _, other_product = await seller_with_product(
        "0987654321", producer=ProducerInput(**{**NGOC_LU.__dict__, "name": "HTX Khác"})
    )
    mine, theirs = await opened_batch(seller, product_id), await opened_batch(other, other_product)
    # A link shows on both batches' pages: neither producer may write onto the other's.
    for account, source, target in ((other, mine, theirs), (seller, mine, theirs)):
        with pytest.raises(PermissionDenied) as refused:
            await link_batches(account, source.code, target.code)
        assert refused.value.code == "batch_link_not_yours"
    stranger = await sign_up("0911111111", "mat-khau-3", "Người lạ")
    extra = await opened_batch(seller, product_id)
    with pytest.raises(PermissionDenied):
        await link_batches(stranger, mine.code, extra.code)
    assert (await provenance(theirs.code)).came_from == ()
    assert (await provenance(mine.code)).went_to == ()


@pytest.fixture
def long_lived_cache():
    """The provenance cache with a long time-to-live, so that timing cannot decide a test."""
    CACHE.ttl = 60.0
    yield CACHE
    CACHE.ttl = TTL_SECONDS


async def test_cached_provenance_is_dropped_by_a_write_and_expires_after_its_ttl(
    db, long_lived_cache
):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    first = await cached_provenance(batch.code)
    assert await cached_provenance(batch.code) is first
    await append_trace_event(seller, batch.code, harvest(START))
    after_write = await cached_provenance(batch.code)
    assert after_write is not first and len(after_write.events) == 1
    await DB.run_ddl("UPDATE traceability_event SET notes = 'sửa lén'")
    assert (await cached_provenance(batch.code)).journal.ok  # still the cached copy
    long_lived_cache.ttl = 0.2
    await asyncio.sleep(0.3)
    assert not (await cached_provenance(batch.code)).journal.ok


async def test_only_owners_and_officers_may_recall(db):
    seller, producer_id, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    staff = await sign_up("0987654321", "mat-khau-2", "Nhân viên")
    await add_member(producer_id, staff.id, "staff")
    with pytest.raises(PermissionDenied):
        await recall_batch(staff, batch.code, "Nhân viên không được thu hồi")
    elsewhere = await sign_up(
        "0911111111", "mat-khau-3", "Cán bộ Thanh Hóa", is_officer=True, officer_province_code="38"
    )
    with pytest.raises(PermissionDenied):
        await recall_batch(elsewhere, batch.code, "Tỉnh khác")
    officer = await sign_up(
        "0922222222", "mat-khau-4", "Cán bộ Ninh Bình", is_officer=True, officer_province_code="37"
    )
    recalled = await recall_batch(officer, batch.code, "Kiểm tra phát hiện dư lượng")
    assert recalled.status == "recalled"
