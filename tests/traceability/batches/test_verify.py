"""Editing, deleting or reordering stored events behind the application's back is detected."""

import hashlib

import pytest

from marketplace.db import DB
from tests.batch_support import (
    full_journal,
    jpeg_bytes,
    opened_batch,
    seller_with_product,
    spraying,
)
from traceability.batches import PhotoUpload, append_trace_event, verify_journal
from traceability.batches.chain import canonical_event
from traceability.batches.records import event_rows, photo_rows
from traceability.batches.tables import Batch, TraceEvent


async def journal_of_seven():
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    for entry in full_journal():
        await append_trace_event(seller, batch.code, entry)
    row = await Batch.select(Batch.id).where(Batch.code == batch.code).first()
    return batch.code, row["id"]


async def sql(statement):
    # Straight to the database, as someone with access to the file or server would.
    await DB.run_ddl(statement)


async def test_an_untouched_journal_verifies(db):
    code, _ = await journal_of_seven()
    result = await verify_journal(code)
    assert (result.ok, result.first_bad_sequence, result.problem, result.checked) == (
        True,
        None,
        None,
        7,
    )


async def test_rewriting_a_value_with_itself_is_not_an_edit(db):
    code, batch_id = await journal_of_seven()
    await sql(
        f"UPDATE traceability_event SET notes = notes, occurred_at = occurred_at "
        f"WHERE batch = {batch_id}"
    )
    assert (await verify_journal(code)).ok


@pytest.mark.parametrize(
    "change",
    [
        "notes = 'Không phun thuốc'",
        'inputs = \'[{"name": "Nước lã", "dose": "1 lít", "phi_days": 0}]\'',
        "public = false",
        "actor = 'Người khác'",
    ],
)
async def test_an_edited_event_is_reported_with_its_sequence(db, change):
    code, batch_id = await journal_of_seven()
    await sql(f"UPDATE traceability_event SET {change} WHERE batch = {batch_id} AND sequence = 3")
    result = await verify_journal(code)
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 3, "edited")


async def test_an_edit_whose_hash_was_recomputed_is_caught_by_the_next_link(db):
    code, batch_id = await journal_of_seven()
    rows = await event_rows(batch_id)
    third = dict(rows[2], notes="Sửa lén")
    forged = hashlib.sha256(canonical_event(code, third, [])).hexdigest()
    await sql(
        f"UPDATE traceability_event SET notes = 'Sửa lén', hash = '{forged}' "
        f"WHERE batch = {batch_id} AND sequence = 3"
    )
    result = await verify_journal(code)
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 3, "edited")


async def test_a_deleted_event_leaves_a_gap(db):
    code, batch_id = await journal_of_seven()
    await sql(f"DELETE FROM traceability_event WHERE batch = {batch_id} AND sequence = 4")
    result = await verify_journal(code)
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 4, "deleted")


async def test_a_deleted_event_with_the_numbers_closed_up_is_still_a_deletion(db):
    code, batch_id = await journal_of_seven()
    await sql(f"DELETE FROM traceability_event WHERE batch = {batch_id} AND sequence = 4")
    for sequence in (5, 6, 7):
        await sql(
            f"UPDATE traceability_event SET sequence = {sequence - 1} "
            f"WHERE batch = {batch_id} AND sequence = {sequence}"
        )
    result = await verify_journal(code)
    assert (result.ok, result.problem) == (False, "deleted")
    assert result.first_bad_sequence == 4


async def test_deleting_the_newest_event_is_caught_by_the_batch_head(db):
    code, batch_id = await journal_of_seven()
    await sql(f"DELETE FROM traceability_event WHERE batch = {batch_id} AND sequence = 7")
    result = await verify_journal(code)
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 7, "deleted")


async def test_swapped_events_are_reported_as_reordered(db):
    code, batch_id = await journal_of_seven()
    await sql(
        f"UPDATE traceability_event SET sequence = 100 WHERE batch = {batch_id} AND sequence = 2"
    )
    await sql(
        f"UPDATE traceability_event SET sequence = 2 WHERE batch = {batch_id} AND sequence = 3"
    )
    await sql(
        f"UPDATE traceability_event SET sequence = 3 WHERE batch = {batch_id} AND sequence = 100"
    )
    result = await verify_journal(code)
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 2, "reordered")


async def test_a_changed_photo_counts_as_an_edit(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(photos=(PhotoUpload(jpeg_bytes()),)))
    row = await Batch.select(Batch.id).where(Batch.code == batch.code).first()
    [event] = await event_rows(row["id"])
    assert (await photo_rows([event["id"]]))[event["id"]]
    await sql(f"UPDATE traceability_event_photo SET alt = 'ảnh khác' WHERE event = {event['id']}")
    result = await verify_journal(batch.code)
    assert (result.ok, result.problem) == (False, "edited")


async def test_rows_are_really_stored_and_read_back_on_this_engine(db):
    # The chain is only as good as the round trip: every type read back hashes the same.
    code, batch_id = await journal_of_seven()
    assert await TraceEvent.count().where(TraceEvent.batch == batch_id) == 7
    assert (await verify_journal(code)).ok
