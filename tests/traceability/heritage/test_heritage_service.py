import io

import pytest
from PIL import Image

from marketplace import media
from marketplace.accounts.service import sign_up
from marketplace.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.heritage_sites import (
    EN_CONTENT,
    SEED_MEDIA,
    jpeg_with_gps,
    new_officer,
    new_site,
    png,
    site_input,
    wav,
)
from traceability.heritage import queries, service, uploads
from traceability.heritage.schemas import ContentInput, FestivalInput


async def test_officer_creates_a_site_with_a_slug_from_its_name_and_vietnamese_content(db):
    officer = await new_officer("37")
    site = await service.create_site(officer, site_input("Đình Triều Hội"))
    assert site.slug == "dinh-trieu-hoi"
    assert (site.commune_name, site.province_name) == ("Bình Giang", "Ninh Bình")
    detail = await queries.site_detail(site.id)
    assert list(detail.contents) == ["vi"]
    assert detail.contents["vi"].title == "Đình Triều Hội"


async def test_a_seller_cannot_create_a_site(db):
    seller = await sign_up("+84912345678", "mat-khau-ban", "Nguyễn Thị Hoa")
    with pytest.raises(PermissionDenied) as caught:
        await service.create_site(seller, site_input())
    assert caught.value.code == "officer_only"


async def test_a_provincial_officer_manages_only_sites_of_their_province(db):
    thanh_hoa_officer = await new_officer("38")
    with pytest.raises(PermissionDenied) as caught:
        await service.create_site(thanh_hoa_officer, site_input())
    assert caught.value.code == "officer_other_province"
    national_officer = await new_officer(None)
    site = await service.create_site(national_officer, site_input())
    with pytest.raises(PermissionDenied):
        await service.set_content(thanh_hoa_officer, site.id, "en", EN_CONTENT)


async def test_an_address_whose_commune_is_in_another_province_is_refused(db):
    officer = await new_officer(None)
    with pytest.raises(InvalidInput) as caught:
        await service.create_site(officer, site_input(province_code="38"))
    assert caught.value.code == "commune_not_in_province"


async def test_half_a_map_point_is_refused(db):
    officer = await new_officer()
    with pytest.raises(InvalidInput) as caught:
        await service.create_site(officer, site_input(longitude=None))
    assert caught.value.code == "map_point_incomplete"


async def test_two_sites_cannot_share_a_slug(db):
    officer = await new_officer()
    await service.create_site(officer, site_input("Đình Triều Hội"))
    with pytest.raises(Conflict) as caught:
        await service.create_site(officer, site_input("Đình Triều Hội"))
    assert caught.value.code == "slug_taken"


async def test_a_renamed_site_keeps_answering_to_its_old_slug(db):
    officer = await new_officer()
    site = await new_site(officer)
    renamed = await service.rename_site(
        officer, site.id, "dinh-lang-trieu-hoi", "Đình làng Triều Hội"
    )
    assert (renamed.slug, renamed.name) == ("dinh-lang-trieu-hoi", "Đình làng Triều Hội")
    with pytest.raises(queries.SiteMoved) as moved:
        await queries.site_id_for_slug("dinh-trieu-hoi")
    assert moved.value.slug == "dinh-lang-trieu-hoi"
    assert await queries.site_id_for_slug("dinh-lang-trieu-hoi") == site.id
    assert (await queries.site_detail(site.id)).old_slugs == ("dinh-trieu-hoi",)


async def test_an_old_slug_is_never_given_to_another_site(db):
    officer = await new_officer()
    site = await new_site(officer)
    await service.rename_site(officer, site.id, "dinh-lang-trieu-hoi")
    with pytest.raises(Conflict):
        await service.create_site(officer, site_input("Đình khác", slug="dinh-trieu-hoi"))


async def test_a_site_may_take_its_own_old_slug_back(db):
    officer = await new_officer()
    site = await new_site(officer)
    await service.rename_site(officer, site.id, "dinh-lang-trieu-hoi")
    await service.rename_site(officer, site.id, "dinh-trieu-hoi")
    assert await queries.site_id_for_slug("dinh-trieu-hoi") == site.id
    with pytest.raises(queries.SiteMoved):
        await queries.site_id_for_slug("dinh-lang-trieu-hoi")


async def test_content_per_language_is_replaced_and_english_can_be_removed(db):
    officer = await new_officer()
    site = await new_site(officer)
    await service.set_content(
        officer, site.id, "en", ContentInput(title="Triều Hội Temple", history="One.\n\n\n\nTwo.")
    )
    english = (await queries.site_detail(site.id)).contents["en"]
    assert (english.title, english.history, english.summary) == (
        "Triều Hội Temple",
        "One.\n\nTwo.",
        "",
    )
    await service.remove_content(officer, site.id, "en")
    assert list((await queries.site_detail(site.id)).contents) == ["vi"]
    with pytest.raises(Conflict) as caught:
        await service.remove_content(officer, site.id, "vi")
    assert caught.value.code == "vietnamese_required"


