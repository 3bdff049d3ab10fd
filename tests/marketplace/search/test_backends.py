"""Choosing the database backend, and what the native full-text backends (FTS5, PostgreSQL)
must do beyond the shared tests: rebuild themselves for a catalogue indexed before they
existed, fold đ, and keep their vocabulary in step with renamed products."""

import logging
from dataclasses import replace

import pytest

from marketplace import search
from marketplace.config import get_settings
from marketplace.db import DB, is_sqlite, write_transaction
from marketplace.search import SearchQuery
from tests.search_fixtures import BY_NAME, CATALOGUE


async def load_catalogue(product_ids):
    if product_ids is None:
        return list(CATALOGUE)
    return [d for d in CATALOGUE if d.product_id in product_ids]


@pytest.fixture
async def native(db):
    name = "fts5" if is_sqlite() else "postgresql"
    search.use_backend(name)
    await search.reindex(load_catalogue)
    yield name
    search.use_backend(None)


@pytest.fixture
def fresh_settings():
    """Settings are read once per process: read them again around a changed environment."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def names(text, **filters):
    return [h.name for h in (await search.search(SearchQuery(text=text, **filters))).hits]


@pytest.mark.parametrize(
    ("setting", "sqlite", "postgresql"),
    [
        ("auto", search.service.AUTO["sqlite"], search.service.AUTO["postgresql"]),
        ("memory", "memory", "memory"),
        ("fts5", "fts5", None),
        ("postgresql", None, "postgresql"),
        ("elastic", None, None),
    ],
)
async def test_search_backend_setting_picks_the_backend(
    db, fresh_settings, monkeypatch, caplog, setting, sqlite, postgresql
):
    monkeypatch.setenv("SEARCH_BACKEND", setting)
    get_settings.cache_clear()
    expected = sqlite if is_sqlite() else postgresql
    if expected is None:  # not a backend of this database: logged, and auto answers
        expected = search.service.AUTO["sqlite" if is_sqlite() else "postgresql"]
        with caplog.at_level(logging.ERROR):
            assert search.database_backend().name == expected
        assert "SEARCH_BACKEND" in caplog.text
    assert search.database_backend().name == expected
    assert (await search.health()).backend == expected


async def test_health_names_the_native_backend(native):
    assert (await search.health()).backend == native
    assert (await search.search(SearchQuery(text="gao"))).backend == native


async def test_a_catalogue_indexed_before_the_native_tables_is_indexed_at_the_next_search(native):
    # as after deploying the migration on a running shop: search_document is full, the native
    # tables were built for no generation
    async with write_transaction():
        await DB.run_ddl("DELETE FROM search_native_state")
    assert (await names("buoi ngoc lu"))[0] == "Bưởi Ngọc Lũ"


async def test_d_with_stroke_folds_to_d_in_names_and_queries(native):
    assert "Nho Đồng Du" in (await names("nho dong du"))[:1]
    assert "Nho Đồng Du" in (await names("NHO ĐỒNG DU"))[:1]
    assert "Nem chua Thanh Hóa" in await names("đặc sản thanh hóa")


async def test_a_renamed_product_leaves_its_old_words_behind(native):
    renamed = replace(BY_NAME["Nho Đồng Du"], name="Nho hạ đen")
    async with write_transaction():
        await search.product_changed(renamed, renamed.product_id)
    assert await names("nho ha den") == ["Nho hạ đen"]
    assert (await search.search(SearchQuery(text="nho ha dem"))).hits[0].name == "Nho hạ đen"
    before = (await search.search(SearchQuery(text="tham"))).total
    renamed = replace(renamed, name="Thảm lác Nga Sơn")
    async with write_transaction():
        await search.product_changed(renamed, renamed.product_id)
    assert (await search.search(SearchQuery(text="tham"))).total == before + 1
    assert "Thảm lác Nga Sơn" not in await names("nho ha den")


async def test_exact_diacritics_rank_first(native):
    found = await names("gáo")
    assert found[0] == "Gáo dừa mỹ nghệ"
    assert any(name.startswith("Gạo") for name in found[1:])


async def test_a_filter_with_no_match_answers_nothing(native):
    result = await search.search(SearchQuery(text="buoi", province_codes=("96",)))
    assert result.total == 0 and result.hits == []
    assert {f.value for f in result.facets["province"]} >= {"37"}
