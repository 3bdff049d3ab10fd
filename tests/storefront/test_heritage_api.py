import pytest

from tests.heritage_sites import SEED_MEDIA, new_officer, new_site
from traceability.heritage import scans, service, uploads
from traceability.heritage.schemas import FestivalInput


@pytest.fixture(autouse=True)
def nothing_pending():
    scans.discard_pending_scans()
    yield
    scans.discard_pending_scans()


@pytest.fixture
async def sites(db):
    officer = await new_officer(None)
    trieu_hoi = await new_site(officer)
    mp3 = (SEED_MEDIA / "dinh-trieu-hoi-en.mp3").read_bytes()
    await uploads.set_audio(officer, trieu_hoi.id, "en", mp3)
    await service.add_festival(officer, trieu_hoi.id, FestivalInput({"vi": "Tết"}, 1, 1))
    await new_site(officer, "Thành nhà Hồ", english=False, province_code="38", commune_code="15361")
    return trieu_hoi


async def test_sites_are_listed_in_the_envelope_by_name(client, sites):
    listing = (await client.get("/api/v1/sites?page_size=1")).json()
    assert (listing["total"], listing["page"], listing["page_size"]) == (2, 1, 1)
    [first] = listing["items"]
    assert first["slug"] == "dinh-trieu-hoi"
    assert first["languages"] == ["vi", "en"]
    assert first["province"] == {"code": "37", "name": "Ninh Bình"}
    thanh_hoa = (await client.get("/api/v1/sites?province=38")).json()
    assert [s["slug"] for s in thanh_hoa["items"]] == ["thanh-nha-ho"]


async def test_a_site_comes_in_the_requested_language(client, sites):
    english = (await client.get("/api/v1/sites/dinh-trieu-hoi?lang=en")).json()
    assert english["content"]["language"] == "en"
    assert english["content"]["title"] == "Triều Hội Communal House"
    assert english["content"]["audio"]["media_type"] == "audio/mpeg"
    assert english["kind_label"] == "Communal house"
    assert english["festivals"][0]["lunar_month"] == 1
    assert len(english["festivals"][0]["solar_dates_this_year"]) == 1
    # ?lang=en was remembered in a cookie, which now outranks Accept-Language.
    remembered = (
        await client.get("/api/v1/sites/dinh-trieu-hoi", headers={"accept-language": "vi"})
    ).json()
    assert remembered["content"]["language"] == "en"
    vietnamese = (await client.get("/api/v1/sites/dinh-trieu-hoi?lang=vi")).json()
    assert vietnamese["content"]["title"] == "Đình Triều Hội"
    assert vietnamese["content"]["audio"] is None


async def test_a_site_without_english_answers_in_vietnamese(client, sites):
    site = (await client.get("/api/v1/sites/thanh-nha-ho?lang=en")).json()
    assert (site["requested_language"], site["content"]["language"]) == ("en", "vi")


async def test_an_old_slug_redirects_and_an_unknown_one_is_a_problem(client, sites):
    await service.rename_site(await new_officer(None), sites.id, "dinh-lang-trieu-hoi")
    moved = await client.get("/api/v1/sites/dinh-trieu-hoi", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (
        301,
        "/api/v1/sites/dinh-lang-trieu-hoi",
    )
    missing = await client.get("/api/v1/sites/khong-co")
    assert missing.status_code == 404
    assert missing.json()["code"] == "site_not_found"


async def test_the_openapi_document_names_the_operations(client, db):
    spec = (await client.get("/schema/openapi.json")).json()
    operations = {
        operation["operationId"]
        for path in spec["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {"ListSites", "GetSite"} <= operations
