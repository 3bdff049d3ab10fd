"""The home page."""

from __future__ import annotations

from litestar import get
from litestar.response import Template


@get("/", name="home", include_in_schema=False)
async def home_page() -> Template:
    return Template(template_name="home.html", context={})
