"""Security headers on every kind of response (pages, API, static files, media, errors), HSTS
and Secure cookies when SECURE_COOKIES=true, and cookie flags."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx

from marketplace.config import load_settings
from storefront import i18n
from storefront.app import create_app
from storefront.sessions import COOKIE
from tests.security.world import PASSWORD, PHONES, build_world, page_token, people

HSTS = "strict-transport-security"


def _client(app: Any, scheme: str = "http") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    return httpx.AsyncClient(transport=transport, base_url=f"{scheme}://testserver.local")


def _check(response: httpx.Response, what: str, hsts: bool) -> list[str]:
    headers = response.headers
    wrong: list[str] = []
    csp = headers.get("content-security-policy", "")
    expected = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "x-frame-options": "DENY",
    }
    for name, value in expected.items():
        if headers.get(name) != value:
            wrong.append(f"{what}: {name} = {headers.get(name)!r}")
    for directive in ("frame-ancestors 'none'", "default-src 'self'", "object-src 'none'"):
        if directive not in csp:
            wrong.append(f"{what}: CSP lacks {directive!r} ({csp!r})")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        wrong.append(f"{what}: CSP allows inline or eval scripts")
    if hsts and "max-age=31536000" not in headers.get(HSTS, ""):
        wrong.append(f"{what}: no HSTS")
    if not hsts and HSTS in headers:
        wrong.append(f"{what}: HSTS sent although SECURE_COOKIES is off")
    return wrong


async def _responses(client: httpx.AsyncClient, world: Any) -> dict[str, httpx.Response]:
    photo = f"/media/{world.photo_key}-240.jpg"
    return {
        "home page": await client.get("/"),
        "product list": await client.get("/products"),
        "login page": await client.get("/login"),
        "provenance page": await client.get(f"/t/{world.batch}"),
        "API list": await client.get("/api/v1/products"),
        "API problem": await client.get("/api/v1/products/999999"),
        "health": await client.get("/health"),
        "OpenAPI": await client.get("/schema/openapi.json"),
        "static file": await client.get("/static/app.css"),
        "media file": await client.get(photo),
        "media range": await client.get(photo, headers={"range": "bytes=0-99"}),
        "missing page": await client.get("/khong-co-trang-nay"),
        "missing media": await client.get("/media/products/khong-co.jpg"),
        "wrong method": await client.delete("/login"),
        "CSRF refusal": await client.post("/login", data={"phone": "1"}),
    }


async def test_every_kind_of_response_carries_the_security_headers(db: None) -> None:
    world = await build_world()
    failures: list[str] = []
    for secure in (False, True):
        settings = dataclasses.replace(load_settings(), secure_cookies=secure)
        app = create_app(settings)
        async with _client(app, "https" if secure else "http") as client:
            responses = await _responses(client, world)
            assert responses["media file"].status_code == 200
            assert responses["media range"].status_code == 206
            for what, response in responses.items():
                assert response.status_code < 500, (what, response.text)
                failures += _check(response, f"{what} ({'https' if secure else 'http'})", secure)
        await app.state.shared.close()
    assert not failures, "\n".join(failures)


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {header.partition("=")[0]: header for header in response.headers.get_list("set-cookie")}


async def test_cookies_are_http_only_same_site_and_secure_over_https(db: None) -> None:
    await people()
    for secure in (False, True):
        app = create_app(dataclasses.replace(load_settings(), secure_cookies=secure))
        async with _client(app, "https" if secure else "http") as client:
            first = await client.get("/login?lang=en")
            cookies = _set_cookies(first)
            token = await page_token(client)
            login = await client.post(
                "/login",
                data={"phone": PHONES["buyer"], "password": PASSWORD, "_csrf_token": token},
            )
            assert login.status_code in (302, 303), login.text
            cookies.update(_set_cookies(login))
        await app.state.shared.close()
        assert {COOKIE, "csrftoken", i18n.COOKIE} <= cookies.keys(), cookies
        session = cookies[COOKIE].lower()
        assert "httponly" in session and "samesite=lax" in session and "path=/" in session
        assert "max-age=" in session
        for name, header in cookies.items():
            flags = header.lower()
            assert "samesite=" in flags, (name, header)
            assert ("secure" in flags.split("; ")) == secure, (name, header, secure)
        # The CSRF cookie must be readable by the page's script (double submit for fetch()).
        assert "httponly" not in cookies["csrftoken"].lower()


async def test_a_media_cdn_is_allowed_for_images_and_audio_and_nothing_else(db: None) -> None:
    world = await build_world()
    settings = dataclasses.replace(
        load_settings(), media_public_base_url="https://anh.langso.example/media"
    )
    app = create_app(settings)
    async with _client(app) as client:
        page = await client.get(f"/t/{world.batch}")
        missing = await client.get("/khong-co-trang-nay")
    await app.state.shared.close()
    for response in (page, missing):
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response.headers["content-security-policy"].split(";")
        )
        assert "https://anh.langso.example" in policy["img-src"].split()
        assert "https://anh.langso.example" in policy["media-src"].split()
        assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"


async def test_the_api_reference_page_may_load_its_viewer_and_nothing_else_may(client) -> None:
    """Scalar's script and styles come from jsDelivr: with the pages' policy the reference
    page was blank in every browser."""
    docs = (await client.get("/schema")).headers["content-security-policy"]
    script_src = next(part for part in docs.split(";") if part.strip().startswith("script-src"))
    assert "https://cdn.jsdelivr.net" in script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for path in ("/", "/schema/openapi.json", "/products"):
        policy = (await client.get(path)).headers["content-security-policy"]
        assert "cdn.jsdelivr.net" not in policy, path


async def test_static_and_media_files_set_no_cookie(db: None) -> None:
    """A CDN caching /media/ (a year, immutable) or /static/ must not be handed one visitor's
    CSRF cookie."""
    world = await build_world()
    app = create_app(load_settings())
    async with _client(app, "http") as client:
        for path in ("/static/app.css", f"/media/{world.photo_key}-240.jpg"):
            response = await client.get(path)
            assert response.status_code == 200, path
            assert "set-cookie" not in response.headers, path
    await app.state.shared.close()
