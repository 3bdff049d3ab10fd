"""The seed batches: full journals that verify, one recall, and nothing new on a second run."""

from seeds import batches, catalogue, people
from traceability.batches import is_batch_recalled, provenance, verify_journal
from traceability.batches.tables import Batch, TraceEvent
from traceability.codes import parse_batch_code


async def test_seed_batches_load_once_with_full_journals_and_one_recall(db):
    await people.load()
    await catalogue.load()
    first = await batches.load()
    assert first == {"batches": len(batches.SEED_BATCHES), "batch_events": 30}
    assert await batches.load() == {"batches": 0, "batch_events": 0}
    assert await TraceEvent.count() == 30 + 1  # and the recall event
    for seed in batches.SEED_BATCHES:
        assert parse_batch_code(seed.code) == seed.code
        assert (await verify_journal(seed.code)).ok
    recalled = [seed.code for seed in batches.SEED_BATCHES if await is_batch_recalled(seed.code)]
    assert len(recalled) == 1
    tea = await provenance(recalled[0])
    assert tea.warnings and "Abamectin" in tea.warnings[0]
    pomelo = await provenance("BNG25A1001E")
    assert [event.kind for event in pomelo.events] == [
        "planting",
        "fertilising",
        "spraying",
        "harvest",
        "packing",
        "inspection",
        "shipping",
    ]
    box = await provenance("BNG25A1002F")
    assert [b.code for b in box.came_from] == ["BNG25A1001E"]


async def test_batch_seeds_skip_with_a_message_when_products_are_missing(db, capsys):
    assert await batches.load() == {"batches": 0, "batch_events": 0}
    assert "chưa có sản phẩm" in capsys.readouterr().out
    assert await Batch.count() == 0
