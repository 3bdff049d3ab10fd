"""Sub-commands of `langso` contributed by features, registered in one list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def registrations() -> list[Callable[[Any], None]]:
    from storefront.backup_cli import register as register_backup
    from storefront.cli_payments import register_payments, register_vietqr
    from storefront.search_cli import register as register_search
    from traceability.batches.cli import register as register_labels
    from traceability.heritage.cli import register as register_plaque

    return [
        register_vietqr,
        register_payments,
        register_plaque,
        register_labels,
        register_search,
        register_backup,
    ]
