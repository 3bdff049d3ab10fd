"""A Meilisearch that answers from HTTP fixtures (tests/marketplace/search/meilisearch_api/).

meilisearch-python-sdk 8 sends its requests through httpx2, which respx does not patch: the
SDK client's transport is replaced by an httpx2 mock transport that hands each request to a
respx router and its answer back.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import httpx2
import respx

from marketplace import search
from marketplace.search.meili import MeiliSearch

URL = "http://meilisearch.test:7700"
INDEX = "langso_products_test"
FIXTURES = Path(__file__).parent / "marketplace" / "search" / "meilisearch_api"


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def serve(router):
    """An httpx2 transport answering from a respx router (refusals become httpx2 errors)."""

    def handle(request):
        forwarded = httpx.Request(
            request.method,
            str(request.url),
            headers=list(request.headers.raw),
            content=request.read(),
        )
        try:
            answer = router.handler(forwarded)
        except httpx.ConnectError as refused:
            raise httpx2.ConnectError(str(refused), request=request) from refused
        return httpx2.Response(
            answer.status_code, headers=list(answer.headers.raw), content=answer.read()
        )

    return httpx2.MockTransport(handle)


def meili_router():
    """A respx router serving the configured Meilisearch backend (search.use_meilisearch)."""
    router = respx.MockRouter(base_url=URL, assert_all_called=False)
    backend = MeiliSearch(URL, "master-key", index_uid=INDEX, timeout_seconds=2)
    backend.client.http_client._transport = serve(router)
    search.use_meilisearch(backend)
    return router


def working(router):
    """Routes of a Meilisearch that accepts everything and finishes every task."""
    router.patch(f"/indexes/{INDEX}/settings").respond(
        202, json=fixture("task_enqueued_settings.json")
    )
    router.post(f"/indexes/{INDEX}/documents").respond(
        202, json=fixture("task_enqueued_documents.json")
    )
    router.post(f"/indexes/{INDEX}/documents/delete-batch").respond(
        202, json=fixture("task_enqueued_deletion.json")
    )
    router.get(url__regex=r"/tasks/\d+$").respond(200, json=fixture("task_succeeded.json"))
    router.get("/health").respond(200, json=fixture("health.json"))


def refusing(router):
    router.route(host="meilisearch.test").mock(side_effect=httpx.ConnectError("Connection refused"))


def failing(router):
    router.route(host="meilisearch.test").respond(500, json=fixture("error_internal.json"))
