"""EPCIS 2.0 export of a batch: valid against GS1's schema, hashes as event IDs, public only
unless the producer's own people ask for everything."""

from datetime import timedelta

import pytest

from marketplace.accounts.service import sign_up
from marketplace.errors import PermissionDenied
from tests.batch_support import (
    GTIN,
    START,
    epcis_validator,
    full_journal,
    harvest,
    opened_batch,
    seller_with_product,
    spraying,
)
from traceability.batches import EventInput, append_trace_event, epcis_for_batch, recall_batch
from traceability.epcis import LANGSO_VOCAB, event_hash

VALIDATOR = epcis_validator()


def schema_errors(document):
    return [error.message for error in VALIDATOR.iter_errors(document)]


async def journal_batch(gtin=None):
    seller, _, product_id = await seller_with_product(gtin=gtin)
    batch = await opened_batch(seller, product_id)
    for entry in full_journal():
        await append_trace_event(seller, batch.code, entry)
    return seller, batch.code


async def test_the_public_export_is_a_valid_epcis_document_with_cbv_hashes(db):
    _, code = await journal_batch()
    document = await epcis_for_batch(code)
    assert schema_errors(document) == []
    events = document["epcisBody"]["eventList"]
    assert len(events) == 7
    for event in events:
        assert event_hash(event, context=document["@context"]) == event["eventID"]
    assert [e.get("langso:previousEventID") for e in events[1:]] == [
        e["eventID"] for e in events[:-1]
    ]
    harvest_event = events[3]
    assert (harvest_event["bizStep"], harvest_event["action"]) == ("commissioning", "ADD")
    assert harvest_event["quantityList"][0]["epcClass"] == f"{LANGSO_VOCAB}lot/{code}"
    assert "quantity" not in harvest_event["quantityList"][0]  # quantity is private by default


async def test_private_events_and_fields_are_left_out_of_the_public_export(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(public=False))
    await append_trace_event(seller, batch.code, harvest(START + timedelta(days=9), notes="Bí mật"))
    public = await epcis_for_batch(batch.code)
    [only] = public["epcisBody"]["eventList"]
    assert only["bizStep"] == "commissioning"
    assert "langso:notes" not in only and "Regent" not in str(public)


async def test_the_owner_exports_everything_and_others_cannot(db):
    seller, code = await journal_batch()
    everything = await epcis_for_batch(code, public_only=False, account=seller)
    assert schema_errors(everything) == []
    harvest_event = everything["epcisBody"]["eventList"][3]
    assert harvest_event["quantityList"][0]["quantity"] == 480
    assert harvest_event["quantityList"][0]["uom"] == "H87"
    stranger = await sign_up("0987654321", "mat-khau-2", "Người lạ")
    with pytest.raises(PermissionDenied):
        await epcis_for_batch(code, public_only=False, account=stranger)
    with pytest.raises(PermissionDenied):
        await epcis_for_batch(code, public_only=False)


async def test_a_product_with_a_gtin_names_its_lot_by_the_canonical_digital_link(db):
    _, code = await journal_batch(gtin=GTIN)
    document = await epcis_for_batch(code)
    assert schema_errors(document) == []
    epc_class = document["epcisBody"]["eventList"][0]["quantityList"][0]["epcClass"]
    assert epc_class == f"https://id.gs1.org/01/{GTIN}/10/{code}"


async def test_a_correction_becomes_an_error_declaration_on_the_corrected_event(db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, harvest(START))
    await append_trace_event(
        seller,
        batch.code,
        EventInput(
            "correction",
            START + timedelta(hours=3),
            corrects_sequence=1,
            notes="Nhầm ngày thu hoạch",
        ),
    )
    document = await epcis_for_batch(batch.code)
    assert schema_errors(document) == []
    [event] = document["epcisBody"]["eventList"]
    assert event["errorDeclaration"]["reason"] == "incorrect_data"
    assert event["errorDeclaration"]["declarationTime"] == "2026-01-05T04:00:00.000Z"
    assert event["errorDeclaration"]["langso:reason"] == "Nhầm ngày thu hoạch"
    assert event_hash(event, context=document["@context"]) == event["eventID"]


async def test_a_recall_is_exported_with_the_recalled_disposition(db):
    seller, code = await journal_batch()
    await recall_batch(seller, code, "Dư lượng vượt ngưỡng")
    document = await epcis_for_batch(code)
    assert schema_errors(document) == []
    last = document["epcisBody"]["eventList"][-1]
    assert last["disposition"] == "recalled"
    assert last["langso:notes"] == "Dư lượng vượt ngưỡng"
