"""`langso vietqr encode|decode`, `langso payments expire` and `langso payments simulate`."""

import asyncio
import os
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from marketplace.orders.lifecycle import confirm_paid_by_hand
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import CANCELED, PAID
from marketplace.payments import vietqr
from marketplace.payments.intents import PAYMENT_WINDOW
from storefront.cli import main
from tests.shop import build_shop, checkout, connect

ROOT = Path(__file__).resolve().parents[3]


def test_vietqr_encode_prints_a_payload_that_decodes(capsys):
    assert (
        main(
            [
                "vietqr",
                "encode",
                "970422",
                "0123456789",
                "--amount",
                "79000",
                "--purpose",
                "DH4K7P2QX",
            ]
        )
        == 0
    )
    payload = capsys.readouterr().out.strip()
    code = vietqr.decode(payload)
    assert (code.bank_bin, code.account, code.amount, code.purpose) == (
        "970422",
        "0123456789",
        79000,
        "DH4K7P2QX",
    )


def test_vietqr_decode_prints_the_fields_and_refuses_a_bad_crc(capsys):
    payload = vietqr.encode("970436", "0011001234567", amount=150000, purpose="DH0000001")
    assert main(["vietqr", "decode", payload]) == 0
    out = capsys.readouterr().out
    assert '"bank_bin": "970436"' in out and '"amount": 150000' in out
    assert main(["vietqr", "decode", payload[:-4] + "0000"]) == 2
    assert "crc_mismatch" in capsys.readouterr().err


async def _langso(*args):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        *args,
        cwd=ROOT,
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def test_payments_expire_releases_orders_past_their_window(db):
    shop = await build_shop()
    (old,) = await checkout(
        {shop.product_ids["buoi"]: 1}, now=datetime.now(UTC) - PAYMENT_WINDOW - timedelta(minutes=1)
    )
    (fresh,) = await checkout({shop.product_ids["buoi"]: 1})
    code, out, err = await _langso("payments", "expire")
    assert code == 0, err
    assert "expired 1 orders" in out
    assert (await get_order(old.id)).state == CANCELED
    assert (await get_order(fresh.id)).state != CANCELED


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _serve():
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env=dict(os.environ),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(150):
            try:
                if (await client.get(f"{url}/health")).status_code == 200:
                    return process, url
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not start")


async def test_payments_simulate_sends_a_signed_webhook_that_pays_the_order(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    await connect(shop, "ngoc_lu", "sepay")
    process, url = await _serve()
    try:
        code, out, err = await _langso(
            "payments", "simulate", order.reference.lower(), "--url", url
        )
    finally:
        process.terminate()
        await process.wait()
    assert code == 0, out + err
    assert out.startswith("200 ")
    assert (await get_order(order.id)).state == PAID


async def test_payments_simulate_says_when_no_provider_is_connected(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    code, _, err = await _langso("payments", "simulate", order.reference)
    assert code == 2
    assert "provider_not_connected" in err and "HTX Bưởi Ngọc Lũ" in err


async def test_simulating_a_paid_order_again_is_refused_and_sends_nothing(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    await connect(shop, "ngoc_lu", "sepay")
    process, url = await _serve()
    try:
        first = await _langso("payments", "simulate", order.reference, "--url", url)
        again = await _langso("payments", "simulate", order.reference, "--url", url)
    finally:
        process.terminate()
        await process.wait()
    assert first[0] == 0 and first[1].startswith("200 "), first
    code, out, err = again
    assert code == 2 and out == ""
    assert "Lỗi (nothing_due)" in err
    assert f"Đơn {order.reference} đã được thanh toán đủ" in err and "--amount N" in err
    paid = await get_order(order.id)
    assert paid.state == PAID
    assert paid.intent.amount_received_vnd == order.intent.amount_vnd  # once, not twice
    assert paid.intent.overpaid is False


async def test_an_order_marked_paid_by_hand_has_nothing_due(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await connect(shop, "ngoc_lu", "sepay")
    await confirm_paid_by_hand(shop.seller, shop.producer_ids["ngoc_lu"], order.id)
    unused = f"http://127.0.0.1:{_free_port()}"  # nothing listens: sending would crash
    code, _, err = await _langso("payments", "simulate", order.reference, "--url", unused)
    assert code == 2
    assert "Lỗi (nothing_due)" in err and "Traceback" not in err
    assert (await get_order(order.id)).intent.amount_received_vnd == 0


async def test_an_amount_must_be_a_positive_number_of_dong(db):
    code, _, err = await _langso("payments", "simulate", "DH0000000", "--amount", "0")
    assert code == 2
    assert "số đồng phải là số nguyên dương" in err


async def test_simulating_to_a_server_that_is_not_there_says_so(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await connect(shop, "ngoc_lu", "sepay")
    unused = f"http://127.0.0.1:{_free_port()}"
    code, out, err = await _langso("payments", "simulate", order.reference, "--url", unused)
    assert code == 2 and out == ""
    assert f"Lỗi (server_unreachable): Không gửi được tới {unused}" in err
    assert "Traceback" not in err
