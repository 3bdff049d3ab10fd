"""A foreign tourist scans the plaque of đình Triều Hội with a phone set to English: reads,
listens to the narration, switches to Vietnamese, and follows a product made nearby."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

SITE = "/h/dinh-trieu-hoi"


@pytest.fixture
def english_phone(browser: Browser, browser_context_args: dict, base_url: str):
    context = browser.new_context(
        **{
            **browser_context_args,
            "base_url": base_url,
            "locale": "en-US",
            "extra_http_headers": {"Accept-Language": "en-US,en;q=0.9"},
        }
    )
    yield context.new_page()
    context.close()


def play_narration(page: Page) -> None:
    """Press the player's play button, as a visitor's tap would (a user gesture)."""
    audio = page.locator("audio")
    audio.scroll_into_view_if_needed()
    box = audio.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + min(24, box["width"] / 2), box["y"] + box["height"] / 2)
    playing = "() => !document.querySelector('audio').paused"
    playing += " && document.querySelector('audio').currentTime > 0.3"
    page.wait_for_function(playing, timeout=15_000)


def test_an_english_speaking_visitor_reads_listens_and_finds_a_local_product(
    english_phone: Page, check_a11y
) -> None:
    page = english_phone
    page.goto(SITE)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triều Hội Communal House")
    expect(page.get_by_role("heading", name="Listen to the narration")).to_be_visible()
    check_a11y(page)

    assert page.evaluate("document.querySelector('audio').canPlayType('audio/mpeg')") != ""
    play_narration(page)
    assert page.evaluate("document.querySelector('audio').currentSrc").endswith(".mp3")

    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đình Triều Hội")
    expect(page.get_by_role("heading", name="Sản phẩm OCOP gần đây")).to_be_visible()
    check_a11y(page)

    nearby = page.locator("section[aria-labelledby=h-nearby] li a").first
    product_name = nearby.get_by_role("heading").inner_text()
    href = nearby.get_attribute("href")
    assert href is not None and re.fullmatch(r"/products/[a-z0-9-]+", href)
    nearby.click()
    expect(page).to_have_url(re.compile(re.escape(href) + r"$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(product_name)
    check_a11y(page)


def test_an_officer_sees_scans_previews_english_and_downloads_the_plaque(
    page: Page, check_a11y
) -> None:
    from seeds.people import OFFICER_PASSWORD, OFFICERS

    ninh_binh_officer = next(phone for phone, _, province in OFFICERS if province == "37")
    page.goto(SITE)  # one more scan to count
    page.goto("/login")
    page.get_by_label("Số điện thoại").fill(ninh_binh_officer)
    page.get_by_label("Mật khẩu").fill(OFFICER_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto("/officer/sites")
    expect(page.get_by_role("heading", name="Di tích và biển QR")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Đình Triều Hội").click()
    expect(page.get_by_role("heading", name="Lượt quét 30 ngày qua")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Sửa và xem trước").nth(1).click()
    page.get_by_label("Giới thiệu ngắn").fill("A short test introduction.")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("article[lang=en]")).to_contain_text("A short test introduction.")
    check_a11y(page)

    page.goto(page.url.split("/content/")[0])
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biển PDF khổ A5").click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
