"""Ownership on every write route of the app.

Every non-GET route is read from `app.routes` and must be classified below: public (with the
reason it may be called by anyone), self (acts only on the caller's own account, needs a login)
or owned (acts on somebody's producer, batch, order, site…). For each owned route another
seller, a buyer and officers who are not responsible must get 403/404 with nothing changed in
the database, and the owner must succeed. A new write route that is not classified here fails
`test_every_write_route_is_classified`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marketplace.accounts.service import account_by_phone, create_api_token
from marketplace.config import load_settings
from marketplace.phones import parse_phone
from storefront.app import create_app
from tests.heritage_sites import jpeg_with_gps, wav
from tests.security.snapshots import database_snapshot
from tests.security.world import PHONES, World, build_world, logged_in, people, seller_product
from traceability.batches import open_batch

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Public writes: anyone may call them, with the reason why that is safe.
PUBLIC: dict[tuple[str, str], str] = {
    ("POST", "/signup"): "creates a new account; rate-limited per address",
    ("POST", "/login"): "authenticates; rate-limited per phone and per address",
    ("POST", "/reset"): "needs a one-time reset code issued by an officer or owner",
    ("POST", "/cart/items"): "the visitor's own cart, kept in their session",
    ("POST", "/cart/items/{product_id:int}"): "the visitor's own cart, kept in their session",
    ("POST", "/checkout"): "guest checkout of the visitor's own cart",
    ("POST", "/pay/{payment_token:str}/cancel"): "the unguessable payment token is the key",
    ("POST", "/pay/{payment_token:str}/renew"): "the unguessable payment token is the key",
    ("POST", "/api/v1/carts"): "creates an anonymous cart whose token is its only key",
    ("POST", "/api/v1/carts/{token:str}/items"): "the unguessable cart token is the key",
    ("PUT", "/api/v1/carts/{token:str}/items/{product_id:int}"): "cart token is the key",
    ("POST", "/api/v1/carts/{token:str}/items/{product_id:int}/remove"): "cart token is the key",
    ("POST", "/api/v1/carts/{token:str}/checkout"): "guest checkout; cart token is the key",
    ("POST", "/api/v1/payment-intents"): "for orders named by their unguessable checkout token",
    ("POST", "/api/v1/payment-intents/{token:str}/cancel"): "payment token is the key",
    ("POST", "/api/v1/payments/webhooks/{provider:str}/{endpoint_id:str}"): (
        "authenticated by the provider's signature or API key (tests/storefront/orders)"
    ),
}

# Self-service writes: they need a login and act only on the caller's own account.
SELF: dict[tuple[str, str], str] = {
    ("POST", "/logout"): "ends the caller's own session",
    ("POST", "/logout-everywhere"): "ends the caller's own sessions",
    ("POST", "/account/tokens"): "creates a token for the caller",
    ("POST", "/api/v1/tokens"): "creates a token for the caller",
    ("POST", "/seller/producers"): "registers a producer owned by the caller",
    ("POST", "/api/v1/producers"): "registers a producer owned by the caller",
    ("POST", "/account/reset-codes"): "officers or owners only; see test_reset_codes",
}


@dataclass(frozen=True)
class Write:
    """How to call one owned write route against the world's objects."""

    owner: str  # "seller" (seller A) or "officer" (officer of province 37)
    build: Callable[[World, int], dict[str, Any]]  # (world, producer id) -> request parts
    attackers: tuple[str, ...] = field(default=())


SELLER_ATTACKERS = ("other_seller", "buyer", "officer", "other_officer")
OFFICER_ATTACKERS = ("other_officer", "seller", "buyer")


def _seller(build: Callable[[World, int], dict[str, Any]]) -> Write:
    return Write("seller", build, SELLER_ATTACKERS)


def _officer(build: Callable[[World, int], dict[str, Any]]) -> Write:
    return Write("officer", build, OFFICER_ATTACKERS)


def _jpeg() -> tuple[str, bytes, str]:
    return ("anh.jpg", jpeg_with_gps((320, 240)), "image/jpeg")


