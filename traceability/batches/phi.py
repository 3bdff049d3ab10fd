"""Pre-harvest intervals (thời gian cách ly): a harvest must wait PHI days after an input.

The rule is `harvest time < input time + PHI days` → warning, checked both ways: a harvest
recorded after the spraying, and a spraying recorded late, dated before a harvest already in
the journal. Inputs of events that a correction has withdrawn are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from traceability.batches.schemas import (
    INPUT_KINDS,
    EventKind,
    InputUsed,
    JournalEvent,
    PhiWarning,
)


def withdrawn_sequences(history: Iterable[JournalEvent]) -> set[int]:
    """Sequences that a later correction declared wrong."""
    return {
        event.corrects_sequence
        for event in history
        if event.kind == EventKind.CORRECTION and event.corrects_sequence is not None
    }


def phi_warnings(
    kind: EventKind,
    occurred_at: datetime,
    inputs: Sequence[InputUsed],
    sequence: int,
    history: Sequence[JournalEvent],
) -> list[PhiWarning]:
    """Warnings for a new event of `kind` at `occurred_at` against the journal so far."""
    withdrawn = withdrawn_sequences(history)
    standing = [event for event in history if event.sequence not in withdrawn]
    if kind is EventKind.HARVEST:
        return [
            warning
            for event in standing
            if event.kind in INPUT_KINDS
            for warning in _inside(
                event.inputs, event.occurred_at, event.sequence, occurred_at, sequence
            )
        ]
    if kind in INPUT_KINDS:
        return [
            warning
            for harvest in standing
            if harvest.kind == EventKind.HARVEST
            for warning in _inside(
                inputs, occurred_at, sequence, harvest.occurred_at, harvest.sequence
            )
        ]
    return []


def _inside(
    inputs: Iterable[InputUsed],
    applied_at: datetime,
    input_sequence: int,
    harvested_at: datetime,
    harvest_sequence: int,
) -> list[PhiWarning]:
    warnings = []
    for used in inputs:
        if not used.phi_days:
            continue
        safe_from = applied_at + timedelta(days=used.phi_days)
        if applied_at <= harvested_at < safe_from:
            warnings.append(
                PhiWarning(
                    input_name=used.name,
                    input_sequence=input_sequence,
                    applied_at=applied_at,
                    phi_days=used.phi_days,
                    harvest_sequence=harvest_sequence,
                    harvested_at=harvested_at,
                    safe_from=safe_from,
                )
            )
    return warnings
