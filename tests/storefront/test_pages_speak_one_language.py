"""Every page in one language at a time: the language link keeps the page's query, units and
dates read the same way on every page, distances are written the page language's way, and
the Vietnamese text is spelt one way."""

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from marketplace.accounts.service import account_by_phone
from marketplace.catalogue.producers import create_producer
from marketplace.catalogue.products import create_product
from marketplace.catalogue.schemas import ProducerInput, ProductInput
from tests.batch_support import full_journal, opened_batch, seller_with_product
from tests.heritage_sites import BINH_GIANG, TRIEU_HOI_POINT, new_officer, new_site
from tests.shop import checkout, new_producer, new_seller
from tests.support import csrf_token, sign_up_and_log_in
from traceability.batches import append_trace_event

STOREFRONT = Path(__file__).resolve().parents[2] / "storefront"
EN = {"accept-language": "en-US,en;q=0.9"}


def language_link(page_html, language):
    """Where the header's link to `language` goes, as a browser reads the attribute."""
    found = re.search(rf'<a href="([^"]*)" hreflang="{language}"', page_html)
    assert found, f"no link to {language}"
    return html.unescape(found.group(1))


async def test_the_language_link_keeps_every_value_of_the_query(client, indexed):
    asked = [
        ("q", "hộp & túi"),
        ("province", "37"),
        ("province", "38"),
        ("certification", "vietgap"),
        ("certification", "organic"),
    ]
    page = await client.get("/search", params=asked)
    link = language_link(page.text, "en")
    parts = urlsplit(link)
    assert parts.path == "/search" and not parts.fragment
    assert parse_qs(parts.query) == {
        "q": ["hộp & túi"],
        "province": ["37", "38"],
        "certification": ["vietgap", "organic"],
        "lang": ["en"],
    }
    english = await client.get(link)
    assert '<html lang="en">' in english.text
    assert 'value="hộp &amp; túi"' in english.text
    assert re.search(r'name="province" value="38" checked', english.text)
    assert re.search(r'name="certification" value="organic" checked', english.text)


async def test_the_language_link_keeps_a_hash_inside_the_search_text(client, indexed):
    page = await client.get("/search", params={"q": "nuoc#mam", "lang": "en"})
    link = language_link(page.text, "vi")
    parts = urlsplit(link)
    assert not parts.fragment
    assert parse_qs(parts.query) == {"q": ["nuoc#mam"], "lang": ["vi"]}


async def _fruit_seller_order():
    seller = await new_seller("Đinh Văn Quả")
    producer_id = await new_producer(seller, "HTX Bưởi Đoan Hùng", "0123456789")
    product = await create_product(
        seller,
        producer_id,
        ProductInput(
            name="Bưởi Đoan Hùng", unit="quả", price_vnd=40_000, stock=10, status="active"
        ),
    )
    return product


async def test_units_read_the_same_on_the_product_cart_checkout_and_pay_pages(client):
    product = await _fruit_seller_order()
    product_page = await client.get(f"/products/{product.slug}", headers=EN)
    assert "/ fruit" in product_page.text

    token = await csrf_token(client, f"/products/{product.slug}")
    cart = await client.post(
        "/cart/items",
        data={"product_id": str(product.id), "quantity": "2", "_csrf_token": token},
        headers=EN,
    )
    assert "/ fruit" in cart.text and "quả" not in cart.text
    checkout_page = await client.get("/checkout", headers=EN)
    assert "Bưởi Đoan Hùng × 2 fruit" in checkout_page.text

    (order,) = await checkout({product.id: 2})
    pay = await client.get(f"/pay/{order.payment_token}", headers=EN)
    assert "Bưởi Đoan Hùng × 2 fruit" in pay.text
    assert "× 2 quả" not in pay.text
    vietnamese = await client.get(f"/pay/{order.payment_token}?lang=vi")
    assert "Bưởi Đoan Hùng × 2 quả" in vietnamese.text


async def _product_beside_the_site(unit):
    seller = await new_seller("Lê Thị Chuối")
    latitude, longitude = TRIEU_HOI_POINT
    producer = await create_producer(
        seller,
        ProducerInput(
            name="Hộ Chuối ngự Triều Hội",
            kind="ho_kinh_doanh",
            province_code=BINH_GIANG[0],
            commune_code=BINH_GIANG[1],
            latitude=latitude + 0.6 / 111.2,
            longitude=longitude,
        ),
    )
    await create_product(
        seller,
        producer.public.id,
        ProductInput(name="Chuối ngự", unit=unit, price_vnd=70_000, stock=5, status="active"),
    )


async def test_the_heritage_page_names_units_and_distances_in_its_language(client, db):
    await new_site(await new_officer())
    await _product_beside_the_site("nải")

    english = await client.get("/h/dinh-trieu-hoi", headers=EN)
    assert "OCOP products made nearby" in english.text
    assert "/ hand" in english.text and "nải" not in english.text
    assert "0.6 km away" in english.text

    vietnamese = await client.get("/h/dinh-trieu-hoi?lang=vi")
    assert "/ nải" in vietnamese.text
    assert "cách 0,6 km" in vietnamese.text and "0.6 km" not in vietnamese.text


async def test_the_diary_writes_every_date_one_way_per_language(client, db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    for entry in full_journal():
        await append_trace_event(seller, batch.code, entry)

    english = (await client.get(f"/t/{batch.code}", headers=EN)).text
    assert "Jan 5, 2026, 8:00\u202fAM" in english  # the harvest, 01:00 UTC
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", english)

    vietnamese = (await client.get(f"/t/{batch.code}?lang=vi")).text
    assert "08:00 5 thg 1, 2026" in vietnamese
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", vietnamese)


# Tone marks placed the old way on an open oa/oe/uy syllable ("xoá", "toạ", "thuỷ"); the pages
# write them the new way ("xóa", "tọa", "thủy"), as the 2018 school orthography does.
_OLD_STYLE = re.compile(r"\w*(?<![qQ])(?:[oO][áàảãạ]|[oO][éèẻẽẹ]|[uU][ýỳỷỹỵ])(?!\w)")


def _vietnamese_texts():
    for path in [*STOREFRONT.glob("templates/**/*.html"), *STOREFRONT.glob("pages/**/*.py")]:
        yield path, path.read_text(encoding="utf-8")
    for path in STOREFRONT.glob("translations/en/*.po"):
        ids = re.findall(r'^msgid "(.*)"$', path.read_text(encoding="utf-8"), re.MULTILINE)
        yield path, "\n".join(ids)


def test_vietnamese_is_spelt_with_the_new_tone_placement():
    old = {
        f"{path.relative_to(STOREFRONT)}: {word}"
        for path, text in _vietnamese_texts()
        for word in _OLD_STYLE.findall(text)
    }
    assert sorted(old) == []


async def test_the_product_form_still_offers_the_units(client, db):
    await sign_up_and_log_in(client, phone="0912345670")
    seller = await account_by_phone("+84912345670")
    producer_id = await new_producer(seller, "HTX Bưởi Ngọc Lũ", None)
    page = await client.get(f"/seller/{producer_id}/products/new")
    assert page.status_code == 200
    assert '<option value="quả">quả</option>' in page.text


def test_the_cart_button_says_update_and_a_done_import_row_says_updated():
    from storefront import i18n

    assert i18n.gettext("en", "Cập nhật") == "Update"  # the cart line's button
    assert i18n.gettext("en", "Đã cập nhật") == "Updated"  # a CSV row already applied
