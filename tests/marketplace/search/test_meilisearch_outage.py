"""A Meilisearch that accepts connections but never answers must not make buyers wait.

The adapter talks real HTTP to a socket server on localhost that either hangs (reads each
request and never writes a byte, as a stuck Meilisearch does) or answers /multi-search with
the documented response (meilisearch_api/multi_search.json). The search timeout and the retry
window are shortened so that the tests take seconds; timing assertions keep wide margins.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from marketplace import search
from marketplace.db import write_transaction
from marketplace.search import SearchQuery, service
from marketplace.search.meili import MeiliSearch, MeiliUnavailable
from tests.meili_http import FIXTURES, INDEX
from tests.search_fixtures import BY_NAME

SEARCH_TIMEOUT = 0.5  # the adapter's search timeout in these tests
WINDOW = 0.5  # RETRY_MEILISEARCH_AFTER_SECONDS in these tests
QUICK = SEARCH_TIMEOUT / 2  # a search that did not wait for Meilisearch takes less than this
SLOW = SEARCH_TIMEOUT * 0.9  # one that waited for the timeout takes at least this


class LocalMeilisearch:
    """An HTTP/1.1 server on 127.0.0.1: `hanging`, or answering every request with the
    documented multi-search response. `requests` counts the requests it has read, and
    `request_read` is set at each."""

    def __init__(self) -> None:
        self.hanging = True
        self.requests = 0
        self.request_read = asyncio.Event()
        self._connections: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._connections):
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.decode("latin-1").split("\r\n"):
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                self.requests += 1
                self.request_read.set()
                if self.hanging:
                    await reader.read()  # until the client gives up and closes the connection
                    return
                body = (FIXTURES / "multi_search.json").read_bytes()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._connections.discard(writer)
            writer.close()


@pytest.fixture
async def meilisearch(db: None, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[LocalMeilisearch]:
    server = LocalMeilisearch()
    await server.start()
    backend = MeiliSearch(
        server.url, "master-key", index_uid=INDEX, search_timeout_seconds=SEARCH_TIMEOUT
    )
    monkeypatch.setattr(service, "RETRY_MEILISEARCH_AFTER_SECONDS", WINDOW)
    search.use_meilisearch(backend)
    async with write_transaction():
        nem = BY_NAME["Nem chua Thanh Hóa"]
        await search.product_changed(nem, nem.product_id)
    yield server
    search.use_meilisearch(None)
    await backend.client.aclose()
    await server.stop()


async def timed_search(text: str = "nem chua") -> tuple[float, search.SearchResult]:
    started = time.perf_counter()
    result = await search.search(SearchQuery(text=text))
    return time.perf_counter() - started, result


def from_the_database(result: search.SearchResult) -> bool:
    names = [hit.name for hit in result.hits]
    return result.degraded and result.backend != "meilisearch" and names == ["Nem chua Thanh Hóa"]


async def test_a_hung_meilisearch_is_unavailable_after_the_search_timeout(
    meilisearch: LocalMeilisearch,
) -> None:
    backend = search.meilisearch()
    assert backend is not None
    started = time.perf_counter()
    with pytest.raises(MeiliUnavailable, match="no answer"):
        await backend.search(SearchQuery(text="nem chua"))
    assert SLOW <= time.perf_counter() - started < SEARCH_TIMEOUT + 1.0
    assert meilisearch.requests == 1


async def test_the_first_search_waits_the_short_timeout_then_the_database_answers(
    meilisearch: LocalMeilisearch,
) -> None:
    took, result = await timed_search()
    assert from_the_database(result)
    assert SLOW <= took < SEARCH_TIMEOUT + 1.0  # not the client's 5 s
    took, result = await timed_search("nem")
    assert from_the_database(result) and took < QUICK
    assert meilisearch.requests == 1


async def test_during_a_probe_the_other_searches_answer_from_the_database_at_once(
    meilisearch: LocalMeilisearch,
) -> None:
    await timed_search()
    await asyncio.sleep(WINDOW + 0.1)
    meilisearch.request_read.clear()
    probe = asyncio.create_task(timed_search())
    await asyncio.wait_for(meilisearch.request_read.wait(), SEARCH_TIMEOUT)  # probe under way
    others = await asyncio.gather(*(timed_search() for _ in range(8)))
    assert not probe.done()
    assert all(from_the_database(result) for _, result in others)
    assert max(took for took, _ in others) < QUICK
    took, result = await probe
    assert from_the_database(result) and took >= SLOW
    assert meilisearch.requests == 2


async def test_after_the_window_only_one_of_concurrent_searches_waits(
    meilisearch: LocalMeilisearch,
) -> None:
    await timed_search()
    await asyncio.sleep(WINDOW + 0.1)
    answers = await asyncio.gather(*(timed_search() for _ in range(8)))
    assert all(from_the_database(result) for _, result in answers)
    durations = sorted(took for took, _ in answers)
    assert durations[-1] >= SLOW  # the probe
    assert durations[-2] < QUICK  # everyone else
    assert meilisearch.requests == 2


async def test_a_failed_probe_restarts_the_window_and_a_successful_one_ends_the_outage(
    meilisearch: LocalMeilisearch,
) -> None:
    await timed_search()
    await asyncio.sleep(WINDOW + 0.1)
    took, result = await timed_search()  # the probe: still hung
    assert from_the_database(result) and took >= SLOW
    took, result = await timed_search()
    assert from_the_database(result) and took < QUICK
    assert meilisearch.requests == 2

    meilisearch.hanging = False
    took, result = await timed_search()  # within the new window: Meilisearch is not asked
    assert from_the_database(result) and meilisearch.requests == 2
    await asyncio.sleep(WINDOW + 0.1)
    took, result = await timed_search("buoi")  # the probe: Meilisearch answers
    assert not result.degraded and result.backend == "meilisearch" and result.total == 2
    answers = await asyncio.gather(*(timed_search("buoi") for _ in range(4)))
    assert all(r.backend == "meilisearch" and not r.degraded for _, r in answers)
    assert meilisearch.requests == 3 + 4


async def test_health_says_degraded_at_once_once_a_search_found_meilisearch_down(
    meilisearch: LocalMeilisearch,
) -> None:
    await timed_search()  # waits the short timeout: Meilisearch is now known to be down
    started = time.perf_counter()
    health = await search.health()
    assert health.status == "degraded" and health.backend == "meilisearch"
    assert time.perf_counter() - started < QUICK  # no wait for the server that does not answer
    assert meilisearch.requests == 1
