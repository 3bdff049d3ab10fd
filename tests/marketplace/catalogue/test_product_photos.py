"""Product photos: stored in three sizes without EXIF, capped, deleted, reordered."""

import io
import struct
import zlib

import pytest
from PIL import Image

from marketplace import media
from marketplace.catalogue import photos, queries
from marketplace.catalogue.photos import MAX_PHOTOS_PER_PRODUCT
from marketplace.catalogue.tables import ProductPhoto
from marketplace.errors import InvalidInput, NotFound, PermissionDenied
from tests.catalogue_factories import (
    jpeg_with_gps,
    new_producer,
    new_product,
    new_seller,
    png_bytes,
)


async def seller_and_product():
    seller = await new_seller()
    producer_id = await new_producer(seller)
    product = await new_product(seller, producer_id)
    return seller, product


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels (enough for a sniffer to read the size)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + end


async def test_a_phone_photo_is_stored_in_three_sizes_with_its_gps_position_stripped(db):
    seller, product = await seller_and_product()
    original = jpeg_with_gps(1200, 900)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the farm's position

    photo = await photos.add_product_photo(seller, product.id, original, "Bưởi chín vàng")

    assert photo.media_key.startswith(f"products/{product.id}/")
    assert (photo.width, photo.height) == (1200, 900)
    for bucket in (240, 480, 960):
        stored = await media.storage().read(f"{photo.media_key}-{bucket}.jpg")
        assert stored is not None
        image = Image.open(io.BytesIO(stored))
        assert image.format == "JPEG"
        assert image.size == (bucket, bucket * 3 // 4)
        assert len(image.getexif()) == 0
        assert b"Exif" not in stored and b"LangsoCam" not in stored
    shown = await queries.get_product(product.id)
    assert [p.alt for p in shown.photos] == ["Bưởi chín vàng"]
    assert shown.photos[0].url(480) == f"/media/{photo.media_key}-480.jpg"


async def test_a_small_photo_is_never_enlarged(db):
    seller, product = await seller_and_product()
    photo = await photos.add_product_photo(seller, product.id, png_bytes(300, 200), "")
    stored = await media.storage().read(f"{photo.media_key}-960.jpg")
    assert Image.open(io.BytesIO(stored)).size == (300, 200)


async def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(db):
    seller, product = await seller_and_product()
    gif = io.BytesIO()
    Image.new("RGB", (50, 50)).save(gif, "GIF")
    with pytest.raises(InvalidInput) as wrong_type:
        await photos.add_product_photo(seller, product.id, gif.getvalue(), "")
    assert wrong_type.value.code == "photo_type"
    with pytest.raises(InvalidInput) as not_an_image:
        await photos.add_product_photo(seller, product.id, b"%PDF-1.7 not a photo", "")
    assert not_an_image.value.code == "photo_unreadable"
    assert await ProductPhoto.count() == 0


async def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded(db):
    seller, product = await seller_and_product()
    with pytest.raises(InvalidInput) as error:
        await photos.add_product_photo(seller, product.id, png_header_only(8000, 6000), "")
    assert error.value.code == "photo_too_many_pixels"
    assert "quá nhiều điểm ảnh" in error.value.message_vi
    assert await ProductPhoto.count() == 0


async def test_a_product_holds_at_most_eight_photos(db):
    seller, product = await seller_and_product()
    small = png_bytes(40, 30)
    for _ in range(MAX_PHOTOS_PER_PRODUCT):
        await photos.add_product_photo(seller, product.id, small, "")
    with pytest.raises(InvalidInput) as error:
        await photos.add_product_photo(seller, product.id, small, "")
    assert error.value.code == "photo_limit"
    assert await ProductPhoto.count() == MAX_PHOTOS_PER_PRODUCT


async def test_another_seller_cannot_add_or_delete_photos(db):
    seller, product = await seller_and_product()
    photo = await photos.add_product_photo(seller, product.id, png_bytes(), "")
    stranger = await new_seller("Lê Văn Nam")
    await new_producer(stranger, name="HTX Khác")
    with pytest.raises(PermissionDenied):
        await photos.add_product_photo(stranger, product.id, png_bytes(), "")
    with pytest.raises(PermissionDenied):
        await photos.delete_product_photo(stranger, product.id, photo.media_key)
    assert await ProductPhoto.count() == 1
    assert await media.storage().read(f"{photo.media_key}-240.jpg") is not None


async def test_deleting_a_photo_removes_its_row_and_files(db):
    seller, product = await seller_and_product()
    photo = await photos.add_product_photo(seller, product.id, png_bytes(), "")
    await photos.delete_product_photo(seller, product.id, photo.media_key)
    assert (await queries.get_product(product.id)).photos == ()
    for bucket in (240, 480, 960):
        assert await media.storage().read(f"{photo.media_key}-{bucket}.jpg") is None
    with pytest.raises(NotFound):
        await photos.delete_product_photo(seller, product.id, photo.media_key)


async def test_a_photo_moved_to_the_front_becomes_the_cover(db):
    seller, product = await seller_and_product()
    first = await photos.add_product_photo(seller, product.id, png_bytes(), "một")
    second = await photos.add_product_photo(seller, product.id, png_bytes(), "hai")
    third = await photos.add_product_photo(seller, product.id, png_bytes(), "ba")
    await photos.move_product_photo(seller, product.id, third.media_key, 0)
    shown = await queries.get_product(product.id)
    assert [p.media_key for p in shown.photos] == [
        third.media_key,
        first.media_key,
        second.media_key,
    ]
