"""Search on a phone: suggestions while typing without diacritics, then facets; and the same
page with JavaScript turned off."""

import re

from playwright.sync_api import Browser, Page, expect


def test_a_buyer_types_without_diacritics_and_picks_a_suggestion(page: Page, check_a11y) -> None:
    page.goto("/search")
    check_a11y(page)
    box = page.get_by_role("combobox", name="Tìm sản phẩm")
    box.press_sequentially("buoi ngoc l", delay=40)
    suggestions = page.get_by_role("listbox", name="Gợi ý tìm kiếm")
    expect(suggestions).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    first = suggestions.get_by_role("option").first
    expect(first).to_have_text(re.compile(r"^bưởi ngọc lũ", re.IGNORECASE))
    check_a11y(page)
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=b%C6%B0%E1%BB%9Fi"))
    expect(page.get_by_role("heading", level=2).first).to_have_text(re.compile("Bưởi Ngọc Lũ"))
    expect(page.locator("h2 mark").first).to_be_visible()
    check_a11y(page)


def test_escape_closes_the_suggestions(page: Page) -> None:
    page.goto("/search")
    box = page.get_by_role("combobox", name="Tìm sản phẩm")
    box.press_sequentially("chuoi", delay=40)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")


def test_search_and_filters_work_without_javascript(browser: Browser, base_url: str) -> None:
    # (no axe check here: it is JavaScript; the same page is checked with it above)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 800}, locale="vi-VN"
    )
    page = context.new_page()
    page.goto(f"{base_url}/search?q=mat+ong")
    count = page.get_by_role("status").filter(has_text="sản phẩm cho").inner_text()
    page.get_by_text("Lọc và sắp xếp").click()
    page.get_by_label(re.compile("Thanh Hóa")).check()
    page.get_by_role("button", name="Xem kết quả").click()
    expect(page).to_have_url(re.compile(r"province=38"))
    expect(page.get_by_label(re.compile("Thanh Hóa"))).to_be_checked()
    assert page.get_by_role("status").filter(has_text="sản phẩm cho").inner_text() != count
    context.close()
