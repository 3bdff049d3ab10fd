"""Sub-commands of `langso` contributed by features, registered in one list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def registrations() -> list[Callable[[Any], None]]:
    return []
