"""The client's network address, trusting X-Forwarded-For only from configured proxies."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    direct = connection.client.host if connection.client else "unknown"
    settings = connection.app.state.settings
    if direct in settings.trusted_proxies:
        forwarded = connection.headers.get("x-forwarded-for", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # The right-most address not belonging to our proxies is the real client.
        for hop in reversed(hops):
            if hop not in settings.trusted_proxies:
                return hop
    return direct
