"""Text typed the way phones and foreign keyboards leave it, on every database backend
(`search_backend`): input-method keys after the final consonant, full-width Latin, and words
of a script no product name is written in."""

from dataclasses import replace

import pytest

from marketplace import search
from marketplace.db import write_transaction
from marketplace.search import SearchQuery
from tests.search_fixtures import BY_NAME, CATALOGUE

pytestmark = pytest.mark.usefixtures("search_backend")

NAMED_MAM = {d.name for d in CATALOGUE if "mắm" in d.name.lower()}
NUOC_MAM = {"Nước mắm Ba Làng", "Nước mắm cốt cá cơm thượng hạng"}


async def _catalogue(product_ids):
    return [d for d in CATALOGUE if product_ids is None or d.product_id in product_ids]


@pytest.fixture
async def catalogue(db):
    await search.reindex(_catalogue)


async def names(text):
    result = await search.search(SearchQuery(text=text, page_size=100))
    return [hit.name for hit in result.hits]


async def _rename(name, new_name):
    document = replace(BY_NAME[name], name=new_name)
    async with write_transaction():
        await search.product_changed(document, document.product_id)


@pytest.mark.parametrize("text", ["mamws", "mamsw", "mam85"])
async def test_keys_typed_after_the_final_consonant_find_the_word(catalogue, text):
    found = await names(text)
    assert len(NAMED_MAM) == 3
    assert set(found[: len(NAMED_MAM)]) == NAMED_MAM


@pytest.mark.parametrize("text", ["nuocws mamws", "nuoc71 mam85", "nuocws mamsw "])
async def test_a_phrase_typed_with_trailing_keys_finds_its_products(catalogue, text):
    assert set((await names(text))[:2]) == NUOC_MAM


async def test_a_word_found_as_typed_is_not_decoded(catalogue):
    await _rename("Bánh mật Nga Sơn", "Bánh Mams Nga Sơn")
    assert await names("mams") == ["Bánh Mams Nga Sơn"]  # not the products with "mắm"


async def test_full_width_latin_finds_what_ascii_finds(catalogue):
    full_width = await search.search(SearchQuery(text="ＮＵＯＣ　ＭＡＭ", page_size=100))
    ascii_ = await search.search(SearchQuery(text="NUOC MAM", page_size=100))
    assert [h.name for h in full_width.hits] == [h.name for h in ascii_.hits]
    assert set([h.name for h in full_width.hits][:2]) == NUOC_MAM
    assert full_width.total == ascii_.total and full_width.ignored_words == []
    assert "<mark>Nước</mark> <mark>mắm</mark>" in full_width.hits[0].name_html


@pytest.mark.parametrize(
    ("text", "ignored"),
    [("鱼露", ["鱼露"]), ("น้ำปลา", ["น้ำปลา"]), ("鱼露 น้ำปลา ", ["鱼露", "น้ำปลา"])],
)
async def test_words_of_another_script_find_nothing_rather_than_everything(
    catalogue, text, ignored
):
    result = await search.search(SearchQuery(text=text))
    assert (result.total, result.hits) == (0, [])
    assert result.ignored_words == ignored


async def test_a_word_of_another_script_beside_vietnamese_is_left_out(catalogue):
    result = await search.search(SearchQuery(text="nước mắm 鱼露"))
    assert set([h.name for h in result.hits][:2]) == NUOC_MAM
    assert result.ignored_words == ["鱼露"]


@pytest.mark.parametrize("word", ["鱼露", "น้ำปลา"])
async def test_a_name_written_partly_in_another_script_is_found_by_it(catalogue, word):
    await _rename("Nước mắm Ba Làng", f"Nước mắm Ba Làng {word}")
    assert await names(word) == [f"Nước mắm Ba Làng {word}"]
