"""`langso search reindex` while Meilisearch is down: the operator is told what was rebuilt."""

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
