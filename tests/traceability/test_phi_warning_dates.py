"""The pre-harvest warning names its date the way the rest of the page does, on Vietnam's
calendar (QA: "(safe from 09/09/2025)" beside "Sep 5, 2025" on the English page)."""

from datetime import UTC, datetime

from traceability.batches.schemas import PhiWarning


def _warning() -> PhiWarning:
    evening = datetime(2025, 9, 8, 20, 0, tzinfo=UTC)  # 03:00 on 9 September in Viet Nam
    return PhiWarning(
        input_name="Phân NPK",
        input_sequence=2,
        applied_at=evening,
        phi_days=7,
        harvest_sequence=3,
        harvested_at=evening,
        safe_from=evening,
    )


def test_the_safe_day_is_written_as_each_language_writes_dates():
    assert "(safe from Sep 9, 2025)" in _warning().message("en")
    assert "(an toàn từ 9 thg 9, 2025)" in _warning().message("vi")
