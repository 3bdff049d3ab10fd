"""Buyer pages: home, product list with filters, product page, producer page, media files."""

import re
from datetime import timedelta

from marketplace import media
from marketplace.catalogue import photos, producers
from marketplace.catalogue.ocop import add_months
from marketplace.catalogue.queries import today_in_vietnam
from tests.catalogue_factories import (
    BA_THUOC,
    jpeg_with_gps,
    new_officer,
    new_producer,
    new_product,
    new_seller,
)


async def small_catalogue():
    """Two producers in Ninh Bình and Thanh Hóa; an expired certificate; a draft."""
    seller = await new_seller()
    ngoc_lu = await new_producer(seller)
    ba_thuoc = await new_producer(seller, BA_THUOC, phone="0912 000 222", show_phone=True)
    buoi = await new_product(seller, ngoc_lu, description_en="Sweet pomelo.", featured=True)
    expired_on = add_months(today_in_vietnam(), -36) - timedelta(days=1)
    chuoi = await new_product(
        seller,
        ngoc_lu,
        name="Chuối ngự An Ninh",
        unit="nải",
        price_vnd=60_000,
        stock=0,
        ocop_set=7,
        ocop_decision_date=expired_on,
        certifications=(),
    )
    mat_ong = await new_product(
        seller,
        ba_thuoc,
        name="Mật ong Bá Thước",
        unit="chai",
        price_vnd=250_000,
        ocop_group=1,
        ocop_set=4,
        ocop_stars=5,
        certifications=("organic",),
    )
    draft = await new_product(seller, ngoc_lu, name="Bưởi mới thử", status="draft")
    return seller, {"buoi": buoi, "chuoi": chuoi, "mat_ong": mat_ong, "draft": draft}


def tile_names(html: str) -> list[str]:
    return re.findall(
        r'<a href="/products/[^"]+">\s*(?:<img[^>]*>|<span[^>]*></span>)\s*<h\d>([^<]+)</h\d>', html
    )


async def test_home_shows_featured_products_and_only_provinces_that_have_products(client):
    await small_catalogue()
    page = await client.get("/")
    assert page.status_code == 200
    assert "Bưởi Ngọc Lũ" in page.text
    assert re.search(
        r'href="/products\?province=37">Ninh Bình <span class="muted">\(2\)', page.text
    )
    assert re.search(
        r'href="/products\?province=38">Thanh Hóa <span class="muted">\(1\)', page.text
    )
    assert "province=01" not in page.text  # Hà Nội has no products
    assert re.search(r'href="/products\?group=1">Thực phẩm <span class="muted">\(3\)', page.text)


async def test_the_list_filters_by_province_group_stars_certification_and_price(client):
    await small_catalogue()
    everything = await client.get("/products")
    assert sorted(tile_names(everything.text)) == [
        "Bưởi Ngọc Lũ",
        "Chuối ngự An Ninh",
        "Mật ong Bá Thước",
    ]
    assert sorted(tile_names((await client.get("/products?province=38")).text)) == [
        "Mật ong Bá Thước"
    ]
    # The expired certificate does not count as stars.
    four_up = await client.get("/products?stars=4")
    assert sorted(tile_names(four_up.text)) == ["Bưởi Ngọc Lũ", "Mật ong Bá Thước"]
    organic = await client.get("/products?certification=organic")
    assert tile_names(organic.text) == ["Mật ong Bá Thước"]
    cheap = await client.get("/products?price_min=50.000&price_max=100.000&sort=price_asc")
    assert tile_names(cheap.text) == ["Chuối ngự An Ninh"]
    set_seven = await client.get("/products?group=1&set=7&province=37&commune=13540")
    assert tile_names(set_seven.text) == ["Chuối ngự An Ninh"]
    assert 'value="13540" selected' in set_seven.text


async def test_nonsense_in_the_query_is_ignored_rather_than_refused(client):
    await small_catalogue()
    response = await client.get("/products?stars=nine&price_min=abc&page=-2&sort=drop&province=zz")
    assert response.status_code == 200
    assert len(tile_names(response.text)) == 3


async def test_pages_of_results_keep_the_filters(client):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    for number in range(26):
        await new_product(seller, producer_id, name=f"Gạo tám số {number:02d}")
    first = await client.get("/products?province=37&sort=name")
    assert len(tile_names(first.text)) == 24
    assert 'href="/products?province=37&amp;sort=name&amp;page=2"' in first.text
    second = await client.get("/products?province=37&sort=name&page=2")
    assert tile_names(second.text) == ["Gạo tám số 24", "Gạo tám số 25"]


async def test_tiles_load_lazy_responsive_photos_with_their_size(client):
    seller, items = await small_catalogue()
    photo = await photos.add_product_photo(seller, items["buoi"].id, jpeg_with_gps(1200, 900), "")
    listing = await client.get("/products")
    image = re.search(rf'<img src="/media/{photo.media_key}-480.jpg"[^>]*>', listing.text).group(0)
    assert f"/media/{photo.media_key}-240.jpg 240w" in image
    assert f"/media/{photo.media_key}-960.jpg 960w" in image
    assert 'width="480" height="360"' in image
    assert 'loading="lazy"' in image


