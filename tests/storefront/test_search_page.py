"""The search page, as a buyer without JavaScript uses it."""

import re
from dataclasses import replace

from marketplace import search
from tests.search_fixtures import CATALOGUE


def result_names(html):
    return [re.sub(r"<[^>]+>", "", name) for name in re.findall(r"<h2>(.*?)</h2>", html)]


async def test_typing_without_diacritics_finds_the_product_with_matches_marked(client, indexed):
    page = await client.get("/search", params={"q": "nem chua thanh hoa"})
    assert page.status_code == 200
    assert result_names(page.text)[0] == "Nem chua Thanh Hóa"
    assert "<mark>Nem</mark> <mark>chua</mark> <mark>Thanh</mark> <mark>Hóa</mark>" in page.text
    assert 'href="/products/sp-11"' in page.text


async def test_facet_checkboxes_filter_and_keep_their_state(client, indexed):
    page = await client.get("/search", params=[("q", "dac san"), ("province", "38")])
    names = result_names(page.text)
    assert names and all(
        next(d for d in CATALOGUE if d.name == n).province_code == "38" for n in names
    )
    assert re.search(r'name="province" value="38" checked', page.text)
    assert re.search(r'name="province" value="37"', page.text)  # the other choice, with its count


async def test_pages_link_to_each_other_keeping_the_filters(client, db):
    rice = next(d for d in CATALOGUE if d.name == "Gạo hữu cơ Kim Sơn")
    many = [replace(rice, product_id=100 + i, slug=f"gao-{i}", name=f"Gạo {i}") for i in range(30)]

    async def load(product_ids):
        return many

    await search.reindex(load)
    first = await client.get("/search", params={"q": "gao", "stars": "3"})
    next_link = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    assert "stars=3" in next_link and "page=2" in next_link
    second = await client.get(next_link)
    assert set(result_names(first.text)).isdisjoint(result_names(second.text))
    assert 'rel="prev"' in second.text


async def test_nonsense_in_the_address_is_ignored_not_refused(client, indexed):
    page = await client.get(
        "/search", params={"q": "gao", "page": "-4", "stars": "11", "sort": "x", "price_min": "abc"}
    )
    assert page.status_code == 200
    assert "Gạo" in page.text


async def test_words_nobody_sells_are_named(client, indexed):
    page = await client.get("/search", params={"q": "xqzw"})
    assert "xqzw" in page.text and "Không tìm thấy sản phẩm nào" in page.text


async def test_the_page_speaks_english(client, indexed):
    page = await client.get("/search", params={"q": "mat ong", "lang": "en"})
    assert "Search OCOP products" in page.text and "products for “mat ong”" in page.text


async def test_the_suggestion_script_is_loaded_from_a_file(client, indexed):
    page = await client.get("/search")
    assert '<script src="/static/search.js" defer></script>' in page.text
    assert 'data-suggest="/api/v1/search"' in page.text
    script = await client.get("/static/search.js")
    assert script.status_code == 200 and "aria-activedescendant" in script.text
