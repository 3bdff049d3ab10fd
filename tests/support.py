"""Small helpers for tests that act as a browser would (forms with their CSRF token)."""

from __future__ import annotations

import re
from typing import Any

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def csrf_token(client: Any, path: str = "/login") -> str:
    page = await client.get(path)
    match = _CSRF.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def submit(client: Any, path: str, form: dict[str, str], page: str | None = None) -> Any:
    """POST `form` to `path` the way the browser does, with the token from `page` (or `path`)."""
    token = await csrf_token(client, page or path)
    return await client.post(path, data={**form, "_csrf_token": token})


async def sign_up_and_log_in(
    client: Any, phone: str = "0912345678", password: str = "mat-khau-1"
) -> Any:
    response = await submit(
        client, "/signup", {"phone": phone, "password": password, "display_name": "Lê Văn Tám"}
    )
    assert response.status_code in (200, 302, 303), response.text
    return response
