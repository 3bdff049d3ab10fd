"""Sessions: an id planted before login is worthless after it (fixation), logout ends the
session on the server and not only in the browser, "log out everywhere" ends every session."""

from __future__ import annotations

from typing import Any

from marketplace.config import load_settings
from storefront.app import create_app
from storefront.sessions import COOKIE
from tests.security.world import (
    PASSWORD,
    PHONES,
    _producer,
    logged_in,
    page_token,
    people,
    seller_product,
)

LOGIN = {"phone": PHONES["buyer"], "password": PASSWORD}


def _session_cookie(response: Any) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == COOKIE:
            return rest.split(";")[0]
    return None


async def _signed_in(client: Any) -> bool:
    page = await client.get("/account")
    return page.status_code == 200


async def test_a_planted_session_id_is_replaced_at_login(db: None) -> None:
    product = await seller_product()
    app = create_app(load_settings())
    store = app.state.shared.sessions
    victim, token = await logged_in(app, None)
    attacker, _ = await logged_in(app, None)
    try:
        # The attacker gets a real anonymous session (a cart) and plants its id in the victim's
        # browser; a made-up id is planted too.
        added = await attacker.post(
            "/cart/items",
            data={
                "product_id": str(product),
                "quantity": "1",
                "_csrf_token": await page_token(attacker),
            },
        )
        assert added.status_code < 400, added.text
        planted = attacker.cookies.get(COOKIE)
        assert planted and await store.get(planted)
        for planted_id in (planted, "made-up-session-id-0123456789"):
            victim.cookies.set(COOKIE, planted_id, domain="testserver.local")
            login = await victim.post("/login", data={**LOGIN, "_csrf_token": token})
            assert login.status_code in (302, 303), login.text
            fresh = _session_cookie(login)
            assert fresh and fresh != planted_id
            assert await store.get(planted_id) is None
            victim.cookies.set(COOKIE, fresh, domain="testserver.local")
            assert await _signed_in(victim)
            # The attacker holding the planted id is not signed in as the victim.
            attacker.cookies.set(COOKIE, planted_id, domain="testserver.local")
            assert not await _signed_in(attacker)
            token = await page_token(victim, "/account")
            await victim.post("/logout", data={"_csrf_token": token})
            token = await page_token(victim)
    finally:
        await victim.aclose()
        await attacker.aclose()
        await app.state.shared.close()


async def test_logout_ends_the_session_on_the_server(db: None) -> None:
    await people()
    app = create_app(load_settings())
    store = app.state.shared.sessions
    browser, token = await logged_in(app, PHONES["buyer"])
    stolen = browser.cookies.get(COOKIE)
    assert stolen and await store.get(stolen)
    thief, _ = await logged_in(app, None)
    try:
        thief.cookies.set(COOKIE, stolen, domain="testserver.local")
        assert await _signed_in(thief)
        out = await browser.post("/logout", data={"_csrf_token": token})
        assert out.status_code in (302, 303)
        assert "Max-Age=0" in (
            next(h for h in out.headers.get_list("set-cookie") if h.startswith(COOKIE))
        )
        assert await store.get(stolen) is None
        assert not await _signed_in(thief)  # a copy of the old cookie is worthless now
    finally:
        await browser.aclose()
        await thief.aclose()
        await app.state.shared.close()


async def test_signing_up_starts_a_fresh_session(db: None) -> None:
    app = create_app(load_settings())
    browser, token = await logged_in(app, None)
    try:
        browser.cookies.set(COOKIE, "planted-before-sign-up-0123456789", domain="testserver.local")
        response = await browser.post(
            "/signup",
            data={
                "phone": "0913999888",
                "password": "mat-khau-moi-1",
                "display_name": "Lò Thị Xuân",
                "_csrf_token": token,
            },
        )
        assert response.status_code in (302, 303), response.text
        fresh = _session_cookie(response)
        assert fresh and fresh != "planted-before-sign-up-0123456789"
    finally:
        await browser.aclose()
        await app.state.shared.close()


async def test_log_out_everywhere_ends_every_session_of_the_account(db: None) -> None:
    await people()
    app = create_app(load_settings())
    phone, phone_token = await logged_in(app, PHONES["buyer"])
    laptop, _ = await logged_in(app, PHONES["buyer"])
    other_person, _ = await logged_in(app, PHONES["seller"])
    try:
        assert phone.cookies.get(COOKIE) != laptop.cookies.get(COOKIE)
        assert await _signed_in(laptop)
        out = await phone.post("/logout-everywhere", data={"_csrf_token": phone_token})
        assert out.status_code in (302, 303)
        assert not await _signed_in(phone)
        assert not await _signed_in(laptop)
        assert await _signed_in(other_person)  # nobody else is signed out
        # Signing in again works and gives a session that the old ones cannot reach.
        token = await page_token(laptop)
        again = await laptop.post("/login", data={**LOGIN, "_csrf_token": token})
        assert again.status_code in (302, 303)
        assert await _signed_in(laptop)
        assert not await _signed_in(phone)
    finally:
        for client in (phone, laptop, other_person):
            await client.aclose()
        await app.state.shared.close()


async def test_a_password_reset_ends_every_session(db: None) -> None:
    accounts = await people()
    # The officer of province 37 resets accounts of that province's producers only.
    await _producer(accounts["buyer"], "Cơ sở Nem chua Ngọc Lũ", "37", "13540")
    app = create_app(load_settings())
    officer, officer_token = await logged_in(app, PHONES["officer"])
    buyer, _ = await logged_in(app, PHONES["buyer"])
    stranger, _ = await logged_in(app, None)
    try:
        assert await _signed_in(buyer)
        page = await officer.post(
            "/account/reset-codes", data={"phone": PHONES["buyer"], "_csrf_token": officer_token}
        )
        code = page.text.split('class="code">')[1].split("<")[0]
        token = await page_token(stranger, "/reset")
        reset = await stranger.post(
            "/reset",
            data={
                "phone": PHONES["buyer"],
                "code": code,
                "new_password": "mat-khau-moi-2",
                "_csrf_token": token,
            },
        )
        assert reset.status_code < 400, reset.text
        assert not await _signed_in(buyer)
    finally:
        for client in (officer, buyer, stranger):
            await client.aclose()
        await app.state.shared.close()


async def test_login_redirects_only_to_this_site(db: None) -> None:
    await people()
    app = create_app(load_settings())
    browser, _ = await logged_in(app, None)

    async def redirect_after_login(next_path: str) -> str:
        token = await page_token(browser)
        response = await browser.post(
            "/login", data={**LOGIN, "next": next_path, "_csrf_token": token}
        )
        assert response.status_code in (302, 303), response.text
        await browser.post("/logout", data={"_csrf_token": await page_token(browser, "/account")})
        return str(response.headers["location"])

    try:
        assert await redirect_after_login("/seller") == "/seller"
        for target in ("https://evil.example/", "//evil.example/", "evil.example"):
            assert await redirect_after_login(target) == "/account", target
        # Browsers read a raw `/\evil.example` or `/<tab>/evil.example` as `//evil.example`;
        # percent-encoded (%5C, %09) they are plain path characters.
        for target in ("/\\evil.example/", "/\t/evil.example/"):
            location = await redirect_after_login(target)
            normalised = location.replace("\\", "/").replace("\t", "")
            assert not normalised.startswith("//"), (target, location)
    finally:
        await browser.aclose()
        await app.state.shared.close()
