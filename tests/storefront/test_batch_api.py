"""Batches in the JSON API: public provenance and EPCIS, and the seller's writes by token."""

from datetime import timedelta

from marketplace.accounts.service import create_api_token, sign_up
from tests.batch_support import (
    START,
    epcis_validator,
    full_journal,
    opened_batch,
    seller_with_product,
    spraying,
)
from traceability.batches import append_trace_event
from traceability.codes import new_batch_code

VALIDATOR = epcis_validator()


async def bearer(account):
    _, secret = await create_api_token(account.id, "Máy tính ở kho")
    return {"authorization": f"Bearer {secret}"}


async def journal_batch():
    seller, producer_id, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    for entry in full_journal():
        await append_trace_event(seller, batch.code, entry)
    return seller, producer_id, product_id, batch.code


async def test_public_provenance_json_has_only_public_data(client, db):
    seller, _, _, code = await journal_batch()
    await append_trace_event(seller, code, spraying(START + timedelta(days=3), public=False))
    answer = await client.get(f"/api/v1/batches/{code}?lang=en")
    assert answer.status_code == 200
    body = answer.json()
    assert body["code"] == code and body["status"] == "active"
    assert body["product"]["url"].endswith("/products/buoi-ngoc-lu")
    assert [event["sequence"] for event in body["events"]] == [1, 2, 3, 4, 5, 6, 7]
    assert body["events"][3]["kind_label"] == "Harvest"
    assert body["events"][2]["inputs"] == [
        {"name": "Regent 800WG", "dose": "1 gói/bình 16 lít", "phi_days": 7}
    ]
    assert body["events"][0]["notes"] is None and body["quantity"] is None
    assert body["journal"] == {
        "ok": True,
        "first_bad_sequence": None,
        "problem": None,
        "checked": 8,
    }
    assert body["producer"]["commune"] == "Xã Bình An"


async def test_unknown_batch_is_problem_json_404(client, db):
    answer = await client.get(f"/api/v1/batches/{new_batch_code()}")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "batch_not_found"


async def test_epcis_export_is_json_ld_valid_against_gs1s_schema(client, db):
    seller, _, _, code = await journal_batch()
    await append_trace_event(seller, code, spraying(START + timedelta(days=3), public=False))
    public = await client.get(f"/api/v1/batches/{code}/epcis")
    assert public.headers["content-type"].startswith("application/ld+json")
    assert list(VALIDATOR.iter_errors(public.json())) == []
    assert len(public.json()["epcisBody"]["eventList"]) == 7


async def test_the_owner_exports_everything_with_a_token(client, db):
    seller, _, _, code = await journal_batch()
    await append_trace_event(seller, code, spraying(START + timedelta(days=3), public=False))
    full = await client.get(f"/api/v1/batches/{code}/epcis?scope=all", headers=await bearer(seller))
    assert full.status_code == 200
    assert len(full.json()["epcisBody"]["eventList"]) == 8
    assert list(VALIDATOR.iter_errors(full.json())) == []
    anonymous = await client.get(f"/api/v1/batches/{code}/epcis?scope=all")
    assert anonymous.status_code == 403
    stranger = await sign_up("0987654321", "mat-khau-2", "Người lạ")
    refused = await client.get(
        f"/api/v1/batches/{code}/epcis?scope=all", headers=await bearer(stranger)
    )
    assert refused.status_code == 403


async def test_a_seller_opens_a_batch_and_records_events_by_token(client, db):
    seller, producer_id, product_id = await seller_with_product()
    headers = await bearer(seller)
    opened = await client.post(
        "/api/v1/batches",
        json={
            "product_id": product_id,
            "quantity": "250.5",
            "unit": "kg",
            "growing_area_code": "VN-37-NL-002",
        },
        headers=headers,
    )
    assert opened.status_code == 201, opened.text
    code = opened.json()["code"]
    assert opened.json()["quantity"] == "250.5"
    sprayed = await client.post(
        f"/api/v1/batches/{code}/events",
        json={
            "kind": "spraying",
            "occurred_at": START.isoformat(),
            "inputs": [{"name": "Bt", "dose": "20 ml/bình", "phi_days": 5}],
        },
        headers=headers,
    )
    assert sprayed.status_code == 201, sprayed.text
    harvested = await client.post(
        f"/api/v1/batches/{code}/events",
        json={"kind": "harvest", "occurred_at": (START + timedelta(days=2)).isoformat()},
        headers=headers,
    )
    body = harvested.json()
    assert body["event"]["sequence"] == 2
    assert body["event"]["previous_hash"] == sprayed.json()["event"]["hash"]
    assert len(body["warnings"]) == 1 and "cách ly 5 ngày" in body["warnings"][0]
    listed = await client.get(f"/api/v1/producers/{producer_id}/batches", headers=headers)
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["event_count"] == 2
    journal = await client.get(f"/api/v1/batches/{code}/journal", headers=headers)
    assert journal.json()["journal"]["ok"] is True


async def test_a_bad_event_is_a_422_with_a_stable_code(client, db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    answer = await client.post(
        f"/api/v1/batches/{batch.code}/events",
        json={"kind": "spraying", "occurred_at": START.isoformat()},
        headers=await bearer(seller),
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "inputs_required"


async def test_recall_and_link_through_the_api(client, db):
    seller, _, product_id = await seller_with_product()
    headers = await bearer(seller)
    first, second = await opened_batch(seller, product_id), await opened_batch(seller, product_id)
    linked = await client.post(
        f"/api/v1/batches/{first.code}/links", json={"to_code": second.code}, headers=headers
    )
    assert linked.status_code == 204
    recalled = await client.post(
        f"/api/v1/batches/{first.code}/recall", json={"reason": "Bao bì rách"}, headers=headers
    )
    assert recalled.json()["status"] == "recalled"
    public = (await client.get(f"/api/v1/batches/{first.code}")).json()
    assert public["status"] == "recalled" and public["recall_reason"] == "Bao bì rách"
    assert public["product"]["buyable"] is False
    assert [b["code"] for b in public["went_to"]] == [second.code]


async def test_writes_need_an_account(client, db):
    answer = await client.post("/api/v1/batches", json={"product_id": 1})
    assert answer.status_code in (401, 403)


async def test_the_batch_operations_are_documented_in_openapi(client, db):
    spec = (await client.get("/schema/openapi.json")).json()
    operations = {
        operation.get("operationId")
        for path in spec["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
    }
    assert {
        "GetBatchProvenance",
        "ExportBatchEpcis",
        "OpenBatch",
        "AppendBatchEvent",
        "RecallBatch",
        "LinkBatches",
        "ListProducerBatches",
    } <= operations
