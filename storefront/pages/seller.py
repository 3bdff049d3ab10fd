"""Seller pages for producers: register one, its dashboard, its profile, CSV out and in.

Every handler checks that the signed-in account works for the producer in the URL, on reads as
well as writes. The address part of the forms works without JavaScript: "Chọn" loads the
communes of the chosen province, and an old address ("Ngọc Lũ, Bình Lục, Hà Nam") is looked
up with `resolve_place`; when it names several communes the seller picks one.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from marketplace import places
from marketplace.accounts.service import Account
from marketplace.banks import all_banks
from marketplace.catalogue import members
from marketplace.catalogue.csv_io import (
    decode_csv,
    export_products_csv,
    import_products_csv,
    producer_products,
)
from marketplace.catalogue.producers import create_producer, update_producer
from marketplace.catalogue.queries import get_producer_private
from marketplace.catalogue.schemas import PRODUCER_KINDS
from marketplace.errors import ApplicationError, invalid_field
from storefront.auth import require_account
from storefront.formatting import phone
from storefront.pages.forms import form_with_errors
from storefront.pages.seller_forms import (
    PRODUCER_CHECKBOXES,
    PRODUCER_FIELDS,
    chosen_commune,
    form_values,
    producer_input,
    producer_values,
)

MAX_CSV_BYTES = 2 * 1024 * 1024
Req = Request[Any, Any, Any]


async def seller_account(request: Req, producer_id: int) -> Account:
    """The signed-in account, which must work for `producer_id` (403 otherwise)."""
    account = await require_account(request)
    await members.require_member(account.id, producer_id)
    return account


def address_context(values: dict[str, Any]) -> dict[str, Any]:
    """Provinces, the communes of the chosen province, banks and kinds for producer forms."""
    try:
        communes = places.communes(values.get("province_code") or "")
    except ApplicationError:
        communes = []
    return {
        "provinces": places.provinces(),
        "communes": communes,
        "banks": all_banks(),
        "kinds": PRODUCER_KINDS,
    }


def resolve_old_address(values: dict[str, Any]) -> dict[str, Any]:
    """Look the old address up; set the commune only when exactly one matches."""
    resolution = places.resolve_place(values["old_address"])
    if not resolution.choices:
        raise invalid_field(
            "old_address",
            "place_not_found",
            "Không tìm thấy địa danh này. Hãy viết tên xã, huyện cũ và tỉnh, "
            "ví dụ: Ngọc Lũ, Bình Lục, Hà Nam.",
            "No place by this name. Write the commune, old district and province, "
            "e.g. Ngọc Lũ, Bình Lục, Hà Nam.",
        )
    if resolution.commune is not None:
        values["province_code"] = resolution.commune.province_code
        values["commune_code"] = resolution.commune.code
        return {"resolved": resolution.commune}
    values["commune_code"] = ""
    if resolution.province is not None:
        values["province_code"] = resolution.province.code
    return {"choices": resolution.choices}


async def _address_step(
    request: Req, template_name: str, values: dict[str, Any], context: dict[str, Any]
) -> Template | None:
    """Handle the "Chọn" and "Tìm" buttons; None when the person pressed "save"."""
    form = await request.form()
    action = form.get("action", "save")
    if action == "province":
        values["commune_code"] = ""
        return Template(template_name=template_name, context={**context, "form": values})
    if action == "resolve":
        try:
            found = resolve_old_address(values)
        except ApplicationError as error:
            return form_with_errors(request, template_name, error, {**context, "form": values})
        full = {**context, **address_context(values), **found, "form": values}
        return Template(template_name=template_name, context=full)
    return None


class SellerPages(Controller):
    path = "/seller"
    include_in_schema = False

    async def _index(self, request: Req, values: dict[str, Any]) -> dict[str, Any]:
        account = await require_account(request)
        return {
            "memberships": await members.memberships(account.id),
            "form": values,
            **address_context(values),
        }

    @get("", name="seller")
    async def index(self, request: Req) -> Template:
        values = {name: "" for name in (*PRODUCER_FIELDS, *PRODUCER_CHECKBOXES)}
        values["kind"] = "ho_kinh_doanh"
        context = await self._index(request, values)
        return Template(template_name="seller/index.html", context=context)

    @post("/producers", name="seller_register")
    async def register(self, request: Req) -> Template | Redirect:
        account = await require_account(request)
        values = form_values(await request.form(), PRODUCER_FIELDS, PRODUCER_CHECKBOXES)
        context = await self._index(request, values)
        step = await _address_step(request, "seller/index.html", values, context)
        if step is not None:
            return step
        chosen_commune(values)
        context = await self._index(request, values)
        try:
            producer = await create_producer(account, producer_input(values))
        except ApplicationError as error:
            return form_with_errors(request, "seller/index.html", error, context)
        return Redirect(f"/seller/{producer.public.id}?saved=producer")

    async def _dashboard(self, request: Req, producer_id: int) -> dict[str, Any]:
        account = await seller_account(request, producer_id)
        return {
            "producer": await get_producer_private(producer_id),
            "role": await members.role_in(account.id, producer_id),
            "products": await producer_products(producer_id),
            "saved": request.query_params.get("saved", ""),
        }

    @get("/{producer_id:int}", name="seller_dashboard")
    async def dashboard(self, request: Req, producer_id: FromPath[int]) -> Template:
        context = await self._dashboard(request, producer_id)
        return Template(template_name="seller/dashboard.html", context=context)

    async def _profile(
        self, request: Req, producer_id: int, values: dict[str, Any] | None
    ) -> dict[str, Any]:
        await seller_account(request, producer_id)
        producer = await get_producer_private(producer_id)
        if values is None:
            # The stored number is E.164; the form shows it the way people write it.
            values = producer_values(producer)
            values["phone"] = phone(values["phone"]) if values["phone"] else ""
        shown = values
        return {"producer": producer, "form": shown, **address_context(shown)}

    @get("/{producer_id:int}/profile", name="seller_profile")
    async def profile(self, request: Req, producer_id: FromPath[int]) -> Template:
        context = await self._profile(request, producer_id, None)
        return Template(template_name="seller/profile.html", context=context)

    @post("/{producer_id:int}/profile", name="seller_profile_save")
    async def save_profile(self, request: Req, producer_id: FromPath[int]) -> Template | Redirect:
        account = await seller_account(request, producer_id)
        values = form_values(await request.form(), PRODUCER_FIELDS, PRODUCER_CHECKBOXES)
        context = await self._profile(request, producer_id, values)
        step = await _address_step(request, "seller/profile.html", values, context)
        if step is not None:
            return step
        chosen_commune(values)
        context = await self._profile(request, producer_id, values)
        try:
            await update_producer(account, producer_id, producer_input(values))
        except ApplicationError as error:
            return form_with_errors(request, "seller/profile.html", error, context)
        return Redirect(f"/seller/{producer_id}?saved=profile")

    @get("/{producer_id:int}/products.csv", name="seller_export")
    async def export_csv(self, request: Req, producer_id: FromPath[int]) -> Response[bytes]:
        account = await seller_account(request, producer_id)
        separator = ";" if request.query_params.get("sep") == "semicolon" else ","
        text = await export_products_csv(account, producer_id, separator)
        producer = await get_producer_private(producer_id)
        filename = f"{producer.public.slug}-san-pham.csv"
        return Response(
            content=text.encode("utf-8"),
            media_type="text/csv",  # Litestar appends "; charset=utf-8" to text types
            headers={
                "content-disposition": f'attachment; filename="{filename}"',
                "cache-control": "no-store",
            },
        )

    @post("/{producer_id:int}/import", name="seller_import")
    async def import_csv(self, request: Req, producer_id: FromPath[int]) -> Template:
        account = await seller_account(request, producer_id)
        upload = (await request.form()).get("file")
        try:
            data = await uploaded_bytes(upload, "file", MAX_CSV_BYTES)
            report = await import_products_csv(account, producer_id, decode_csv(data))
        except ApplicationError as error:
            context = await self._dashboard(request, producer_id)
            return form_with_errors(request, "seller/dashboard.html", error, context)
        context = await self._dashboard(request, producer_id)
        return Template(
            template_name="seller/dashboard.html",
            context={**context, "report": report},
            status_code=200 if report.applied else 422,
        )


async def uploaded_bytes(upload: Any, field: str, limit: int) -> bytes:
    """The content of a file input; InvalidInput when none was chosen or it is too big."""
    data = await upload.read(limit + 1) if isinstance(upload, UploadFile) else b""
    if not data:
        raise invalid_field(
            field, "file_missing", "Vui lòng chọn một tệp.", "Please choose a file."
        )
    if len(data) > limit:
        raise invalid_field(
            field,
            "file_too_large",
            f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB).",
            f"The file is too large ({limit // (1024 * 1024)} MB at most).",
        )
    return data
