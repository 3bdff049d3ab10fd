"""Officers' view of the batches of their province: recalls first, each journal verified, and
a batch's page with the recall form (an officer of the province may recall a batch)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from marketplace.errors import ApplicationError
from storefront.auth import require_officer
from storefront.middleware import language_of
from storefront.pages.forms import field_errors
from traceability.batches import batch_journal, province_batches, recall_batch

Req = Request[Any, Any, Any]


class OfficerBatchPages(Controller):
    path = "/officer/batches"
    include_in_schema = False

    @get("", name="officer_batches")
    async def list_page(
        self, request: Req, page: Annotated[int, QueryParameter(name="page", ge=1)] = 1
    ) -> Template:
        officer = await require_officer(request)
        found = await province_batches(officer, page=page, page_size=20)
        return Template(
            template_name="traceability/officer_batches.html",
            context={"officer": officer, "found": found, "page": page},
        )

    @get("/{batch_code:str}", name="officer_batch")
    async def batch_page(self, request: Req, batch_code: FromPath[str]) -> Template:
        return await self._batch(request, batch_code, {})

    async def _batch(
        self, request: Req, batch_code: str, extra: dict[str, Any], status: int = 200
    ) -> Template:
        officer = await require_officer(request)
        found = await batch_journal(officer, batch_code)  # officers of its province only
        return Template(
            template_name="traceability/officer_batch.html",
            context={
                "officer": officer,
                "found": found,
                "b": found.batch,
                "query": request.query_params,
                **extra,
            },
            status_code=status,
        )

    @post("/{batch_code:str}/recall", name="officer_recall_batch")
    async def recall(
        self, request: Req, batch_code: FromPath[str], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        officer = await require_officer(request)
        found = await batch_journal(officer, batch_code)
        reason = data.get("reason", "")
        try:
            await recall_batch(officer, found.batch.code, reason)
        except ApplicationError as error:
            language = language_of(request.scope)
            extra = {
                "recall_error": error.message(language),
                "errors": field_errors(error, language),
                "reason": reason,
            }
            return await self._batch(request, batch_code, extra, error.status)
        return Redirect(f"/officer/batches/{found.batch.code}?recalled=1")
