"""Officers' view of the batches of their province: recalls first, each journal verified."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from storefront.auth import require_officer
from traceability.batches import province_batches


@get("/officer/batches", name="officer_batches", include_in_schema=False)
async def officer_batches_page(
    request: Request[Any, Any, Any],
    page: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    officer = await require_officer(request)
    found = await province_batches(officer, page=page, page_size=20)
    return Template(
        template_name="traceability/officer_batches.html",
        context={"officer": officer, "found": found, "page": page},
    )
