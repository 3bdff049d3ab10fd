"""Heritage sites: QR plaques that tell a relic's story in the visitor's language and lead to
the OCOP products made nearby.

The service functions are the Python API (officers only; a provincial officer is limited to
their province)::

    from traceability.heritage import plaque, queries, scans, service, uploads
    from traceability.heritage.schemas import ContentInput, FestivalInput, SiteInput

    site = await service.create_site(officer, SiteInput(
        name="Đình Triều Hội", kind="dinh", ranking="quoc_gia",
        province_code="37", commune_code="13531", latitude=20.523, longitude=106.052))
    await service.set_content(officer, site.id, "en", ContentInput(title="Triều Hội Hall"))
    await service.add_festival(officer, site.id, FestivalInput({"vi": "Hội làng"}, 2, 10))
    await uploads.add_photo(officer, site.id, jpeg_bytes, {"vi": "Cổng đình", "en": "The gate"})
    await uploads.set_audio(officer, site.id, "en", mp3_bytes)
    await service.rename_site(officer, site.id, "dinh-lang-trieu-hoi")  # the old slug still works

    page = await queries.site_page("dinh-trieu-hoi")  # raises queries.SiteMoved for an old slug
    scans.record_scan(site.id, "en")  # in memory; written in batches by `flush_scans()`
    pdf = await plaque.plaque_for_site("dinh-lang-trieu-hoi", "A5")
"""
