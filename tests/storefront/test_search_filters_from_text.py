"""Stars and prices typed as words become filters, and the buyer is told so (the filter
controls show only what was chosen)."""

from tests.search_fixtures import CATALOGUE


async def test_the_api_says_which_filters_it_read_from_the_text(client, indexed):
    body = (await client.get("/api/v1/search", params={"q": "mật ong dưới 300k"})).json()
    assert body["filters_from_text"] == {"price_max": 300_000}
    assert body["total"] > 0
    assert all(item["price_vnd"] <= 300_000 for item in body["items"])
    plain = (await client.get("/api/v1/search", params={"q": "mật ong"})).json()
    assert plain["filters_from_text"] == {}


async def test_the_page_tells_the_buyer_how_it_read_the_text(client, indexed):
    page = await client.get("/search", params={"q": "ocop 4 sao dưới 300k"})
    assert "Đã lọc theo chữ bạn gõ: từ 4 sao · đến 300.000\u00a0₫" in page.text
    english = await client.get("/search", params={"q": "ocop 4 sao", "lang": "en"})
    assert "Filtered as you typed: 4 stars or more" in english.text
    rated = [d for d in CATALOGUE if (d.ocop_stars or 0) >= 4]
    assert rated  # the fixture catalogue has products this filter keeps