async def test_content_in_an_unknown_language_is_refused(db):
    officer = await new_officer()
    site = await new_site(officer)
    with pytest.raises(InvalidInput) as caught:
        await service.set_content(officer, site.id, "xx", EN_CONTENT)
    assert caught.value.code == "language_unsupported"


async def test_a_festival_needs_a_vietnamese_name_and_a_real_lunar_date(db):
    officer = await new_officer()
    site = await new_site(officer)
    with pytest.raises(InvalidInput) as caught:
        await service.add_festival(officer, site.id, FestivalInput({"en": "Festival"}, 1, 15))
    assert caught.value.code == "festival_name_vi_required"
    with pytest.raises(InvalidInput) as caught:
        await service.add_festival(officer, site.id, FestivalInput({"vi": "Hội làng"}, 13, 1))
    assert caught.value.code == "lunar_date_invalid"
    await service.add_festival(
        officer, site.id, FestivalInput({"vi": "Hội làng", "en": "Village festival"}, 2, 10)
    )
    [festival] = (await queries.site_detail(site.id)).festivals
    assert (festival.name("en"), festival.name("vi"), festival.lunar_month) == (
        "Village festival",
        "Hội làng",
        2,
    )


def _stored_image(key):
    path = media.storage().path(key)  # type: ignore[attr-defined]
    return Image.open(io.BytesIO(path.read_bytes()))


async def test_an_uploaded_photo_is_reencoded_in_several_sizes_without_its_exif(db):
    officer = await new_officer()
    site = await new_site(officer)
    await uploads.add_photo(
        officer, site.id, jpeg_with_gps(), {"vi": "Cổng đình", "en": "The gate"}
    )
    [photo] = (await queries.site_detail(site.id)).photos
    assert (photo.width, photo.height) == (1600, 1000)
    assert photo.alt("en") == "The gate"
    for bucket in photo.buckets:
        image = _stored_image(f"{photo.media_key}-{bucket}.jpg")
        assert image.format == "JPEG"
        assert image.width == min(bucket, 1600)
        assert not image.getexif()
    assert len(photo.buckets) >= 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + b"\x00" * 100, "photo_unreadable"),
        (b"%PDF-1.4 not a photo", "photo_unreadable"),
        (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "photo_too_large"),
    ],
)
async def test_a_file_that_is_not_an_acceptable_photo_is_refused(db, data, code):
    officer = await new_officer()
    site = await new_site(officer)
    with pytest.raises(InvalidInput) as caught:
        await uploads.add_photo(officer, site.id, data)
    assert caught.value.code == code
    assert (await queries.site_detail(site.id)).photos == ()


async def test_a_png_photo_is_accepted_as_jpeg_renditions(db):
    officer = await new_officer()
    site = await new_site(officer)
    await uploads.add_photo(officer, site.id, png((400, 300)))
    [photo] = (await queries.site_detail(site.id)).photos
    assert _stored_image(f"{photo.media_key}-{photo.buckets[0]}.jpg").format == "JPEG"
    assert "400w" in photo.srcset


async def test_a_narration_is_attached_to_the_content_of_its_language(db):
    officer = await new_officer()
    site = await new_site(officer)
    mp3 = (SEED_MEDIA / "dinh-trieu-hoi-en.mp3").read_bytes()
    await uploads.set_audio(officer, site.id, "en", mp3)
    await uploads.set_audio(officer, site.id, "vi", wav())
    contents = (await queries.site_detail(site.id)).contents
    assert contents["en"].audio.media_type == "audio/mpeg"
    assert contents["en"].audio.size_bytes == len(mp3)
    assert contents["vi"].audio.media_type == "audio/wav"
    assert await media.storage().read(contents["en"].audio.media_key) == mp3


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (png(), "audio_type_unsupported"),
        (b"OggS" + b"\x00" * 60 + b"Vorbis", "audio_type_unsupported"),
        (b"ID3" + b"\x00" * (10 * 1024 * 1024), "audio_too_large"),
    ],
)
async def test_a_narration_that_is_not_accepted_audio_is_refused(db, data, code):
    officer = await new_officer()
    site = await new_site(officer)
    with pytest.raises(InvalidInput) as caught:
        await uploads.set_audio(officer, site.id, "vi", data)
    assert caught.value.code == code


async def test_a_narration_needs_content_in_its_language(db):
    officer = await new_officer()
    site = await new_site(officer, english=False)
    with pytest.raises(NotFound) as caught:
        await uploads.set_audio(officer, site.id, "en", wav())
    assert caught.value.code == "content_missing"


async def test_a_write_refreshes_the_cached_page(db):
    officer = await new_officer()
    site = await new_site(officer)
    before = await queries.site_page(site.slug)
    await service.set_content(officer, site.id, "en", ContentInput(title="Triều Hội Hall"))
    after = await queries.site_page(site.slug)
    assert before.detail.contents["en"].title == "Triều Hội Communal House"
    assert after.detail.contents["en"].title == "Triều Hội Hall"
