"""Officer pages: verify producers and OCOP certificates, watch certificates that expire.

A provincial officer sees and acts on their own province only; a national officer (no
province) sees every province and may narrow the page to one with `?province=`.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from marketplace import places
from marketplace.accounts.service import Account
from marketplace.catalogue import browse
from marketplace.catalogue.producers import set_verified
from marketplace.catalogue.products import set_ocop_verified
from marketplace.catalogue.queries import list_producers
from marketplace.errors import ApplicationError, invalid_field
from storefront.auth import require_officer

Req = Request[Any, Any, Any]
LIST_SIZE = 100


def _province_of(officer: Account, request: Req) -> str | None:
    if officer.officer_province_code:
        return officer.officer_province_code
    asked = str(request.query_params.get("province", ""))
    try:
        return places.province(asked).code if asked else None
    except ApplicationError:
        return None


def _verified_flag(form: Any) -> bool:
    """The form's `verified`: "1" verifies, "0" withdraws; anything else is refused, so that a
    broken form never unverifies a producer by accident."""
    value = str(form.get("verified", ""))
    if value not in ("0", "1"):
        raise invalid_field(
            "verified",
            "verified_invalid",
            "Yêu cầu không rõ: “verified” phải là 1 (xác minh) hoặc 0 (bỏ xác minh). "
            "Hãy dùng các nút trên trang cán bộ.",
            "Unclear request: “verified” must be 1 (verify) or 0 (withdraw). "
            "Please use the buttons on the officer page.",
        )
    return value == "1"


class OfficerPages(Controller):
    path = "/officer"
    include_in_schema = False

    @get("", name="officer")
    async def dashboard(self, request: Req) -> Template:
        officer = await require_officer(request)
        province_code = _province_of(officer, request)
        waiting = await list_producers(province_code, verified=False, page_size=LIST_SIZE)
        verified = await list_producers(province_code, verified=True, page_size=LIST_SIZE)
        return Template(
            template_name="officer/dashboard.html",
            context={
                "officer": officer,
                "province": places.province(province_code) if province_code else None,
                "provinces": places.provinces(),
                "waiting": waiting,
                "verified": verified,
                "to_verify": await browse.certificates_to_verify(province_code),
                "expiring": await browse.expiring_certificates(province_code),
                "warning_days": browse.EXPIRY_WARNING_DAYS,
                "saved": request.query_params.get("saved", ""),
            },
        )

    @post("/producers/{producer_id:int}/verification", name="officer_verify_producer")
    async def verify_producer(self, request: Req, producer_id: FromPath[int]) -> Redirect:
        officer = await require_officer(request)
        verified = _verified_flag(await request.form())
        await set_verified(officer, producer_id, verified)
        return Redirect(f"/officer?saved={'producer' if verified else 'producer_unverified'}")

    @post("/products/{product_id:int}/ocop-verification", name="officer_verify_ocop")
    async def verify_ocop(self, request: Req, product_id: FromPath[int]) -> Redirect:
        officer = await require_officer(request)
        verified = _verified_flag(await request.form())
        await set_ocop_verified(officer, product_id, verified)
        return Redirect(f"/officer?saved={'ocop' if verified else 'ocop_unverified'}")
