import pytest

from marketplace.accounts.service import sign_up
from marketplace.catalogue import photos
from marketplace.catalogue.nearby import distance_km, products_near
from tests.heritage_sites import TRIEU_HOI_POINT, new_product_near, png

BINH_GIANG = "13531"
BINH_AN = "13540"  # another commune of Ninh Bình
LAT, LON = TRIEU_HOI_POINT


def north_of_site(km):
    return (LAT + km / 111.2, LON)


@pytest.fixture
async def seller(db):
    return await sign_up("+84912000123", "mat-khau-ban", "Nguyễn Thị Hoa")


async def test_same_commune_comes_first_then_the_province_each_nearest_first(seller):
    await new_product_near(seller, "Gạo xa", BINH_GIANG, north_of_site(5))
    await new_product_near(seller, "Chuối gần", BINH_GIANG, north_of_site(1))
    await new_product_near(seller, "Mật ong không bản đồ", BINH_GIANG, None)
    await new_product_near(seller, "Bưởi xã bên", BINH_AN, north_of_site(0.5))
    await new_product_near(seller, "Nem Thanh Hóa", "14797", north_of_site(0.2), "38")
    await new_product_near(seller, "Bản nháp", BINH_GIANG, north_of_site(0.1), status="draft")
    found = await products_near("37", BINH_GIANG, LAT, LON)
    assert [p.name for p in found] == [
        "Chuối gần",
        "Gạo xa",
        "Mật ong không bản đồ",
        "Bưởi xã bên",
    ]
    assert [p.same_commune for p in found] == [True, True, True, False]
    assert found[0].distance_km == pytest.approx(1.0, abs=0.1)
    assert found[2].distance_km is None
    assert (found[3].commune_name, found[3].province_name) == ("Bình An", "Ninh Bình")
    assert found[0].url == f"/products/{found[0].slug}"


async def test_without_a_map_point_products_of_the_commune_come_first_by_name(seller):
    await new_product_near(seller, "Ổi xã bên", BINH_AN, north_of_site(0.1))
    await new_product_near(seller, "Vải", BINH_GIANG, north_of_site(9))
    await new_product_near(seller, "Chè", BINH_GIANG, north_of_site(1))
    found = await products_near("37", BINH_GIANG)
    assert [p.name for p in found] == ["Chè", "Vải", "Ổi xã bên"]
    assert all(p.distance_km is None for p in found)


async def test_the_list_is_limited_and_shows_the_first_photo(seller):
    product_id = await new_product_near(seller, "Chuối ngự", BINH_GIANG, north_of_site(1))
    await photos.add_product_photo(seller, product_id, png((600, 400)), "Nải chuối")
    for index in range(3):
        await new_product_near(seller, f"Rau {index}", BINH_GIANG, north_of_site(2 + index))
    found = await products_near("37", BINH_GIANG, LAT, LON, limit=2)
    assert len(found) == 2
    assert found[0].photo_url.startswith("/media/products/")
    assert found[0].photo_url.endswith("-240.jpg")
    assert found[1].photo_url is None


def test_distance_between_hanoi_and_ninh_binh_is_about_ninety_km():
    assert distance_km(21.0285, 105.8542, 20.2506, 105.9745) == pytest.approx(87, abs=3)
