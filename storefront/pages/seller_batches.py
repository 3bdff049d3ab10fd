"""Seller pages for batches, made for one hand on a cheap phone: the batch list with the form
to open one, and a batch's journal with the "ghi nhật ký" form, recall, links and labels.

Every form works without JavaScript; `static/journal.js` adds field switching by kind and
offline drafts of the journal form.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, MultipartBody, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from marketplace.accounts.service import Account
from marketplace.catalogue.members import require_member
from marketplace.catalogue.queries import get_producer, list_products
from marketplace.catalogue.schemas import ProductFilters
from marketplace.errors import ApplicationError, NotFound, invalid_field
from storefront.auth import require_account
from storefront.middleware import language_of
from storefront.pages.batch_forms import (
    all_of,
    event_input,
    now_local_text,
    open_batch_form,
    text,
)
from storefront.pages.forms import field_errors
from traceability.batches import (
    EVENT_FIELDS,
    KIND_LABELS,
    PUBLIC_FIELDS,
    RECORDABLE_KINDS,
    BatchJournal,
    append_trace_event,
    batch_journal,
    batch_labels_pdf,
    close_batch,
    link_batches,
    open_batch,
    producer_batches,
    recall_batch,
    set_public_fields,
)
from traceability.labels import DEFAULT_LAYOUT, LAYOUTS

Req = Request[Any, Any, Any]


async def _seller(request: Req, producer_id: int) -> Account:
    account = await require_account(request)
    await require_member(account.id, producer_id)
    return account


async def _journal_of(account: Account, producer_id: int, batch_code: str) -> BatchJournal:
    found = await batch_journal(account, batch_code)
    if found.batch.producer_id != producer_id:
        raise NotFound("batch_not_found", "Không tìm thấy lô hàng.", "Batch not found.")
    return found


class SellerBatchPages(Controller):
    path = "/seller/{producer_id:int}/batches"
    include_in_schema = False

    @get("", name="seller_batches")
    async def list_page(self, request: Req, producer_id: FromPath[int]) -> Template:
        return await self._list(request, producer_id, {})

    async def _list(
        self, request: Req, producer_id: int, extra: dict[str, Any], status: int = 200
    ) -> Template:
        account = await _seller(request, producer_id)
        products = await list_products(
            ProductFilters(producer_id=producer_id, status=""), sort="name", page_size=100
        )
        return Template(
            template_name="traceability/seller_batches.html",
            context={
                "producer": await get_producer(producer_id),
                "batches": await producer_batches(account, producer_id),
                "products": products.items,
                "form": {},
                **extra,
            },
            status_code=status,
        )

    @post("", name="seller_open_batch")
    async def open(
        self, request: Req, producer_id: FromPath[int], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        account = await _seller(request, producer_id)
        try:
            product_id, details = open_batch_form(data)
            batch = await open_batch(account, product_id, details)
        except ApplicationError as error:
            return await self._list(request, producer_id, *_problem(request, error, data))
        return Redirect(f"/seller/{producer_id}/batches/{batch.code}?opened=1")

    @get("/{batch_code:str}", name="seller_batch")
    async def journal_page(
        self,
        request: Req,
        producer_id: FromPath[int],
        batch_code: FromPath[str],
        correct: Annotated[int | None, QueryParameter(name="correct")] = None,
    ) -> Template:
        form = {"kind": "correction", "corrects_sequence": str(correct)} if correct else {}
        return await self._journal(request, producer_id, batch_code, {"form": form})

    async def _journal(
        self,
        request: Req,
        producer_id: int,
        batch_code: str,
        extra: dict[str, Any],
        status: int = 200,
    ) -> Template:
        account = await _seller(request, producer_id)
        found = await _journal_of(account, producer_id, batch_code)
        producer = await get_producer(producer_id)
        form = {"commune_code": producer.commune_code, "public": "1", **extra.pop("form", {})}
        return Template(
            template_name="traceability/seller_batch.html",
            context={
                "producer": producer,
                "found": found,
                "b": found.batch,
                "kinds": [(kind.value, KIND_LABELS[kind]) for kind in RECORDABLE_KINDS],
                "kind_labels": KIND_LABELS,
                "event_fields": EVENT_FIELDS,
                "public_fields": PUBLIC_FIELDS,
                "layouts": LAYOUTS,
                "default_layout": DEFAULT_LAYOUT,
                "now": now_local_text(),
                # A fresh key per form shown: submitting the same form twice records once.
                "idempotency_key": secrets.token_urlsafe(24),
                "form": form,
                "query": request.query_params,
                **extra,
            },
            status_code=status,
        )

    @post("/{batch_code:str}/events", name="seller_append_event")
    async def append(
        self,
        request: Req,
        producer_id: FromPath[int],
        batch_code: FromPath[str],
        data: MultipartBody[dict[str, Any]],
    ) -> Template | Redirect:
        account = await _seller(request, producer_id)
        await _journal_of(account, producer_id, batch_code)
        try:
            result = await append_trace_event(account, batch_code, await event_input(data))
        except ApplicationError as error:
            form: dict[str, Any] = {
                key: text(data, key) for key in data if key not in ("photo", "hide")
            }
            form["hide"] = [v for v in all_of(data, "hide") if isinstance(v, str)]
            extra, status = _problem(request, error, form)
            return await self._journal(request, producer_id, batch_code, extra, status)
        return Redirect(
            f"/seller/{producer_id}/batches/{batch_code}?recorded={result.event.sequence}"
        )

    @post("/{batch_code:str}/recall", name="seller_recall_batch")
    async def recall(
        self,
        request: Req,
        producer_id: FromPath[int],
        batch_code: FromPath[str],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        account = await _seller(request, producer_id)
        await _journal_of(account, producer_id, batch_code)
        try:
            await recall_batch(account, batch_code, data.get("reason", ""))
        except ApplicationError as error:
            extra, status = _problem(request, error, {}, "recall_error")
            return await self._journal(request, producer_id, batch_code, extra, status)
        return Redirect(f"/seller/{producer_id}/batches/{batch_code}?recalled=1")

    @post("/{batch_code:str}/close", name="seller_close_batch")
    async def close(
        self, request: Req, producer_id: FromPath[int], batch_code: FromPath[str]
    ) -> Redirect:
        account = await _seller(request, producer_id)
        await _journal_of(account, producer_id, batch_code)
        await close_batch(account, batch_code)
        return Redirect(f"/seller/{producer_id}/batches/{batch_code}")

    @post("/{batch_code:str}/links", name="seller_link_batch")
    async def link(
        self,
        request: Req,
        producer_id: FromPath[int],
        batch_code: FromPath[str],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        account = await _seller(request, producer_id)
        await _journal_of(account, producer_id, batch_code)
        try:
            if data.get("direction") == "from":
                await link_batches(account, data.get("other_code", ""), batch_code)
            else:
                await link_batches(account, batch_code, data.get("other_code", ""))
        except ApplicationError as error:
            extra, status = _problem(request, error, {}, "link_error")
            return await self._journal(request, producer_id, batch_code, extra, status)
        return Redirect(f"/seller/{producer_id}/batches/{batch_code}?linked=1")

    @post("/{batch_code:str}/public-fields", name="seller_batch_public_fields")
    async def public_fields(
        self,
        request: Req,
        producer_id: FromPath[int],
        batch_code: FromPath[str],
        data: URLEncodedBody[dict[str, Any]],
    ) -> Redirect:
        account = await _seller(request, producer_id)
        await _journal_of(account, producer_id, batch_code)
        chosen = [v for v in all_of(data, "field") if isinstance(v, str)]
        await set_public_fields(account, batch_code, chosen)
        return Redirect(f"/seller/{producer_id}/batches/{batch_code}?shared=1")

    @get("/{batch_code:str}/labels.pdf", name="seller_batch_labels")
    async def labels(
        self,
        request: Req,
        producer_id: FromPath[int],
        batch_code: FromPath[str],
        layout: Annotated[str, QueryParameter(name="layout")] = DEFAULT_LAYOUT,
        count: Annotated[str, QueryParameter(name="count")] = "",
    ) -> Response[bytes]:
        account = await _seller(request, producer_id)
        found = await _journal_of(account, producer_id, batch_code)
        how_many = _label_count(count)
        pdf = await batch_labels_pdf(
            found.batch.code, request.app.state.settings.base_url, layout, how_many
        )
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"content-disposition": f'attachment; filename="nhan-{found.batch.code}.pdf"'},
        )


def _label_count(typed: str) -> int | None:
    """The number of labels typed in the form; empty means one full sheet."""
    typed = typed.strip()
    if not typed:
        return None
    if not (typed.isascii() and typed.isdigit()) or len(typed) > 6:
        raise invalid_field(
            "count",
            "label_count_invalid",
            "Hãy nhập số nhãn (từ 1 đến 2000).",
            "Please enter the number of labels (1 to 2000).",
        )
    return int(typed)


def _problem(
    request: Req, error: ApplicationError, form: dict[str, Any], slot: str = "error"
) -> tuple[dict[str, Any], int]:
    """What to show again on the form: the message, the per-field messages, what was typed."""
    language = language_of(request.scope)
    return (
        {slot: error.message(language), "errors": field_errors(error, language), "form": form},
        error.status,
    )
