"""What the heritage officer pages show: the site dashboard, the content editor with its
preview, and the site form's choices."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from marketplace.accounts.service import Account, require_officer_for
from marketplace.errors import ApplicationError, NotFound
from marketplace.places import provinces
from storefront.middleware import language_of
from storefront.pages.heritage import site_context
from storefront.pages.heritage_forms import SITE_FIELDS, content_input
from traceability.heritage import plaque, queries, service
from traceability.heritage.scans import flush_scans, scan_stats, vietnam_day
from traceability.heritage.schemas import SiteDetail, SitePage, SiteRecord
from traceability.heritage.vocabulary import CONTENT_LANGUAGES, KINDS, RANKINGS

Form = dict[str, Any]
PAGE_LANGUAGES = ("vi", "en")


def choices(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The select boxes' options, labelled in the page language."""
    language = language_of(request.scope)
    return {
        "kind_options": [(code, label.in_language(language)) for code, label in KINDS.items()],
        "ranking_options": [
            (code, label.in_language(language)) for code, label in RANKINGS.items()
        ],
        "province_options": [(p.code, p.name) for p in provinces()],
    }


def site_form(site: SiteRecord) -> dict[str, str]:
    values = {name: str(getattr(site, name, "") or "") for name in SITE_FIELDS}
    values["commune"] = site.commune_code
    return values


async def officer_site(officer: Account, site_id: int) -> SiteRecord:
    site = await queries.site_record(site_id)
    require_officer_for(officer, site.province_code)
    return site


async def officer_detail(officer: Account, site_id: int, language: str) -> SiteDetail:
    if language not in CONTENT_LANGUAGES:
        raise NotFound(
            "language_unsupported", "Ngôn ngữ này chưa được hỗ trợ.", "Unsupported language."
        )
    return await queries.site_detail((await officer_site(officer, site_id)).id)


async def dashboard(
    request: Request[Any, Any, Any],
    officer: Account,
    site_id: int,
    error: ApplicationError | None = None,
    at: str = "",
) -> Template:
    site = await officer_site(officer, site_id)
    await flush_scans()
    detail = await queries.site_detail(site.id)
    stats = (await scan_stats([site.id]))[site.id]
    language = language_of(request.scope)
    return Template(
        template_name="heritage/officer_site.html",
        context={
            "detail": detail,
            "site": detail.site,
            "stats": stats,
            "languages": CONTENT_LANGUAGES,
            "page_languages": PAGE_LANGUAGES,
            "kinds": KINDS,
            "rankings": RANKINGS,
            "qr_svg": plaque.site_qr_svg(site.slug, title=site.name),
            "site_url": plaque.site_url(site.slug),
            "error": error.message(language) if error else None,
            "error_at": at,
        },
        status_code=error.status if error else 200,
    )


def content_page(
    request: Request[Any, Any, Any],
    detail: SiteDetail,
    language: str,
    form: Form,
    *,
    preview: bool,
    error: str | None = None,
) -> Template:
    previewed = None
    if preview and error is None:
        try:
            draft = service.preview_content(detail, language, content_input(form))
        except ApplicationError as problem:
            error = problem.message(language_of(request.scope))
        else:
            previewed = site_context(SitePage(draft, ()), language, vietnam_day())
    return Template(
        template_name="heritage/officer_content.html",
        context={
            "detail": detail,
            "site": detail.site,
            "language": language,
            "language_label": CONTENT_LANGUAGES.get(language),
            "form": form,
            "preview": previewed,
            "error": error,
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=422 if error else 200,
    )
