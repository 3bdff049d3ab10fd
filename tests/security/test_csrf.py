"""CSRF: every cookie-authenticated write needs the token of its own session; bearer requests
(which carry no cookie an attacker could ride on) and the capability-token routes are exempt."""

from __future__ import annotations

import re
from typing import Any

from marketplace.accounts.service import create_api_token
from marketplace.accounts.tables import ApiToken
from marketplace.config import load_settings
from storefront.app import CSRF_EXEMPT_PATHS, create_app
from tests.security.snapshots import database_snapshot
from tests.security.test_ownership import PUBLIC, write_routes
from tests.security.world import PHONES, logged_in, people

PLACEHOLDER = re.compile(r"\{(\w+):(int|str)\}")


def concrete(template: str) -> str:
    return PLACEHOLDER.sub(lambda m: "1" if m.group(2) == "int" else "KHONGCO1234", template)


def exempt(path: str) -> bool:
    return any(re.match(pattern, path) for pattern in CSRF_EXEMPT_PATHS)


def test_only_capability_and_signature_routes_are_exempt() -> None:
    exempt_routes = {(m, p) for m, p in write_routes() if exempt(p)}
    assert exempt_routes, "the exemptions no longer match any route"
    # Every exempt route is public: it is authorised by a token in the URL/body or a signature,
    # never by the session cookie, so a forged cross-site request gains nothing.
    assert exempt_routes <= PUBLIC.keys(), exempt_routes - PUBLIC.keys()


async def _refusals(client: Any, form_token: str | None) -> list[str]:
    wrong: list[str] = []
    for method, template in sorted(write_routes()):
        path = concrete(template)
        if exempt(path):
            continue
        if path.startswith("/api/"):
            headers = {"x-csrftoken": form_token} if form_token else {}
            response = await client.request(method, path, json={}, headers=headers)
            code = response.json().get("code") if response.status_code == 403 else None
        else:
            data = {"_csrf_token": form_token} if form_token else {}
            response = await client.request(
                method, path, data=data, headers={"accept": "application/json"}
            )
            code = response.json().get("code") if response.status_code == 403 else None
            html = await client.request(method, path, data=data)
            if html.status_code != 403 or "tải lại trang" not in html.text:
                wrong.append(f"{method} {path} (page): {html.status_code}")
        if (response.status_code, code) != (403, "csrf_failed"):
            wrong.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
    return wrong


async def test_every_form_and_cookie_api_write_needs_its_own_sessions_token(db: None) -> None:
    await people()
    app = create_app(load_settings())
    victim, _ = await logged_in(app, PHONES["seller"])
    attacker, attackers_token = await logged_in(app, PHONES["other_seller"])
    try:
        before = await database_snapshot()
        assert not await _refusals(victim, None)  # no token at all
        assert not await _refusals(victim, attackers_token)  # a token of another session
        assert not await _refusals(victim, "x" * 64)  # a made-up token
        assert await database_snapshot() == before
    finally:
        await victim.aclose()
        await attacker.aclose()
        await app.state.shared.close()


async def test_a_bearer_request_needs_no_csrf_token_and_never_uses_the_cookie(db: None) -> None:
    accounts = await people()
    app = create_app(load_settings())
    browser, _ = await logged_in(app, PHONES["seller"])
    try:
        secret = (await create_api_token(accounts["seller"].id, "kho"))[1]
        spare = (await create_api_token(accounts["seller"].id, "dự phòng"))[0]
        revoked = await browser.delete(
            f"/api/v1/tokens/{spare.id}", headers={"authorization": f"Bearer {secret}"}
        )
        assert revoked.status_code == 204, revoked.text
        # Only a signed-in browser creates tokens: a bearer token may not mint more.
        created = await browser.post(
            "/api/v1/tokens",
            json={"name": "máy kho"},
            headers={"authorization": f"Bearer {secret}"},
        )
        assert created.status_code == 403 and created.json()["code"] == "session_required"
        # A forged request that adds a bogus bearer header to skip CSRF is refused: with a
        # bearer header the session cookie is ignored, page routes included.
        count = await ApiToken.count()
        for path, kwargs in (
            ("/api/v1/tokens", {"json": {"name": "giả"}}),
            ("/account/tokens", {"data": {"name": "giả"}}),
        ):
            forged = await browser.post(
                path, headers={"authorization": "Bearer forged-token"}, **kwargs
            )
            assert forged.status_code == 401, (path, forged.text)
        assert await ApiToken.count() == count
        # A revoked token is refused as well.
        buyer = accounts["buyer"].id
        info, revoked = await create_api_token(buyer, "cũ")
        own = (await create_api_token(buyer, "mới"))[1]
        gone = await browser.delete(
            f"/api/v1/tokens/{info.id}", headers={"authorization": f"Bearer {own}"}
        )
        assert gone.status_code == 204, gone.text
        refused = await browser.post(
            "/api/v1/tokens", json={"name": "x"}, headers={"authorization": f"Bearer {revoked}"}
        )
        assert refused.status_code == 401 and refused.json()["code"] == "token_invalid"
    finally:
        await browser.aclose()
        await app.state.shared.close()
