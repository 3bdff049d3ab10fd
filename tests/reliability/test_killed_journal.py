"""Batch journal appends while the server is SIGKILLed at random moments, then restarted.

Sellers' tools post events to a few batches at once (so appends to one batch contend for its
head) and the server is killed without warning several times. Afterwards every batch's hash
chain verifies, the head (event count, last hash) matches the last stored event, sequences
run 1…n without a gap, no event is stored twice or half (an event without its head move, a
head move without its event), and every event the server acknowledged is there at the
sequence it was given.
"""

# The shared test helpers (tests/meili_http.py, tests/batch_support.py) are not annotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import timedelta
from typing import Any

import httpx
import pytest

from marketplace.accounts.service import create_api_token
from tests.batch_support import START, opened_batch, seller_with_product, spraying
from tests.reliability.server import LiveServer, Progress
from traceability.batches import append_trace_event
from traceability.batches.tables import Batch, EventPhoto, TraceEvent
from traceability.batches.verify import verify_journal

pytestmark = pytest.mark.db

ROUNDS = 3
WRITERS = 10
BATCHES = 3


def _event(number: int, rng: random.Random) -> dict[str, Any]:
    at = (START + timedelta(minutes=number)).isoformat()
    note = f"ghi chép số {number:05d}"
    choice = rng.random()
    if choice < 0.15:
        return {"kind": "correction", "occurred_at": at, "corrects_sequence": 1, "notes": note}
    if choice < 0.5:
        return {
            "kind": "spraying",
            "occurred_at": at,
            "notes": note,
            "inputs": [{"name": "Bt", "dose": "20 ml/bình", "phi_days": 5}],
            "commune_code": "13540",
        }
    if choice < 0.7:
        return {"kind": "inspection", "occurred_at": at, "notes": note, "inspection_passed": True}
    return {
        "kind": "fertilising",
        "occurred_at": at,
        "notes": note,
        "inputs": [{"name": "Phân NPK 16-16-8", "dose": "2 kg/gốc"}],
        "public": rng.random() < 0.5,
    }


async def _write(
    client: httpx.AsyncClient,
    codes: list[str],
    numbers: itertools.count[int],
    rng: random.Random,
    acknowledged: dict[str, tuple[str, int]],
    sent: set[str],
    progress: Progress,
) -> None:
    while True:
        code = rng.choice(codes)
        event = _event(next(numbers), rng)
        sent.add(event["notes"])
        try:
            answer = await client.post(f"/api/v1/batches/{code}/events", json=event)
        except httpx.TransportError:
            return
        assert answer.status_code == 201, answer.text
        acknowledged[event["notes"]] = (code, answer.json()["event"]["sequence"])
        progress.acknowledged()


async def test_every_journal_verifies_after_the_server_is_killed_mid_append(
    live_server: LiveServer, chaos: random.Random
) -> None:
    seller, _, product_id = await seller_with_product()
    codes = []
    for _ in range(BATCHES):
        batch = await opened_batch(seller, product_id)
        await append_trace_event(seller, batch.code, spraying(START - timedelta(days=30)))
        codes.append(batch.code)
    _, secret = await create_api_token(seller.id, "Máy tính bảng ở kho")
    headers = {"authorization": f"Bearer {secret}"}
    numbers = itertools.count(1)
    acknowledged: dict[str, tuple[str, int]] = {}
    sent: set[str] = set()

    progress = Progress()
    for _ in range(ROUNDS):
        await live_server.start()
        progress.expect(chaos.randint(1, 3 * WRITERS))
        async with httpx.AsyncClient(base_url=live_server.url, headers=headers, timeout=60) as c:
            writers = [
                asyncio.create_task(_write(c, codes, numbers, chaos, acknowledged, sent, progress))
                for _ in range(WRITERS)
            ]
            await progress.kill_after(live_server, chaos.uniform(0, 0.5))
            await asyncio.gather(*writers)

    print(f"{len(sent)} events sent, {len(acknowledged)} acknowledged")
    print(f"{progress.kills_inside_a_write} of {ROUNDS} kills while a write was open")
    assert progress.kills_inside_a_write > 0
    assert len(acknowledged) >= ROUNDS, "the load never got going"
    stored: dict[str, tuple[str, int]] = {}
    for code in codes:
        assert (await verify_journal(code)).ok, code
        batch = await Batch.select().where(Batch.code == code).first()
        assert batch is not None
        rows = (
            await TraceEvent.select()
            .where(TraceEvent.batch == batch["id"])
            .order_by(TraceEvent.sequence)
        )
        assert [row["sequence"] for row in rows] == list(range(1, len(rows) + 1))
        assert batch["event_count"] == len(rows)
        assert batch["head_hash"] == rows[-1]["hash"]
        for row in rows[1:]:
            assert row["notes"] not in stored, f"event stored twice: {row['notes']}"
            stored[row["notes"]] = (code, row["sequence"])
    # Acknowledged means stored, where the server said; nothing stored that was never sent.
    assert {note: stored.get(note) for note in acknowledged} == acknowledged
    assert set(stored) <= sent
    event_ids = {int(r["id"]) for r in await TraceEvent.select(TraceEvent.id)}
    assert {int(r["event"]) for r in await EventPhoto.select(EventPhoto.event)} <= event_ids

    # The restarted server answers every journal as intact and keeps appending after it.
    await live_server.start()
    async with httpx.AsyncClient(base_url=live_server.url, headers=headers, timeout=30) as c:
        for code in codes:
            public = (await c.get(f"/api/v1/batches/{code}")).json()
            assert public["journal"]["ok"] is True
            count = len([n for n in stored.values() if n[0] == code]) + 1
            next_event = _event(next(numbers), chaos)
            answer = await c.post(f"/api/v1/batches/{code}/events", json=next_event)
            assert answer.status_code == 201, answer.text
            assert answer.json()["event"]["sequence"] == count + 1
    await live_server.kill()
    for code in codes:
        assert (await verify_journal(code)).ok
