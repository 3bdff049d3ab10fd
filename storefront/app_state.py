"""Access to the app-wide shared state from a request."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from storefront.shared_state import Counters, SharedState


def shared(connection: ASGIConnection[Any, Any, Any, Any]) -> SharedState:
    state = connection.app.state.shared
    assert isinstance(state, SharedState)
    return state


def counters(connection: ASGIConnection[Any, Any, Any, Any]) -> Counters:
    return shared(connection).counters
