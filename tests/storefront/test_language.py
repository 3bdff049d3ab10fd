from storefront.i18n import negotiate


def test_query_parameter_wins_then_cookie_then_browser_then_vietnamese():
    assert negotiate("en", "vi", "vi-VN") == "en"
    assert negotiate(None, "en", "vi-VN") == "en"
    assert negotiate(None, None, "en-US,en;q=0.9") == "en"
    assert negotiate(None, None, "fr-FR,fr;q=0.9") == "vi"
    assert negotiate(None, None, "") == "vi"
    assert negotiate("de", None, "fr") == "vi"


def test_browser_preference_is_weighed_by_quality():
    assert negotiate(None, None, "en;q=0.3, vi;q=0.9") == "vi"
    assert negotiate(None, None, "vi;q=0, en") == "en"


async def test_lang_query_is_remembered_in_a_cookie(client):
    first = await client.get("/login?lang=en")
    assert '<html lang="en">' in first.text
    assert "Log in" in first.text
    second = await client.get("/login")
    assert '<html lang="en">' in second.text


async def test_english_browser_gets_english_without_asking(client):
    response = await client.get("/login", headers={"accept-language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in response.text


async def test_vietnamese_is_the_default(client):
    response = await client.get("/login")
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text
