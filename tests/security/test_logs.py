"""What the server logs while people sign up, log in, buy and get paid: JSON lines without
full phone numbers, passwords, API tokens, provider secrets, session ids, CSRF tokens, reset
codes or the capability tokens of carts and payments."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from marketplace.config import load_settings
from marketplace.payments.connections import ProviderSecrets
from marketplace.payments.simulate import new_transfer, signed_request
from storefront.app import create_app
from storefront.logs import JsonFormatter
from storefront.sessions import COOKIE
from tests.security.world import (
    PASSWORD,
    PHONES,
    SEPAY_HMAC,
    SEPAY_KEY,
    build_world,
    logged_in,
    page_token,
)

NEW_PHONE, NEW_PASSWORD = "0913 111 222", "mat-khau-rieng-tu-9"
BUYER_PHONE = "0987654321"


def capture_langso_log() -> tuple[io.StringIO, logging.Handler]:
    """Everything the `langso` logger writes, through its real JSON formatter (call this after
    create_app, which installs the logger's handlers)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("langso")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return stream, handler


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-9:]


async def _drive(app: Any, secrets: set[str]) -> None:
    """Sign-up, failed and good logins, a token, a guest checkout paid by webhook, errors."""
    world = await build_world()
    secrets |= {SEPAY_KEY, SEPAY_HMAC, PASSWORD, world.endpoint_id, *world.api_tokens.values()}
    visitor, token = await logged_in(app, None)
    try:
        signup = await visitor.post(
            "/signup",
            data={
                "phone": NEW_PHONE,
                "password": NEW_PASSWORD,
                "display_name": "Lò Văn Páo",
                "_csrf_token": token,
            },
        )
        assert signup.status_code in (302, 303), signup.text
        secrets.add(visitor.cookies[COOKIE])
        token = await page_token(visitor, "/account")
        secrets.add(token)
        made = await visitor.post("/account/tokens", data={"name": "máy kho", "_csrf_token": token})
        secrets.update(re.findall(r"lsk_[A-Za-z0-9_-]{16,}", made.text))
        await visitor.post("/logout", data={"_csrf_token": token})
        for password in ("sai-mat-khau-1", NEW_PASSWORD):
            token = await page_token(visitor)
            await visitor.post(
                "/login", data={"phone": NEW_PHONE, "password": password, "_csrf_token": token}
            )
        secrets.add(visitor.cookies[COOKIE])
        await visitor.get("/api/v1/me", headers={"authorization": "Bearer lsk_khong-dung-1234"})

        # A guest buys over the API; a bad checkout and a forged webhook are refused.
        await visitor.get("/cart")
        csrf = {"x-csrftoken": visitor.cookies["csrftoken"]}
        cart = (await visitor.post("/api/v1/carts", headers=csrf)).json()["token"]
        secrets.add(cart)
        await visitor.post(
            f"/api/v1/carts/{cart}/items",
            json={"product_id": world.product, "quantity": 1},
            headers=csrf,
        )
        address = {"province_code": "01", "commune_code": "00004", "address_line": "Số 12"}
        bad = await visitor.post(
            f"/api/v1/carts/{cart}/checkout",
            json={"buyer_name": "Mai", "phone": "0987654", **address},
            headers=csrf,
        )
        assert bad.status_code == 422
        placed = await visitor.post(
            f"/api/v1/carts/{cart}/checkout",
            json={"buyer_name": "Trần Thị Mai", "phone": BUYER_PHONE, **address},
            headers=csrf,
        )
        assert placed.status_code in (200, 201), placed.text
        body = placed.json()
        secrets.update(
            re.findall(r'"(?:payment_token|checkout_token|token)":\s*"([^"]+)"', json.dumps(body))
        )
        order = body["orders"][0]
        path = f"/api/v1/payments/webhooks/sepay/{world.endpoint_id}"
        transfer = new_transfer(
            "0123456789", order["total_vnd"], order["reference"], datetime.now(UTC)
        )
        forged_headers, forged = signed_request(
            "sepay", transfer, ProviderSecrets(hmac_secret="forged-secret-123"), datetime.now(UTC)
        )
        assert (await visitor.post(path, content=forged, headers=forged_headers)).status_code in (
            401,
            403,
        )
        headers, content = signed_request(
            "sepay", transfer, ProviderSecrets(hmac_secret=SEPAY_HMAC), datetime.now(UTC)
        )
        paid = await visitor.post(path, content=content, headers=headers)
        assert paid.status_code == 200, paid.text
        secrets.update(
            value for name, value in forged_headers.items() if name.lower() != "content-type"
        )
        secrets.update(value for name, value in headers.items() if name.lower() != "content-type")
        payment = body["orders"][0]["payment_token"]
        secrets.add(payment)
        await visitor.post(f"/pay/{payment}/renew", data={})  # no CSRF token: 403, logged
        await visitor.post(f"/api/v1/carts/{cart}/items", json={"product_id": 0}, headers=csrf)
    finally:
        await visitor.aclose()


async def test_logs_hold_no_secrets_and_no_full_phone_numbers(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(load_settings())
    stream, handler = capture_langso_log()
    secrets: set[str] = {NEW_PASSWORD, "sai-mat-khau-1"}
    try:
        await _drive(app, secrets)
    finally:
        logging.getLogger("langso").removeHandler(handler)
        logging.getLogger("langso").setLevel(load_settings().log_level)
        await app.state.shared.close()
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert len(lines) >= 5, lines  # the refusals above were logged
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    others = [
        record.getMessage() for record in caplog.records if not record.name.startswith("langso")
    ]
    phones = {_digits(p) for p in (NEW_PHONE, BUYER_PHONE, *PHONES.values())}
    leaks: list[str] = []
    for text in [*lines, *others]:
        digits = re.sub(r"\D", "", text)
        leaks += [f"phone {p}: {text}" for p in phones if p in digits]
        leaks += [f"secret {s[:6]}…: {text}" for s in secrets if s and len(s) >= 6 and s in text]
    assert not leaks, "\n".join(leaks)