async def test_the_product_page_shows_price_stars_certificate_and_a_cart_form(client):
    _, items = await small_catalogue()
    page = await client.get("/products/buoi-ngoc-lu")
    assert page.status_code == 200
    text = page.text
    assert "45.000\u00a0₫" in text
    assert "OCOP 4 sao" in text and "★★★★" in text
    assert "1456/QĐ-UBND" in text
    assert "Có hiệu lực đến" in text
    assert "VietGAP" in text
    assert '<form class="buy" method="post" action="/cart/items">' in text
    assert f'name="product_id" value="{items["buoi"].id}"' in text
    assert 'href="/producers/htx-buoi-ngoc-lu"' in text
    assert "Bưởi ngọt, tép mọng." in text


async def test_an_expired_certificate_shows_as_expired_never_as_stars(client):
    await small_catalogue()
    page = await client.get("/products/chuoi-ngu-an-ninh")
    assert "OCOP hết hạn" in page.text
    assert "Đã hết hạn từ" in page.text
    assert "★" not in page.text
    assert "Hết hàng" in page.text
    assert "/cart/items" not in page.text  # nothing to sell
    english = await client.get("/products/chuoi-ngu-an-ninh?lang=en")
    assert "OCOP expired" in english.text and "Out of stock" in english.text


async def test_the_english_page_shows_the_english_description_when_there_is_one(client):
    await small_catalogue()
    english = await client.get("/products/buoi-ngoc-lu?lang=en")
    assert "Sweet pomelo." in english.text
    assert "OCOP 4 stars" in english.text
    assert "Add to cart" in english.text
    fallback = await client.get("/products/mat-ong-ba-thuoc?lang=en")  # no English text
    assert '<div lang="vi"><p>Bưởi ngọt, tép mọng.</p>' in fallback.text
    assert "Organic" in fallback.text


async def test_a_draft_is_hidden_from_buyers(client):
    await small_catalogue()
    assert (await client.get("/products/buoi-moi-thu")).status_code == 404
    assert (await client.get("/products/khong-co-san-pham-nay")).status_code == 404


async def test_the_producer_page_shows_public_details_only_with_consent(client):
    await small_catalogue()
    private = await client.get("/producers/htx-buoi-ngoc-lu")
    assert private.status_code == 200
    assert "Xã Bình An, Ninh Bình" in private.text
    assert "Bưởi trồng trên đất phù sa sông Châu." in private.text
    assert "tel:" not in private.text
    assert "openstreetmap" not in private.text
    assert sorted(tile_names(private.text)) == ["Bưởi Ngọc Lũ", "Chuối ngự An Ninh"]
    public = await client.get("/producers/htx-mat-ong-ba-thuoc")
    assert 'href="tel:+84912000222"' in public.text


async def test_a_verified_producer_with_a_map_point_shows_both(client):
    seller = await new_seller()
    producer_id = await new_producer(seller, latitude=20.46, longitude=106.03)
    officer = await new_officer("37")
    await producers.set_verified(officer, producer_id, True)
    page = await client.get("/producers/htx-buoi-ngoc-lu")
    assert "Đã xác minh" in page.text
    assert "https://www.openstreetmap.org/?mlat=20.46&amp;mlon=106.03" in page.text


async def test_media_files_are_served_with_a_long_cache_and_unknown_ones_are_404(client):
    await media.storage().save("products/1/abc123-240.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")
    await media.storage().save("heritage/1/voice.mp3", b"ID3 audio", "audio/mpeg")
    photo = await client.get("/media/products/1/abc123-240.jpg")
    assert photo.status_code == 200
    assert photo.content == b"\xff\xd8\xff jpeg"
    assert photo.headers["content-type"] == "image/jpeg"
    assert "immutable" in photo.headers["cache-control"]
    assert "max-age=31536000" in photo.headers["cache-control"]
    audio = await client.get("/media/heritage/1/voice.mp3")
    assert audio.headers["content-type"] == "audio/mpeg"
    for missing in (
        "/media/products/1/nothing-240.jpg",
        "/media/products/1/../../secret.jpg",
        "/media/products/1/abc123-240.exe",
        "/media/..%2F..%2Fetc%2Fpasswd",
    ):
        assert (await client.get(missing)).status_code == 404, missing


async def test_audio_is_served_by_byte_ranges_as_phones_ask_for_it(client):
    await media.storage().save("heritage/1/range.mp3", b"0123456789", "audio/mpeg")
    first = await client.get("/media/heritage/1/range.mp3", headers={"range": "bytes=0-3"})
    assert first.status_code == 206
    assert first.content == b"0123"
    assert first.headers["content-range"] == "bytes 0-3/10"
    rest = await client.get("/media/heritage/1/range.mp3", headers={"range": "bytes=6-"})
    assert (rest.status_code, rest.content) == (206, b"6789")
    tail = await client.get("/media/heritage/1/range.mp3", headers={"range": "bytes=-2"})
    assert tail.content == b"89"
    beyond = await client.get("/media/heritage/1/range.mp3", headers={"range": "bytes=20-30"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == "bytes */10"
    whole = await client.get("/media/heritage/1/range.mp3")
    assert (whole.status_code, whole.content) == (200, b"0123456789")
    assert whole.headers["accept-ranges"] == "bytes"