PRODUCT_FORM = {
    "name": "Bưởi Ngọc Lũ loại 1",
    "price_vnd": "50.000",
    "unit": "kg",
    "stock": "15",
    "status": "active",
    "description_vi": "Bưởi ngọt.",
}
PROFILE_FORM = {
    "name": "HTX Bưởi Ngọc Lũ mới",
    "kind": "hop_tac_xa",
    "province_code": "37",
    "commune_code": "13540",
    "action": "save",
}
SITE_FORM = {
    "name": "Đình Triều Hội",
    "kind": "dinh",
    "ranking": "quoc_gia",
    "province_code": "37",
    "commune": "Bình Giang",
    "address_line": "Thôn Triều Hội",
}
NOW = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")


def _form(path: str, **form: Any) -> dict[str, Any]:
    return {"method": "POST", "path": path, "data": form}


OWNED: dict[tuple[str, str], Write] = {
    # Seller pages: producer A and what hangs from it.
    ("POST", "/seller/{producer_id:int}/profile"): _seller(
        lambda w, p: _form(f"/seller/{p}/profile", **PROFILE_FORM)
    ),
    ("POST", "/seller/{producer_id:int}/import"): _seller(
        lambda w, p: {
            "method": "POST",
            "path": f"/seller/{p}/import",
            "files": {
                "file": (
                    "san-pham.csv",
                    "name,unit,price_vnd,stock,status\nNhãn,kg,60000,5,active\n".encode(),
                    "text/csv",
                )
            },
        }
    ),
    ("POST", "/seller/{producer_id:int}/products"): _seller(
        lambda w, p: _form(f"/seller/{p}/products", **PRODUCT_FORM)
    ),
    ("POST", "/seller/{producer_id:int}/products/{product_id:int}"): _seller(
        lambda w, p: _form(f"/seller/{p}/products/{w.product}", **PRODUCT_FORM)
    ),
    ("POST", "/seller/{producer_id:int}/products/{product_id:int}/photos"): _seller(
        lambda w, p: {
            "method": "POST",
            "path": f"/seller/{p}/products/{w.product}/photos",
            "data": {"alt": "Bưởi"},
            "files": {"photo": _jpeg()},
        }
    ),
    ("POST", "/seller/{producer_id:int}/products/{product_id:int}/photos/cover"): _seller(
        lambda w, p: _form(f"/seller/{p}/products/{w.product}/photos/cover", media_key=w.photo_key)
    ),
    ("POST", "/seller/{producer_id:int}/products/{product_id:int}/photos/delete"): _seller(
        lambda w, p: _form(
            f"/seller/{p}/products/{w.product}/photos/delete", media_key=w.first_photo_key
        )
    ),
    ("POST", "/seller/{producer_id:int}/transfers/{transfer_id:int}/assign"): _seller(
        lambda w, p: _form(
            f"/seller/{p}/transfers/{w.transfer}/assign", order_reference=w.order_reference
        )
    ),
    ("POST", "/seller/{producer_id:int}/orders/{order_id:int}/{action:str}"): _seller(
        lambda w, p: _form(f"/seller/{p}/orders/{w.order}/packing")
    ),
    ("POST", "/seller/{producer_id:int}/products/{product_id:int}/archive"): _seller(
        lambda w, p: _form(f"/seller/{p}/products/{w.product}/archive")
    ),
    ("POST", "/seller/{producer_id:int}/payments"): _seller(
        lambda w, p: _form(f"/seller/{p}/payments", provider="casso", checksum_key="casso-k-123456")
    ),
    ("POST", "/seller/{producer_id:int}/payments/{connection_id:int}/disconnect"): _seller(
        lambda w, p: _form(f"/seller/{p}/payments/{w.connection}/disconnect")
    ),
    ("POST", "/seller/{producer_id:int}/payments/notifications"): _seller(
        lambda w, p: _form(
            f"/seller/{p}/payments/notifications", notification_url="https://example.org/hook"
        )
    ),
    ("POST", "/seller/{producer_id:int}/payments/notifications/clear"): _seller(
        lambda w, p: _form(f"/seller/{p}/payments/notifications/clear")
    ),
    ("POST", "/seller/{producer_id:int}/delivery"): _seller(
        lambda w, p: _form(
            f"/seller/{p}/delivery",
            delivery_enabled="on",
            delivery_fee_vnd="25.000",
            pickup_enabled="on",
            pickup_address="Thôn Ngọc Lũ",
        )
    ),
    ("POST", "/seller/{producer_id:int}/batches"): _seller(
        lambda w, p: _form(f"/seller/{p}/batches", product_id=str(w.product), quantity="10")
    ),
    ("POST", "/seller/{producer_id:int}/batches/{batch_code:str}/events"): _seller(
        lambda w, p: {
            "method": "POST",
            "path": f"/seller/{p}/batches/{w.batch}/events",
            "data": {"kind": "harvest", "occurred_at": NOW, "quantity": "5", "unit": "kg"},
            "files": {"photo": _jpeg()},
        }
    ),
    ("POST", "/seller/{producer_id:int}/batches/{batch_code:str}/close"): _seller(
        lambda w, p: _form(f"/seller/{p}/batches/{w.closing_batch}/close")
    ),
    ("POST", "/seller/{producer_id:int}/batches/{batch_code:str}/links"): _seller(
        lambda w, p: _form(
            f"/seller/{p}/batches/{w.batch}/links", direction="to", other_code=w.other_batch
        )
    ),
    ("POST", "/seller/{producer_id:int}/batches/{batch_code:str}/public-fields"): _seller(
        lambda w, p: _form(f"/seller/{p}/batches/{w.batch}/public-fields", field=["dates"])
    ),
    ("POST", "/seller/{producer_id:int}/batches/{batch_code:str}/recall"): _seller(
        lambda w, p: _form(f"/seller/{p}/batches/{w.batch}/recall", reason="Mốc")
    ),
    # Seller API (bearer tokens).
    ("POST", "/api/v1/producers/{producer_id:int}/products"): _seller(
        lambda w, p: {
            "method": "POST",
            "path": f"/api/v1/producers/{p}/products",
            "json": {"name": "Nhãn", "unit": "kg", "price_vnd": 60000},
        }
    ),
    ("PUT", "/api/v1/producers/{producer_id:int}"): _seller(
        lambda w, p: {
            "method": "PUT",
            "path": f"/api/v1/producers/{p}",
            "json": {
                "name": "HTX Bưởi Ngọc Lũ mới",
                "kind": "hop_tac_xa",
                "province_code": "37",
                "commune_code": "13540",
            },
        }
    ),
    ("PATCH", "/api/v1/products/{product_id:int}"): _seller(
        lambda w, p: {
            "method": "PATCH",
            "path": f"/api/v1/products/{w.product}",
            "json": {"price_vnd": 1000},
        }
    ),
    ("POST", "/api/v1/products/{product_id:int}/archive"): _seller(
        lambda w, p: {"method": "POST", "path": f"/api/v1/products/{w.product}/archive"}
    ),
    ("POST", "/api/v1/batches"): _seller(
        lambda w, p: {
            "method": "POST",
            "path": "/api/v1/batches",
            "json": {"product_id": w.product},
        }
    ),
    ("POST", "/api/v1/batches/{batch_code:str}/events"): _seller(
        lambda w, p: {
            "method": "POST",
            "path": f"/api/v1/batches/{w.api_batch}/events",
            "json": {"kind": "harvest", "occurred_at": datetime.now(UTC).isoformat()},
        }
    ),
    # Linked before it is recalled: a recalled batch cannot become a source.
    ("POST", "/api/v1/batches/{batch_code:str}/links"): _seller(
        lambda w, p: {
            "method": "POST",
            "path": f"/api/v1/batches/{w.api_batch}/links",
            "json": {"to_code": w.other_batch},
        }
    ),
    # Officers of the batch's province may recall it too (traceability.batches.recall_batch).
    ("POST", "/api/v1/batches/{batch_code:str}/recall"): Write(
        "seller",
        lambda w, p: {
            "method": "POST",
            "path": f"/api/v1/batches/{w.api_batch}/recall",
            "json": {"reason": "Mốc"},
        },
        ("other_seller", "buyer", "other_officer"),
    ),
    # Tokens belong to the account that made them.
    ("POST", "/account/tokens/{token_id:int}/revoke"): Write(
        "seller",
        lambda w, p: _form(f"/account/tokens/{w.token_ids[0]}/revoke"),
        SELLER_ATTACKERS,
    ),
    ("DELETE", "/api/v1/tokens/{token_id:int}"): Write(
        "seller",
        lambda w, p: {"method": "DELETE", "path": f"/api/v1/tokens/{w.token_ids[1]}"},
        SELLER_ATTACKERS,
    ),
    # Officer pages: objects of province 37.
    ("POST", "/officer/batches/{batch_code:str}/recall"): _officer(
        lambda w, p: _form(f"/officer/batches/{w.closing_batch}/recall", reason="Dư lượng thuốc")
    ),
    ("POST", "/officer/products/{product_id:int}/ocop-verification"): _officer(
        lambda w, p: _form(f"/officer/products/{w.product}/ocop-verification", verified="1")
    ),
    ("POST", "/officer/producers/{producer_id:int}/verification"): _officer(
        lambda w, p: _form(f"/officer/producers/{w.producer}/verification", verified="1")
    ),
    ("POST", "/officer/sites/new"): _officer(
        lambda w, p: _form("/officer/sites/new", **{**SITE_FORM, "name": "Chùa Bái Đính"})
    ),
    ("POST", "/officer/sites/{site_id:int}/edit"): _officer(
        lambda w, p: _form(
            f"/officer/sites/{w.site}/edit", **{**SITE_FORM, "slug": "dinh-trieu-hoi"}
        )
    ),
    ("POST", "/officer/sites/{site_id:int}/content/{language:str}"): _officer(
        lambda w, p: _form(
            f"/officer/sites/{w.site}/content/en", title="Communal house", action="save"
        )
    ),
    ("POST", "/officer/sites/{site_id:int}/photos"): _officer(
        lambda w, p: {
            "method": "POST",
            "path": f"/officer/sites/{w.site}/photos",
            "data": {"alt_vi": "Cổng đình"},
            "files": {"photo": _jpeg()},
        }
    ),
    ("POST", "/officer/sites/{site_id:int}/photos/{photo_id:int}/delete"): _officer(
        lambda w, p: _form(f"/officer/sites/{w.site}/photos/{w.site_photo}/delete")
    ),
    ("POST", "/officer/sites/{site_id:int}/audio/{language:str}"): _officer(
        lambda w, p: {
            "method": "POST",
            "path": f"/officer/sites/{w.site}/audio/en",
            "files": {"audio": ("loi-thuyet-minh.wav", wav(), "audio/wav")},
        }
    ),
    ("POST", "/officer/sites/{site_id:int}/audio/{language:str}/delete"): _officer(
        lambda w, p: _form(f"/officer/sites/{w.site}/audio/vi/delete")
    ),
    ("POST", "/officer/sites/{site_id:int}/festivals"): _officer(
        lambda w, p: _form(
            f"/officer/sites/{w.site}/festivals", name_vi="Lễ rước", lunar_month="2", lunar_day="6"
        )
    ),
    ("POST", "/officer/sites/{site_id:int}/festivals/{festival_id:int}/delete"): _officer(
        lambda w, p: _form(f"/officer/sites/{w.site}/festivals/{w.festival}/delete")
    ),
    ("POST", "/officer/sites/{site_id:int}/rename"): _officer(
        lambda w, p: _form(f"/officer/sites/{w.site}/rename", slug="dinh-lang-trieu-hoi")
    ),
}


