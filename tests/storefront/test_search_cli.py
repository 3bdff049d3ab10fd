"""`langso search reindex` and `langso search sync`, run as the operator runs them."""

import asyncio
import os
import sys
from pathlib import Path

from marketplace import search
from marketplace.search import SearchQuery
from tests.shop import build_shop

ROOT = Path(__file__).resolve().parents[2]


async def _langso(*args, **env):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        *args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def names(text):
    return [hit.name for hit in (await search.search(SearchQuery(text=text))).hits]


async def test_products_created_in_the_catalogue_are_searchable_at_once(db):
    search.use_meilisearch(None)
    await build_shop()
    assert await names("buoi ngoc lu") == ["Bưởi Ngọc Lũ"]
    assert await names("mat ong ba thuoc") == ["Mật ong Bá Thước"]


async def test_reindex_rebuilds_the_index_from_the_catalogue(db):
    search.use_meilisearch(None)
    await build_shop()
    code, out, err = await _langso("search", "reindex")
    assert code == 0, err
    assert "3 products" in out and "3 sản phẩm" in out
    assert await names("gao tam hoa lu") == ["Gạo tám Hoa Lư"]


async def test_sync_without_meilisearch_says_there_is_nothing_to_feed(db):
    code, out, err = await _langso("search", "sync")
    assert code == 0, err
    assert "Meilisearch is not configured" in out


async def test_sync_with_meilisearch_unreachable_fails_and_keeps_the_outbox(db):
    search.use_meilisearch(None)
    await build_shop()
    code, out, err = await _langso(
        "search", "sync", "--attempts", "1", MEILISEARCH_URL="http://127.0.0.1:9"
    )
    assert code == 1
    assert "still waiting 3" in out and "error" in err.lower()
    assert (await search.health()).outbox_backlog == 3


async def test_reindex_with_meilisearch_unreachable_says_what_was_rebuilt(db):
    search.use_meilisearch(None)
    await build_shop()
    code, out, err = await _langso("search", "reindex", MEILISEARCH_URL="http://127.0.0.1:9")
    assert code == 1
    assert "Traceback" not in err
    assert "3 products" in out and "3 sản phẩm" in out
    assert "Meilisearch could not be reached" in err
    assert "Không kết nối được Meilisearch" in err
    assert "langso search reindex" in err
    # the database's index was rebuilt all the same
    found = await search.search(SearchQuery(text="gao tam hoa lu"))
    assert [hit.name for hit in found.hits] == ["Gạo tám Hoa Lư"]
