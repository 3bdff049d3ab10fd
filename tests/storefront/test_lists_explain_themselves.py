"""The search page and the product list say why they show what they show: words left out of
the search, a price filter that could not be used, a page past the last one."""

import html
import re

from tests.shop import build_shop

EN = {"accept-language": "en-US,en;q=0.9"}


def result_names(page_html):
    return [re.sub(r"<[^>]+>", "", name) for name in re.findall(r"<h2>(.*?)</h2>", page_html)]


def notices(page_html):
    return [
        html.unescape(re.sub(r"<[^>]+>", "", text))
        for text in re.findall(r'<p class="notice"[^>]*>(.*?)</p>', page_html, re.DOTALL)
    ]


async def test_words_left_out_of_the_search_are_named_with_what_was_searched(client, indexed):
    page = await client.get("/search", params={"q": "nem chua xqzw"})
    assert result_names(page.text)[0] == "Nem chua Thanh Hóa"
    assert notices(page.text) == [
        "Không sản phẩm nào khớp “nem chua xqzw”; đang hiện kết quả cho “nem chua” (bỏ qua “xqzw”)."
    ]
    english = await client.get("/search", params={"q": "nem chua xqzw"}, headers=EN)
    assert notices(english.text) == [
        "No product matches “nem chua xqzw”; showing results for “nem chua” (left out: “xqzw”)."
    ]


async def test_words_given_up_from_the_end_are_named_too(client, indexed):
    page = await client.get("/search", params={"q": "nem chua ninh binh"})
    assert result_names(page.text)[:1] == ["Nem chua Thanh Hóa"]
    assert "đang hiện kết quả cho “nem chua” (bỏ qua “ninh”, “binh”)." in notices(page.text)[0]


async def test_a_search_with_only_unknown_words_names_them(client, indexed):
    page = await client.get("/search", params={"q": "xqzw vvvv"})
    assert notices(page.text)[0] == "Không sản phẩm nào có từ: “xqzw”, “vvvv”"
    assert "Không tìm thấy sản phẩm nào" in notices(page.text)[1]


async def test_the_api_explains_the_left_out_words_in_both_languages(client, indexed):
    body = (await client.get("/api/v1/search", params={"q": "nem chua xqzw"})).json()
    assert body["ignored_words"] == ["xqzw"]
    assert body["ignored"] == {
        "words": ["xqzw"],
        "kept_text": "nem chua",
        "message_vi": "Không sản phẩm nào khớp “nem chua xqzw”; đang hiện kết quả cho "
        "“nem chua” (bỏ qua “xqzw”).",
        "message_en": "No product matches “nem chua xqzw”; showing results for “nem chua” "
        "(left out: “xqzw”).",
    }
    plain = (await client.get("/api/v1/search", params={"q": "nem chua"})).json()
    assert plain["ignored_words"] == [] and plain["ignored"] is None


async def test_a_search_page_past_the_last_links_back_to_the_last(client, indexed):
    page = await client.get("/search", params={"q": "gao", "stars": "3", "page": "7"})
    assert page.status_code == 200
    assert result_names(page.text) == []
    assert "Không tìm thấy sản phẩm nào" not in page.text
    (said,) = notices(page.text)
    assert said.startswith("Trang 7 không có sản phẩm nào: trang kết quả cuối cùng là trang 1.")
    link = html.unescape(re.search(r'<a href="([^"]+)">Về trang cuối \(1\)</a>', page.text)[1])
    assert "stars=3" in link and "page=" not in link
    last = await client.get(link)
    assert result_names(last.text)


async def test_a_search_price_that_cannot_be_read_is_named_beside_its_field(client, indexed):
    page = await client.get("/search", params={"q": "gao", "price_min": "80k"})
    assert page.status_code == 200
    assert result_names(page.text)  # the rest of the search still applies
    assert 'value="80k" aria-invalid="true"' in page.text
    assert "“80k” không phải số nguyên (ví dụ: 120000 hoặc 120.000)." in page.text
    assert "Bộ lọc giá này chưa được áp dụng." in page.text


async def test_a_product_list_price_out_of_range_is_named_not_refused(client):
    await build_shop()
    page = await client.get(
        "/products", params={"price_max": "99999999999999999999999", "province": "38"}
    )
    assert page.status_code == 200
    assert 'id="f-price_max"' in page.text and 'aria-invalid="true"' in page.text
    assert "Giá lọc phải từ 0 đến 500.000.000\u00a0₫. Bộ lọc giá này chưa được áp dụng." in (
        page.text
    )
    names = re.findall(r"<h2>(.*?)</h2>", page.text)
    assert names == ["Mật ong Bá Thước"]  # the province still filters

    unreadable = await client.get("/products", params={"price_min": "80k"}, headers=EN)
    assert unreadable.status_code == 200
    assert "“80k” is not a whole number" in unreadable.text
    assert "This price filter was not applied." in unreadable.text


async def test_a_product_list_page_past_the_last_links_back(client):
    await build_shop()
    page = await client.get("/products", params={"page": "9"})
    assert page.status_code == 200
    assert "Không có sản phẩm nào khớp với bộ lọc này." not in page.text
    assert "Trang 9 không có sản phẩm nào: trang kết quả cuối cùng là trang 1." in page.text
    assert '<a href="/products">Về trang cuối (1)</a>' in page.text