def write_routes() -> set[tuple[str, str]]:
    """(method, path template) of every write route the app serves."""
    app = create_app(load_settings())
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        for method in getattr(route, "methods", ()):
            if method in WRITE_METHODS:
                found.add((method, route.path))
    return found


def test_every_write_route_is_classified() -> None:
    routes = write_routes()
    classified = PUBLIC.keys() | SELF.keys() | OWNED.keys()
    unclassified = sorted(routes - classified)
    assert not unclassified, f"classify these write routes in {__file__}: {unclassified}"
    stale = sorted(classified - routes)
    assert not stale, f"these classified routes no longer exist: {stale}"
    assert not (PUBLIC.keys() & SELF.keys()) and not (PUBLIC.keys() & OWNED.keys())
    assert not (SELF.keys() & OWNED.keys())
    assert all(reason.strip() for reason in (*PUBLIC.values(), *SELF.values()))


async def _send(client: Any, token: str, bearer: str | None, parts: dict[str, Any]) -> Any:
    path: str = parts["path"]
    if path.startswith("/api/"):
        headers = {"authorization": f"Bearer {bearer}"} if bearer else {"x-csrftoken": token}
        return await client.request(parts["method"], path, json=parts.get("json"), headers=headers)
    return await client.request(
        parts["method"],
        path,
        data={**parts.get("data", {}), "_csrf_token": token},
        files=parts.get("files"),
    )


