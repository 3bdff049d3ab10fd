"""Officer pages for heritage sites: list with scan statistics, create and edit, content per
language with a preview, photos, narrations, festivals, rename, plaque download."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, MultipartBody, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from marketplace.errors import ApplicationError
from storefront.auth import require_officer
from storefront.middleware import language_of
from storefront.pages.forms import form_with_errors
from storefront.pages.heritage_forms import (
    CONTENT_FIELDS,
    content_input,
    festival_input,
    site_input,
    text_of,
    uploaded_bytes,
)
from storefront.pages.heritage_officer_views import (
    choices,
    content_page,
    dashboard,
    officer_detail,
    officer_site,
    site_form,
)
from traceability.heritage import plaque, queries, service, uploads
from traceability.heritage.scans import flush_scans, scan_stats

Form = dict[str, Any]


class HeritageOfficerPages(Controller):
    path = "/officer/sites"
    include_in_schema = False

    @get("/", name="heritage_officer_list")
    async def list_sites(self, request: Request[Any, Any, Any]) -> Template:
        officer = await require_officer(request)
        await flush_scans()
        sites, total = await queries.list_sites(officer.officer_province_code, 1, 200)
        stats = await scan_stats([site.id for site in sites])
        return Template(
            template_name="heritage/officer_list.html",
            context={"sites": sites, "total": total, "stats": stats, "officer": officer},
        )

    @get("/new", name="heritage_officer_new")
    async def new_site(self, request: Request[Any, Any, Any]) -> Template:
        officer = await require_officer(request)
        form = {"province_code": officer.officer_province_code or "", "kind": "dinh"}
        return self._form_page(request, None, form)

    def _form_page(
        self, request: Request[Any, Any, Any], site_id: int | None, form: Form
    ) -> Template:
        return Template(
            template_name="heritage/officer_site_form.html",
            context={"site_id": site_id, "form": form, **choices(request)},
        )

    @post("/new")
    async def create_site(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        officer = await require_officer(request)
        try:
            site = await service.create_site(officer, site_input(data))
        except ApplicationError as error:
            return form_with_errors(
                request,
                "heritage/officer_site_form.html",
                error,
                {"site_id": None, "form": data, **choices(request)},
            )
        return Redirect(f"/officer/sites/{site.id}")

    @get("/{site_id:int}", name="heritage_officer_site")
    async def site_page(self, request: Request[Any, Any, Any], site_id: FromPath[int]) -> Template:
        officer = await require_officer(request)
        return await dashboard(request, officer, site_id)

    @get("/{site_id:int}/edit", name="heritage_officer_edit")
    async def edit_site(self, request: Request[Any, Any, Any], site_id: FromPath[int]) -> Template:
        officer = await require_officer(request)
        site = await officer_site(officer, site_id)
        return self._form_page(request, site_id, site_form(site))

    @post("/{site_id:int}/edit")
    async def update_site(
        self,
        request: Request[Any, Any, Any],
        site_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        officer = await require_officer(request)
        try:
            await service.update_site(officer, site_id, site_input(data))
        except ApplicationError as error:
            return form_with_errors(
                request,
                "heritage/officer_site_form.html",
                error,
                {"site_id": site_id, "form": data, **choices(request)},
            )
        return Redirect(f"/officer/sites/{site_id}")

    @get("/{site_id:int}/content/{language:str}", name="heritage_officer_content")
    async def content_form(
        self, request: Request[Any, Any, Any], site_id: FromPath[int], language: FromPath[str]
    ) -> Template:
        officer = await require_officer(request)
        detail = await officer_detail(officer, site_id, language)
        saved = detail.contents.get(language)
        form = {name: getattr(saved, name) for name in CONTENT_FIELDS} if saved else {}
        return content_page(request, detail, language, form, preview=saved is not None)

    @post("/{site_id:int}/content/{language:str}")
    async def save_content(
        self,
        request: Request[Any, Any, Any],
        site_id: FromPath[int],
        language: FromPath[str],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        officer = await require_officer(request)
        detail = await officer_detail(officer, site_id, language)
        if data.get("action") == "preview":
            return content_page(request, detail, language, data, preview=True)
        try:
            await service.set_content(officer, site_id, language, content_input(data))
        except ApplicationError as error:
            language_shown = language_of(request.scope)
            return content_page(
                request, detail, language, data, preview=False, error=error.message(language_shown)
            )
        return Redirect(f"/officer/sites/{site_id}/content/{language}?saved=1")

    @post("/{site_id:int}/photos", name="heritage_officer_add_photo")
    async def add_photo(
        self,
        request: Request[Any, Any, Any],
        site_id: FromPath[int],
        data: MultipartBody[dict[str, Any]],
    ) -> Template | Redirect:
        officer = await require_officer(request)
        alts = {"vi": text_of(data, "alt_vi"), "en": text_of(data, "alt_en")}
        try:
            await uploads.add_photo(officer, site_id, await uploaded_bytes(data, "photo"), alts)
        except ApplicationError as error:
            return await dashboard(request, officer, site_id, error=error, at="photos")
        return Redirect(f"/officer/sites/{site_id}#photos")

    @post("/{site_id:int}/photos/{photo_id:int}/delete")
    async def remove_photo(
        self, request: Request[Any, Any, Any], site_id: FromPath[int], photo_id: FromPath[int]
    ) -> Redirect:
        officer = await require_officer(request)
        await uploads.remove_photo(officer, site_id, photo_id)
        return Redirect(f"/officer/sites/{site_id}#photos")

    @post("/{site_id:int}/audio/{language:str}", name="heritage_officer_set_audio")
    async def set_audio(
        self,
        request: Request[Any, Any, Any],
        site_id: FromPath[int],
        language: FromPath[str],
        data: MultipartBody[dict[str, Any]],
    ) -> Template | Redirect:
        officer = await require_officer(request)
        try:
            await uploads.set_audio(officer, site_id, language, await uploaded_bytes(data, "audio"))
        except ApplicationError as error:
            return await dashboard(request, officer, site_id, error=error, at="audio")
        return Redirect(f"/officer/sites/{site_id}#audio")

    @post("/{site_id:int}/audio/{language:str}/delete")
    async def remove_audio(
        self, request: Request[Any, Any, Any], site_id: FromPath[int], language: FromPath[str]
    ) -> Redirect:
        officer = await require_officer(request)
        await uploads.remove_audio(officer, site_id, language)
        return Redirect(f"/officer/sites/{site_id}#audio")

    @post("/{site_id:int}/festivals")
    async def add_festival(
        self,
        request: Request[Any, Any, Any],
        site_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        officer = await require_officer(request)
        try:
            await service.add_festival(officer, site_id, festival_input(data))
        except ApplicationError as error:
            return await dashboard(request, officer, site_id, error=error, at="festivals")
        return Redirect(f"/officer/sites/{site_id}#festivals")

    @post("/{site_id:int}/festivals/{festival_id:int}/delete")
    async def remove_festival(
        self, request: Request[Any, Any, Any], site_id: FromPath[int], festival_id: FromPath[int]
    ) -> Redirect:
        officer = await require_officer(request)
        await service.remove_festival(officer, site_id, festival_id)
        return Redirect(f"/officer/sites/{site_id}#festivals")

    @post("/{site_id:int}/rename")
    async def rename(
        self,
        request: Request[Any, Any, Any],
        site_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        officer = await require_officer(request)
        name = data.get("name", "").strip() or None
        try:
            await service.rename_site(officer, site_id, data.get("slug", ""), name)
        except ApplicationError as error:
            return await dashboard(request, officer, site_id, error=error, at="rename")
        return Redirect(f"/officer/sites/{site_id}#rename")

    @get("/{site_id:int}/plaque.pdf", name="heritage_officer_plaque")
    async def plaque_pdf(
        self,
        request: Request[Any, Any, Any],
        site_id: FromPath[int],
        size: Annotated[str, QueryParameter(name="size")] = "A4",
    ) -> Response[bytes]:
        officer = await require_officer(request)
        site = await officer_site(officer, site_id)
        pdf = await plaque.plaque_for_site(site.slug, size)
        filename = f"bien-qr-{site.slug}-{size.lower()}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )
