"""GET /health: is the database answering (and, later, the search backend)?"""

from __future__ import annotations

import msgspec
from litestar import Response, get

from marketplace import db


class ComponentHealth(msgspec.Struct):
    status: str
    backend: str
    detail: str | None = None


class Health(msgspec.Struct):
    status: str
    database: ComponentHealth


@get("/health/live", operation_id="GetLiveness", tags=["health"], cache=False)
async def get_liveness() -> str:
    """The process answers (no database involved): for load balancers and as a baseline."""
    return "ok"


@get("/health", operation_id="GetHealth", tags=["health"], cache=False)
async def get_health() -> Response[Health]:
    """Whether the service can answer: 200 when the database works, 503 when it does not."""
    backend = "sqlite" if db.is_sqlite() else "postgresql"
    try:
        await db.check()
        database = ComponentHealth(status="ok", backend=backend)
    except Exception as exc:  # any failure to reach the database means "down"
        database = ComponentHealth(status="down", backend=backend, detail=type(exc).__name__)
    healthy = database.status == "ok"
    return Response(
        Health(status="ok" if healthy else "degraded", database=database),
        status_code=200 if healthy else 503,
    )