def _describe(response: Any) -> str:
    return f"{response.status_code} {response.headers.get('location', '')} {response.text[:300]}"


def _attempts(route: tuple[str, str], write: Write, world: World) -> list[tuple[str, int]]:
    """Anonymous visitors, each attacker with the owner's ids, and seller B through his own
    producer's address with the owner's product/batch/order/… ids (a mixed-up pair of ids)."""
    attempts: list[tuple[str, int]] = [("anonymous", world.producer)]
    attempts += [(actor, world.producer) for actor in write.attackers]
    other_ids = route[1].replace("{producer_id:int}", "")
    if "{producer_id:int}" in route[1] and "{" in other_ids:
        attempts.append(("other_seller", world.other_producer))
    return attempts


async def _browsers(app: Any, actors: set[str]) -> dict[str, tuple[Any, str]]:
    return {actor: await logged_in(app, PHONES.get(actor)) for actor in actors}


async def test_nobody_but_the_owner_may_write(db: None) -> None:
    world = await build_world()
    app = create_app(load_settings())
    browsers = await _browsers(app, {"anonymous", *PHONES})
    failures: list[str] = []
    try:
        baseline = await database_snapshot()
        for route, write in OWNED.items():
            for actor, producer in _attempts(route, write, world):
                client, token = browsers[actor]
                parts = write.build(world, producer)
                response = await _send(client, token, world.api_tokens.get(actor), parts)
                allowed = (401, 403, 404) if actor == "anonymous" else (403, 404)
                to_login = response.status_code in (302, 303) and response.headers.get(
                    "location", ""
                ).startswith("/login")
                who = f"{route[0]} {parts['path']} as {actor}"
                refused = response.status_code in allowed or (actor == "anonymous" and to_login)
                if not refused:
                    failures.append(f"{who}: {_describe(response)}")
            if await database_snapshot() != baseline:
                failures.append(f"{route} CHANGED THE DATABASE for one of its attackers")
                baseline = await database_snapshot()
    finally:
        for client, _ in browsers.values():
            await client.aclose()
        await app.state.shared.close()
    assert not failures, "\n".join(failures)


