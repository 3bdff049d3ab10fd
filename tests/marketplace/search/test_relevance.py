"""Relevance: real queries, typed the way buyers type them, and what must come out on top.

Each row: the query, how many of the first results to look at, and the products that must all
be among them. The table runs on every database backend of the running engine (the in-memory
index and FTS5 on SQLite; the in-memory index and tsvector + pg_trgm on PostgreSQL) and, when
MEILISEARCH_URL points at a server, on Meilisearch too. Rows marked `embedded` rely on
decoding Vietnamese input methods, which Meilisearch does not do (the database backends do).
"""

import os
import secrets

import pytest

from marketplace import search
from marketplace.search import SearchQuery
from marketplace.search.meili import MeiliSearch
from tests.search_fixtures import BY_NAME, CATALOGUE

BOTH, EMBEDDED = "both", "embedded"

TABLE = [
    # what buyers type without diacritics
    ("buoi ngoc lu", 1, ["Bưởi Ngọc Lũ"], BOTH),
    ("nuoc mam", 2, ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"], BOTH),
    ("nuoc mam ba lang", 1, ["Nước mắm Ba Làng"], BOTH),
    ("dac san thanh hoa", 3, ["Nem chua Thanh Hóa"], BOTH),
    ("mat ong", 2, ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"], BOTH),
    ("nem chua", 1, ["Nem chua Thanh Hóa"], BOTH),
    ("gao", 2, ["Gạo nếp cái hoa vàng Kim Sơn", "Gạo hữu cơ Kim Sơn"], BOTH),
    ("chuoi ngu", 1, ["Chuối ngự An Ninh"], BOTH),
    ("nho dong du", 1, ["Nho Đồng Du"], BOTH),
    ("che xanh", 1, ["Chè xanh Như Xuân"], BOTH),
    ("ruou nep", 1, ["Rượu nếp Kim Sơn"], BOTH),
    ("chieu coi nga son", 1, ["Chiếu cói Nga Sơn"], BOTH),
    ("toi ly son", 1, ["Tỏi Lý Sơn"], BOTH),
    ("banh gai", 1, ["Bánh gai Tứ Trụ"], BOTH),
    ("ngoc lu", 2, ["Bưởi Ngọc Lũ", "Dưa hấu Ngọc Lũ"], BOTH),
    ("buoi dien", 1, ["Bưởi Diễn"], BOTH),
    # with diacritics, full or partial, old or new tone placement
    ("Bưởi Ngọc Lũ", 1, ["Bưởi Ngọc Lũ"], BOTH),
    ("nước mắm", 2, ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"], BOTH),
    ("mật ong rừng", 1, ["Mật ong rừng Cúc Phương"], BOTH),
    ("gạo", 2, ["Gạo nếp cái hoa vàng Kim Sơn", "Gạo hữu cơ Kim Sơn"], BOTH),
    ("gáo", 1, ["Gáo dừa mỹ nghệ"], EMBEDDED),
    ("bánh mật", 1, ["Bánh mật Nga Sơn"], BOTH),
    ("nem chua thanh hoá", 1, ["Nem chua Thanh Hóa"], BOTH),
    ("buoi ngọc lu", 1, ["Bưởi Ngọc Lũ"], BOTH),
    # typos and keys an input method left behind
    ("bưởii", 2, ["Bưởi Ngọc Lũ", "Bưởi Diễn"], BOTH),
    ("buoii ngoc lu", 1, ["Bưởi Ngọc Lũ"], BOTH),
    ("nuoc mamm", 2, ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"], BOTH),
    ("chieu coii", 1, ["Chiếu cói Nga Sơn"], BOTH),
    ("nuwowcs mawms", 2, ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"], EMBEDDED),
    ("mats ong", 2, ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"], BOTH),
    ("ddac sanr thanh hoas", 3, ["Nem chua Thanh Hóa"], EMBEDDED),
    ("gaoj", 2, ["Gạo nếp cái hoa vàng Kim Sơn", "Gạo hữu cơ Kim Sơn"], BOTH),
    # as you type: the last word is a prefix, even of one or two letters
    ("mật o", 2, ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"], BOTH),
    ("nem ch", 1, ["Nem chua Thanh Hóa"], BOTH),
    ("bưởi ng", 1, ["Bưởi Ngọc Lũ"], BOTH),
    ("chuoi n", 1, ["Chuối ngự An Ninh"], BOTH),
    ("nuoc m", 2, ["Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"], BOTH),
    # labels: producer, place, keywords; English descriptions
    ("nem chua xu thanh", 1, ["Nem chua Thanh Hóa"], BOTH),
    ("cuc phuong", 2, ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"], BOTH),
    ("pomelo", 1, ["Bưởi Ngọc Lũ"], BOTH),
    ("fish sauce", 1, ["Nước mắm Ba Làng"], BOTH),
    # written as a message to the shop: the conversation is left out, not the product
    ("chào shop mình cần mua mật ong", 2, ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"], BOTH),
    ("shop ơi cho mình hỏi còn nem chua không", 1, ["Nem chua Thanh Hóa"], BOTH),
    (
        "xin chào shop ơi cho mình hỏi có bán mật ong rừng không",
        1,
        ["Mật ong rừng Cúc Phương"],
        BOTH,
    ),
    ("shop oi cho minh hoi con nem chua khong", 1, ["Nem chua Thanh Hóa"], EMBEDDED),
    (
        "chao shop minh can mua mat ong",
        2,
        ["Mật ong rừng Cúc Phương", "Mật ong hoa nhãn"],
        EMBEDDED,
    ),
    # more than ten words: the product words are still searched
    ("qqa qqb qqc qqd qqe qqf qqg qqh qqi qqj nem chua", 1, ["Nem chua Thanh Hóa"], EMBEDDED),
    (
        "tôi muốn mua mật ong rừng nguyên chất Cúc Phương Ninh Bình để làm quà biếu Tết cho bố mẹ",
        1,
        ["Mật ong rừng Cúc Phương"],
        EMBEDDED,
    ),
    # the first words name the product, side by side in its name
    ("chè xanh thanh hoá", 1, ["Chè xanh Như Xuân"], BOTH),
    ("che xanh thanh hoa", 1, ["Chè xanh Như Xuân"], BOTH),
    ("che xanh thanh", 1, ["Chè xanh Như Xuân"], BOTH),
    # the other region's word, written in a description ("thịt lợn")
    ("heo", 1, ["Nem chua Thanh Hóa"], EMBEDDED),
    ("nem chua heo", 1, ["Nem chua Thanh Hóa"], EMBEDDED),
    # stars and prices typed as words are filters: "3 sao" is at least three stars (not the
    # keyword "OCOP 3 sao" of Chả tôm, by "Cơ sở Nem chua"), "dưới 100k" under 100,000 đồng
    ("nem chua thanh hoa 3 sao", 1, ["Nem chua Thanh Hóa"], BOTH),
    ("nem chua ocop 3 sao", 1, ["Nem chua Thanh Hóa"], BOTH),
    ("nước mắm dưới 100k", 1, ["Nước mắm Ba Làng"], BOTH),
    ("nuoc mam duoi 100 nghin", 1, ["Nước mắm Ba Làng"], BOTH),
    ("mat ong duoi 250k", 1, ["Mật ong hoa nhãn"], BOTH),
    ("mật ong trên 300k", 1, ["Mật ong rừng Cúc Phương"], BOTH),
    # marks typed on the word being typed: names with a word starting so first
    ("bư", 2, ["Bưởi Diễn", "Bưởi Ngọc Lũ"], EMBEDDED),
    ("sâ", 1, ["Chuối ngự sấy dẻo"], EMBEDDED),
]

SHORT_PREFIXES = ["b", "ch", "ng", "m"]


async def load_catalogue(product_ids):
    if product_ids is None:
        return list(CATALOGUE)
    return [d for d in CATALOGUE if d.product_id in product_ids]


def rows(backend):
    return [
        pytest.param(query, top, expected, id=query)
        for query, top, expected, where in TABLE
        if where in (BOTH, backend)
    ]


async def check(query, top, expected):
    result = await search.search(SearchQuery(text=query))
    found = [hit.name for hit in result.hits[:top]]
    missing = [name for name in expected if name not in found]
    assert not missing, f"{query!r}: top {top} are {found}"


@pytest.fixture(scope="module")
def fixture_names_exist():
    for _, _, expected, _ in TABLE:
        for name in expected:
            assert name in BY_NAME


async def test_database_backends_put_them_on_top(search_backend, fixture_names_exist):
    """Every row of the table on one backend, indexed once (the database is slow to empty)."""
    await search.reindex(load_catalogue)
    assert (await search.search(SearchQuery(text="gao"))).backend == search_backend
    misses = []
    for query, top, expected, where in TABLE:
        if where in (BOTH, EMBEDDED):
            found = [h.name for h in (await search.search(SearchQuery(text=query))).hits[:top]]
            if any(name not in found for name in expected):
                misses.append(f"{query!r}: top {top} are {found}, expected {expected}")
    assert not misses, "\n".join(misses)


async def test_short_prefixes_bring_names_starting_with_them(search_backend):
    await search.reindex(load_catalogue)
    for prefix in SHORT_PREFIXES:
        result = await search.search(SearchQuery(text=prefix, page_size=3))
        assert result.total > 0, prefix
        for hit in result.hits:
            assert any(w.folded.startswith(prefix) for w in _words(hit.name)), (prefix, hit.name)


def _words(text):
    from marketplace.search.tokens import words

    return words(text)


@pytest.fixture
async def meilisearch_backend(db):
    backend = MeiliSearch(
        os.environ["MEILISEARCH_URL"],
        os.environ.get("MEILISEARCH_API_KEY"),
        index_uid=f"langso_test_{secrets.token_hex(4)}",
    )
    search.use_meilisearch(backend)
    await search.reindex(load_catalogue)
    yield backend
    await backend.client.delete_index_if_exists(backend.index_uid)
    search.use_meilisearch(None)


@pytest.mark.meilisearch
@pytest.mark.parametrize(("query", "top", "expected"), rows("meilisearch"))
async def test_meilisearch_puts_them_on_top(meilisearch_backend, query, top, expected):
    await check(query, top, expected)
