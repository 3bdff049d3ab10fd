"""GET /health: is the database answering, and the search backend?"""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec

from marketplace import db, search


class ComponentHealth(msgspec.Struct):
    status: str
    backend: str
    detail: str | None = None


class SearchHealth(msgspec.Struct):
    """`degraded`: Meilisearch does not answer; searches use the database backend meanwhile and
    changes wait in the outbox (`outbox_backlog` products)."""

    status: str
    backend: str
    outbox_backlog: int | None


class Health(msgspec.Struct):
    status: str
    database: ComponentHealth
    search: SearchHealth


@get("/health/live", operation_id="GetLiveness", tags=["health"], cache=False)
async def get_liveness() -> str:
    """The process answers (no database involved): for load balancers and as a baseline."""
    return "ok"


@get(
    "/health",
    operation_id="GetHealth",
    tags=["health"],
    cache=False,
    responses={503: ResponseSpec(Health, description="The database does not answer.")},
)
async def get_health() -> Response[Health]:
    """Whether the service can answer: 200 when the database works, 503 when it does not."""
    backend = "sqlite" if db.is_sqlite() else "postgresql"
    try:
        await db.check()
        database = ComponentHealth(status="ok", backend=backend)
    except Exception as exc:  # any failure to reach the database means "down"
        database = ComponentHealth(status="down", backend=backend, detail=type(exc).__name__)
    healthy = database.status == "ok"
    search_health = await _search_health() if healthy else _search_down()
    overall = "ok" if healthy and search_health.status == "ok" else "degraded"
    return Response(
        Health(status=overall, database=database, search=search_health),
        status_code=200 if healthy else 503,
    )


async def _search_health() -> SearchHealth:
    try:
        found = await search.health()
    except Exception:  # a broken search must not hide the database's answer
        return _search_down()
    return SearchHealth(found.status, found.backend, found.outbox_backlog)


def _search_down() -> SearchHealth:
    return SearchHealth(status="down", backend=search.backend_name(), outbox_backlog=None)