async def test_the_owner_may_write(db: None) -> None:
    """The same requests succeed for the owner (in an order where none undoes another)."""
    world = await build_world()
    app = create_app(load_settings())
    browsers = await _browsers(app, {"seller", "officer"})
    failures: list[str] = []
    try:
        for route, write in OWNED.items():
            client, token = browsers[write.owner]
            before = await database_snapshot()
            parts = write.build(world, world.producer)
            response = await _send(client, token, world.api_tokens[write.owner], parts)
            if response.status_code >= 400:
                failures.append(f"{route}: {_describe(response)}")
            elif await database_snapshot() == before:
                failures.append(f"{route}: {response.status_code} but nothing changed")
    finally:
        for client, _ in browsers.values():
            await client.aclose()
        await app.state.shared.close()
    assert not failures, "\n".join(failures)


async def test_an_officer_of_the_province_may_recall_a_batch(db: None) -> None:
    product = await seller_product()
    seller = await account_by_phone(parse_phone(PHONES["seller"]))
    officer = await account_by_phone(parse_phone(PHONES["officer"]))
    batch = await open_batch(seller, product)
    secret = (await create_api_token(officer.id, "kiểm tra"))[1]
    app = create_app(load_settings())
    client, _ = await logged_in(app, None)
    try:
        response = await client.post(
            f"/api/v1/batches/{batch.code}/recall",
            json={"reason": "Dư lượng thuốc"},
            headers={"authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "recalled"
    finally:
        await client.aclose()
        await app.state.shared.close()


SELF_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/logout"): {"method": "POST", "path": "/logout"},
    ("POST", "/logout-everywhere"): {"method": "POST", "path": "/logout-everywhere"},
    ("POST", "/account/tokens"): {
        "method": "POST",
        "path": "/account/tokens",
        "data": {"name": "x"},
    },
    ("POST", "/api/v1/tokens"): {"method": "POST", "path": "/api/v1/tokens", "json": {"name": "x"}},
    ("POST", "/seller/producers"): {
        "method": "POST",
        "path": "/seller/producers",
        "data": {**PROFILE_FORM, "name": "HTX Mới"},
    },
    ("POST", "/api/v1/producers"): {
        "method": "POST",
        "path": "/api/v1/producers",
        "json": {
            "name": "HTX Mới",
            "kind": "hop_tac_xa",
            "province_code": "37",
            "commune_code": "13540",
        },
    },
    ("POST", "/account/reset-codes"): {
        "method": "POST",
        "path": "/account/reset-codes",
        "data": {"phone": PHONES["seller"]},
    },
}


async def test_self_service_writes_need_a_login(db: None) -> None:
    assert SELF_REQUESTS.keys() == SELF.keys()
    await people()
    app = create_app(load_settings())
    client, token = await logged_in(app, None)
    failures: list[str] = []
    try:
        baseline = await database_snapshot()
        for route, parts in SELF_REQUESTS.items():
            response = await _send(client, token, None, parts)
            to_login = response.headers.get("location", "").startswith("/login")
            # Logging out without a session is harmless: it only sends the visitor home.
            harmless = route[1].startswith("/logout") and response.status_code in (302, 303)
            if not (response.status_code in (401, 403) or to_login or harmless):
                failures.append(f"{route}: {_describe(response)}")
            if await database_snapshot() != baseline:
                failures.append(f"{route} CHANGED THE DATABASE for an anonymous visitor")
        bad_bearer = await client.post(
            "/api/v1/producers",
            json=SELF_REQUESTS[("POST", "/api/v1/producers")]["json"],
            headers={"authorization": "Bearer not-a-real-token"},
        )
        assert bad_bearer.status_code == 401
        assert bad_bearer.json()["code"] == "token_invalid"
    finally:
        await client.aclose()
        await app.state.shared.close()
    assert not failures, "\n".join(failures)


async def test_reset_codes_are_issued_only_by_officers_or_owners(db: None) -> None:
    await seller_product()  # the seller works for a producer of the officer's province
    app = create_app(load_settings())
    browsers = await _browsers(app, {"buyer", "other_seller", "officer"})
    try:
        for actor in ("buyer", "other_seller"):
            client, token = browsers[actor]
            before = await database_snapshot()
            response = await client.post(
                "/account/reset-codes",
                data={"phone": PHONES["seller"], "_csrf_token": token},
            )
            assert response.status_code == 403, (actor, _describe(response))
            assert "Chỉ cán bộ hoặc chủ cơ sở" in response.text
            assert await database_snapshot() == before
        client, token = browsers["officer"]
        response = await client.post(
            "/account/reset-codes", data={"phone": PHONES["seller"], "_csrf_token": token}
        )
        assert response.status_code == 200
        assert 'class="code"' in response.text
    finally:
        for client, _ in browsers.values():
            await client.aclose()
        await app.state.shared.close()
